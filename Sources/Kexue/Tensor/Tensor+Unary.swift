#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Element-wise unary functions

extension Tensor {
    /// `f` on 8 lanes at a time; the tail is padded into one vector so every element takes the same code path
    /// (results do not depend on an element's position).
    @inline(__always)
    func mapVector(_ f: (Vec8) -> Vec8) -> Tensor {
        withUnsafeBufferPointer { src in
            Tensor.buildOverwriting(shape) { dst in
                let n = src.count
                guard n > 0 else { return }
                let x = src.baseAddress!, y = dst.baseAddress!
                var j = 0
                while j &+ 8 <= n { store8(f(load8(x + j)), y + j); j &+= 8 }
                if j < n {
                    var v = Vec8()
                    for l in 0..<(n &- j) { v[l] = x[j &+ l] }
                    let r = f(v)
                    for l in 0..<(n &- j) { y[j &+ l] = r[l] }
                }
            }
        }
    }

    /// `f` on 8 lanes at a time of two tensors of the same shape (the tail padded as in `mapVector`, so every
    /// element takes the same code path). For element-wise chains that call `vexp`, where the scalar closure of
    /// `zipWith` would fall back to libm one element at a time.
    @inline(__always)
    static func zipVector(_ a: Tensor, _ b: Tensor, op: String, _ f: (Vec8, Vec8) -> Vec8) -> Tensor {
        precondition(a.shape == b.shape, "\(op): shapes \(a.shape) and \(b.shape) differ")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                Tensor.buildOverwriting(a.shape) { dst in
                    let n = pa.count
                    guard n > 0 else { return }
                    let x = pa.baseAddress!, z = pb.baseAddress!, y = dst.baseAddress!
                    var j = 0
                    while j &+ 8 <= n { store8(f(load8(x + j), load8(z + j)), y + j); j &+= 8 }
                    if j < n {
                        var u = Vec8(), v = Vec8()
                        for l in 0..<(n &- j) { u[l] = x[j &+ l]; v[l] = z[j &+ l] }
                        let r = f(u, v)
                        for l in 0..<(n &- j) { y[j &+ l] = r[l] }
                    }
                }
            }
        }
    }

    /// e^x element-wise with the Kernels polynomial `vexp` (≤ 2 ulp; x < −86.6 gives exactly 0, x > 88.72 gives
    /// +inf, NaN stays NaN).
    public func exp() -> Tensor { mapVector { vexp($0) } }
    /// Natural logarithm element-wise (log 0 = -inf, log of a negative number = NaN).
    public func log() -> Tensor { map { logf($0) } }
    /// Hyperbolic tangent element-wise, Cephes `tanhf` scheme on 8 lanes: an odd polynomial for |x| < 0.625
    /// (where 1 − 2/(e^{2x}+1) would cancel), else 1 − 2/(e^{2|x|}+1) with the sign restored; ±1 for large |x|.
    /// Error a few ulp.
    public func tanh() -> Tensor { mapVector(vectorTanh) }
    /// Logistic sigmoid 1/(1+e^{-x}) (with `vexp`). For x ≪ 0, e^{-x} overflows to +inf and 1/(1+inf) = 0
    /// exactly; for x ≫ 0 it is 1: no NaN for any non-NaN x.
    public func sigmoid() -> Tensor { mapVector { 1 / (1 + vexp(-$0)) } }
    /// Swish (SiLU) x·sigmoid(x), as used by GAU/FLASH (swish(−inf) is NaN, as 0·inf).
    public func swish() -> Tensor { mapVector { $0 / (1 + vexp(-$0)) } }
    /// max(x, 0) element-wise (NaN stays NaN, since NaN < 0 is false; relu(−0) is 0).
    public func relu() -> Tensor { mapVector { $0.replacing(with: 0, where: $0 .< 0) } }
    /// x² element-wise.
    public func squared() -> Tensor { mapVector { $0 * $0 } }
    /// √x element-wise (NaN for negative x).
    public func sqrt() -> Tensor { map { $0.squareRoot() } }
    /// |x| element-wise.
    public func abs() -> Tensor { map { Swift.abs($0) } }
    /// x^p element-wise (`powf`).
    public func pow(_ p: Float) -> Tensor { map { powf($0, p) } }
    /// Clamps every element into [low, high] (NaN stays NaN).
    public func clamped(to low: Float, _ high: Float) -> Tensor {
        map { $0 < low ? low : ($0 > high ? high : $0) }
    }
}

/// tanh on 8 lanes (see `Tensor.tanh`).
@inline(__always)
func vectorTanh(_ x: Vec8) -> Vec8 {
    let ax = x.replacing(with: -x, where: x .< 0)
    // Large branch: 1 − 2/(e^{2|x|} + 1); e^{2|x|} = inf gives exactly 1.
    var big = 1 - 2 / (vexp(ax + ax) + 1)
    big = big.replacing(with: -big, where: x .< 0)
    // Small branch (Cephes tanhf minimax): x + x·z·P(z), z = x².
    let z = x * x
    var p = Vec8(repeating: 2.06390887954e-2).addingProduct(Vec8(repeating: -5.70498872745e-3), z)
    p = Vec8(repeating: -5.37397155531e-2).addingProduct(p, z)
    p = Vec8(repeating: 1.33314422036e-1).addingProduct(p, z)
    p = Vec8(repeating: -3.33332819422e-1).addingProduct(p, z)
    let small = x.addingProduct(p * z, x)
    return big.replacing(with: small, where: ax .< 0.625)
}
