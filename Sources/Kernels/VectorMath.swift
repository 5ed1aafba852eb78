// Small SIMD8<Float> helpers shared by the kernels: a polynomial exp and horizontal reductions.
//
// Every helper is `@inlinable @inline(__always)` (inlined even in non-WMO debug builds): SIMD values crossing a non-inlined call are split into
// halves (shared/reference/cpu-performance.md, pitfall 6). Only operations that lower to single AVX
// instructions are used (`replacing(with:where:)` → vblendvps/vmaxps, bit casts, wrapping integer
// arithmetic); `pointwiseMax`, `.max()` and float→int conversions become per-lane calls (pitfall 5).

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The SIMD vector type of every kernel: 8 lanes of fp32, one AVX2 register.
public typealias Vec8 = SIMD8<Float>

// MARK: - Polynomial exp

/// Inputs below this are flushed to exactly 0: e^x < 2^-124.9 here, and keeping n ≥ −125 keeps the
/// scale 2^(n−1) below a normal float (see `vexp`). Softmax inputs are ≤ 0 after max subtraction,
/// so a flushed term is < 2^-124 relative to the largest term 1: it never changes a normalised row.
@usableFromInline let vexpLow: Float = -86.6
/// ln(Float.greatestFiniteMagnitude): above this e^x overflows to +inf.
@usableFromInline let vexpHigh: Float = 88.72283

/// e^x on 8 lanes, Cephes `expf` scheme with FMA.
///
/// x = n·ln2 + r with n = round(x/ln2) and |r| ≤ ln2/2 (Cody-Waite two-constant reduction, exact for
/// |n| ≤ 128), e^r = 1 + r + r²·P(r) with Cephes' degree-5 minimax P, then scaled by 2^n built from
/// the exponent bits. Error: ≤ 2 ulp (relative ≤ 2.4e-7) for x in [−86.6, 88.72]; measured worst
/// 1.6e-7 over the range in `VectorMathTests`.
/// Special values: x < −86.6 → +0 (including −inf), x > 88.72 → +inf, NaN → NaN.
@inlinable @inline(__always)
public func vexp(_ x: Vec8) -> Vec8 {
    // Clamp so that n stays in [−125, 128]; the out-of-range lanes are overwritten at the end.
    var xc = x.replacing(with: vexpHigh, where: x .> vexpHigh)
    xc = xc.replacing(with: vexpLow, where: xc .< vexpLow)
    var (e, shifted) = vexpReduced(xc)
    // 2^(n−1) from the exponent bits: the low bits of `shifted` hold n (two's complement), so
    // bits(shifted) − bits(magic) = n. Using n−1 (then ×2) keeps n = 128 representable.
    let nBits = unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- 0x4B40_0000
    let scaleBits = (nBits &+ 126) &<< 23
    let scale = unsafeBitCast(scaleBits, to: Vec8.self)
    e = (e * scale) * 2
    e = e.replacing(with: 0, where: x .< vexpLow)
    e = e.replacing(with: .infinity, where: x .> vexpHigh)
    return e
}

/// The shared core of `vexp` and `vexpNonPositive`: e^r for x = n·ln2 + r, and `shifted`, whose low
/// mantissa bits hold n (the caller applies 2^n its own way).
@inlinable @inline(__always)
func vexpReduced(_ x: Vec8) -> (Vec8, Vec8) {
    // Round-to-nearest by the 1.5·2^23 trick: adding the magic constant leaves n in the low
    // mantissa bits, and subtracting it gives n as a float. No float→int conversion (pitfall 5).
    let magic = Vec8(repeating: 12582912.0)
    let shifted = magic.addingProduct(x, Vec8(repeating: 1.44269504088896341))
    let n = shifted - magic
    // r = x − n·ln2 with ln2 split in a short high part (exact products) and a low correction.
    var r = x.addingProduct(n, Vec8(repeating: -0.693359375))
    r = r.addingProduct(n, Vec8(repeating: 2.12194440e-4))
    // Cephes expf polynomial on [−ln2/2, ln2/2].
    var p = Vec8(repeating: 1.3981999507e-3).addingProduct(Vec8(repeating: 1.9875691500e-4), r)
    p = Vec8(repeating: 8.3334519073e-3).addingProduct(p, r)
    p = Vec8(repeating: 4.1665795894e-2).addingProduct(p, r)
    p = Vec8(repeating: 1.6666665459e-1).addingProduct(p, r)
    p = Vec8(repeating: 5.0000001201e-1).addingProduct(p, r)
    return ((r + 1).addingProduct(p, r * r), shifted)
}

/// e^x for arguments known to be ≤ 0 (or NaN), e.g. x − max(x) in softmax and logsumexp: the same
/// reduction and polynomial as `vexp` (same error bound), cheaper around them:
/// - no input clamp: arguments below −86.6 (including −inf, whose reduction gives NaN) are replaced
///   by +0 at the end;
/// - 2^n is applied by adding n·2^23 to the result's bits (no multiply): bits(shifted) << 23 equals
///   n << 23 modulo 2^32 because the magic constant's bits vanish under the shift; exact while the
///   result stays a normal float, which n ≥ −125 guarantees.
/// Small positive arguments (a few ulps, from rounding) are fine; large positive ones are not.
@inlinable @inline(__always)
public func vexpNonPositive(_ x: Vec8) -> Vec8 {
    let (e, shifted) = vexpReduced(x)
    let nShifted = unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &<< 23
    let scaled = unsafeBitCast(unsafeBitCast(e, to: SIMD8<UInt32>.self) &+ nShifted, to: Vec8.self)
    return scaled.replacing(with: 0, where: x .< vexpLow)
}

/// Scalar e^x with the same algorithm and special values as `vexp` (for tails and tests).
@inlinable @inline(__always)
public func vexpScalar(_ x: Float) -> Float {
    vexp(Vec8(repeating: x))[0]
}

// MARK: - Horizontal reductions

/// Sum of the 8 lanes, in a fixed tree order (lanes 0+4, 1+5, …) so results do not depend on anything
/// but the data.
@inlinable @inline(__always)
public func hsum(_ v: Vec8) -> Float {
    let h = v.lowHalf + v.highHalf
    let q = h.lowHalf + h.highHalf
    return q[0] + q[1]
}

/// Maximum of the 8 lanes. NaN lanes are ignored (the comparisons are false), callers that need NaN
/// propagation get it from the later arithmetic on the NaN lane itself.
@inlinable @inline(__always)
public func hmax(_ v: Vec8) -> Float {
    let a = v.lowHalf, b = v.highHalf
    let h = a.replacing(with: b, where: b .> a)
    let c = h.lowHalf, d = h.highHalf
    let q = c.replacing(with: d, where: d .> c)
    return q[1] > q[0] ? q[1] : q[0]
}

/// Lane-wise maximum that lowers to `vmaxps` (`pointwiseMax` does not, pitfall 5).
@inlinable @inline(__always)
public func vmax(_ a: Vec8, _ b: Vec8) -> Vec8 {
    a.replacing(with: b, where: b .> a)
}

// MARK: - Raw loads and stores

/// Loads 8 floats starting at `p` (plain `vmovups`, pitfall 7).
@inlinable @inline(__always)
public func load8(_ p: UnsafePointer<Float>) -> Vec8 {
    UnsafeRawPointer(p).loadUnaligned(as: Vec8.self)
}

/// Stores 8 floats starting at `p`.
@inlinable @inline(__always)
public func store8(_ v: Vec8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vec8.self)
}
