// Rotary position embedding (Su, kexue.fm/archives/8265), bert4keras layout.
//
// Pairing convention: interleaved pairs (x0, x1), (x2, x3), …; pair i at position m is rotated
// counter-clockwise by m·θ_i with θ_i = base^(−2i/d), base = 10000:
//     y_{2i} = x_{2i}·cos mθ_i − x_{2i+1}·sin mθ_i,   y_{2i+1} = x_{2i+1}·cos mθ_i + x_{2i}·sin mθ_i
// which is bert4keras' `x·cos_pos + [−x1, x0, −x3, x2, …]·sin_pos`. The inverse rotates by −mθ_i
// (R_m is orthogonal, so the backward of `rope` is `rope(inverse: true)` applied to the gradient).
//
// Versions: `rope` (SIMD8 over a precomputed `RoPETable`: y = x ⊙ cos + swap(x) ⊙ ±sin, the pair swap
// is a 32-bit rotate of 64-bit lanes) and `ropeReference` (angles and rotation in Double).

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// cos/sin of m·θ_i for positions m = start ..< start + positions, laid out for the kernel:
/// `cosines[p·dim + 2i] = cosines[p·dim + 2i + 1] = cos mθ_i`, `signedSines` = (−sin mθ_i, +sin mθ_i).
/// Angles are computed in Double (m·θ_i reaches thousands of radians), then rounded once to Float.
public struct RoPETable: Sendable {
    /// The number of tabulated positions: row p holds position `start + p`, for p in `0..<positions`.
    public let positions: Int
    /// The rotated width d (even and positive): each row holds `dim` values, one per channel.
    public let dim: Int
    /// The position m of row 0.
    public let start: Int
    /// The frequency base of θ_i = base^(−2i/d) (10000 in RoFormer).
    public let base: Double
    /// `[positions, dim]` row-major: cos mθ_i at channels 2i and 2i + 1.
    public let cosines: [Float]
    /// `[positions, dim]` row-major: −sin mθ_i at channel 2i and +sin mθ_i at channel 2i + 1.
    public let signedSines: [Float]

    /// - Precondition: dim is even and positive; positions ≥ 0.
    public init(positions: Int, dim: Int, start: Int = 0, base: Double = 10000) {
        precondition(dim > 0 && dim % 2 == 0, "RoPETable: dim \(dim) must be even and positive")
        precondition(positions >= 0, "RoPETable: positions \(positions) < 0")
        self.positions = positions; self.dim = dim; self.start = start; self.base = base
        var c = [Float](repeating: 0, count: positions * dim), s = c
        for p in 0..<positions {
            for i in 0..<dim / 2 {
                let angle = Double(start + p) * ropeTheta(i, dim: dim, base: base)
                c[p * dim + 2 * i] = Float(cos(angle)); c[p * dim + 2 * i + 1] = Float(cos(angle))
                s[p * dim + 2 * i] = Float(-sin(angle)); s[p * dim + 2 * i + 1] = Float(sin(angle))
            }
        }
        cosines = c; signedSines = s
    }
}

/// θ_i = base^(−2i/d).
@inline(__always)
public func ropeTheta(_ i: Int, dim: Int, base: Double = 10000) -> Double {
    pow(base, -2 * Double(i) / Double(dim))
}

/// Swaps the two floats of every interleaved pair: [x0, x1, x2, x3, …] → [x1, x0, x3, x2, …].
@inline(__always)
func swapPairs(_ v: Vec8) -> Vec8 {
    let q = unsafeBitCast(v, to: SIMD4<UInt64>.self)
    return unsafeBitCast((q &<< 32) | (q &>> 32), to: Vec8.self)
}

/// Applies RoPE (or its inverse) to x of shape [positions, groups, dim] (groups = heads sharing a
/// position, 1 for [positions, dim]); row p uses position `table.start + p`. `output` may be `x`.
/// - Parameter threads: `nil` → 2 above ~98k elements (positions are shared out; results identical).
public func rope(
    _ x: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>, positions: Int,
    groups: Int = 1, table: RoPETable, inverse: Bool = false, threads: Int? = nil
) {
    let dim = table.dim
    precondition(positions <= table.positions, "rope: \(positions) positions but table has \(table.positions)")
    precondition(groups >= 1, "rope: groups \(groups) < 1")
    table.cosines.withUnsafeBufferPointer { cb in
        table.signedSines.withUnsafeBufferPointer { sb in
            let cBase = cb.baseAddress!, sBase = sb.baseAddress!
            let sign = Vec8(repeating: inverse ? -1 : 1)
            let t = rowThreads(threads, rows: positions, elements: positions * groups * dim)
            forRowParts(rows: positions, threads: t) { range in
                for p in range {
                    let c = cBase + p &* dim, s = sBase + p &* dim
                    for g in 0..<groups {
                        let o = (p &* groups &+ g) &* dim
                        let xr = x + o, yr = y + o
                        var j = 0
                        while j &+ 8 <= dim {
                            let v = load8(xr + j)
                            store8((v * load8(c + j)).addingProduct(swapPairs(v), load8(s + j) * sign), yr + j)
                            j &+= 8
                        }
                        while j < dim {
                            let x0 = xr[j], x1 = xr[j &+ 1], sn = inverse ? -s[j &+ 1] : s[j &+ 1]
                            yr[j] = x0 * c[j] - x1 * sn
                            yr[j &+ 1] = x1 * c[j] + x0 * sn
                            j &+= 2
                        }
                    }
                }
            }
        }
    }
}

/// Algorithmic reference for `rope`: angles, cos/sin and the rotation in Double, positions from
/// `start`, no table.
public func ropeReference(
    _ x: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>, positions: Int,
    groups: Int = 1, dim: Int, start: Int = 0, base: Double = 10000, inverse: Bool = false
) {
    for p in 0..<positions {
        for g in 0..<groups {
            let o = (p * groups + g) * dim
            for i in 0..<dim / 2 {
                let angle = Double(start + p) * ropeTheta(i, dim: dim, base: base) * (inverse ? -1 : 1)
                let x0 = Double(x[o + 2 * i]), x1 = Double(x[o + 2 * i + 1])
                y[o + 2 * i] = Float(x0 * cos(angle) - x1 * sin(angle))
                y[o + 2 * i + 1] = Float(x1 * cos(angle) + x0 * sin(angle))
            }
        }
    }
}
