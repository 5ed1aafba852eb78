import Testing

@testable import Kexue

#if canImport(Glibc)
    import Glibc
#endif

/// Literal, loop-by-loop evaluations of the post's formulas in Double: the oracles of the span-head tests.
enum SpanHeadOracle {
    /// R_m x for one vector: pair (2t, 2t+1) rotated counter-clockwise by m·θ_t, θ_t = 10000^(−2t/d) (post B3).
    static func rotate(_ x: [Double], position m: Int) -> [Double] {
        let d = x.count
        var y = x
        for t in 0..<(d / 2) {
            let angle = Double(m) * pow(10000, -2 * Double(t) / Double(d))
            y[2 * t] = x[2 * t] * cos(angle) - x[2 * t + 1] * sin(angle)
            y[2 * t + 1] = x[2 * t + 1] * cos(angle) + x[2 * t] * sin(angle)
        }
        return y
    }

    /// W h + b for one token: `weight` [inputs, outputs] (the `Dense` layout).
    static func dense(_ h: [Double], weight: Tensor, bias: Tensor?) -> [Double] {
        let (inputs, outputs) = (weight.shape[0], weight.shape[1])
        return (0..<outputs).map { o in
            var s = Double(bias?.scalars[o] ?? 0)
            for i in 0..<inputs { s += h[i] * Double(weight.scalars[i * outputs + o]) }
            return s
        }
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    /// Token `i` of item `b` of `h` [b, n, D] as Doubles.
    static func token(_ h: Tensor, _ b: Int, _ i: Int) -> [Double] {
        let (n, dim) = (h.shape[1], h.shape[2])
        return (0..<dim).map { Double(h.scalars[(b * n + i) * dim + $0]) }
    }

    /// Whether cell (i, j) of item b is masked (padding or, with `triangle`, i > j).
    static func masked(_ mask: [[Bool]]?, _ b: Int, _ i: Int, _ j: Int, triangle: Bool) -> Bool {
        (triangle && i > j) || (mask.map { !$0[b][i] || !$0[b][j] } ?? false)
    }

    /// GlobalPointer, post B1 with the bert4keras layout: s_α(i,j) = (R_i q_{i,α})ᵀ(R_j k_{j,α})/√d, q and k the
    /// halves of type α's contiguous chunk of 2d outputs; −∞ on masked cells. `[b][α][i][j]`.
    static func globalPointer(_ gp: GlobalPointer, _ h: Tensor, mask: [[Bool]]?) -> [[[[Double]]]] {
        let (batch, n, m, d) = (h.shape[0], h.shape[1], gp.types, gp.headSize)
        return (0..<batch).map { b in
            let x = (0..<n).map { dense(token(h, b, $0), weight: gp.dense.weight.value, bias: gp.dense.bias?.value) }
            return (0..<m).map { alpha in
                (0..<n).map { i in
                    (0..<n).map { j in
                        if masked(mask, b, i, j, triangle: gp.triangleMask) { return -.infinity }
                        var q = Array(x[i][(alpha * 2 * d)..<(alpha * 2 * d + d)])
                        var k = Array(x[j][(alpha * 2 * d + d)..<(alpha * 2 * d + 2 * d)])
                        if gp.useRoPE { q = rotate(q, position: i); k = rotate(k, position: j) }
                        return dot(q, k) / Double(d).squareRoot()
                    }
                }
            }
        }
    }

    /// Efficient GlobalPointer, the post's final form in the reference's conventions:
    /// s_α(i,j) = (R_i q_i)ᵀ(R_j k_j)/√d + ½(u_{2α+1}ᵀx_i + c_{2α+1}) + ½(u_{2α}ᵀx_j + c_{2α}),
    /// x = W h + c, q = even channels of x, k = odd channels; −∞ on masked cells. `[b][α][i][j]`.
    static func efficientGlobalPointer(_ egp: EfficientGlobalPointer, _ h: Tensor, mask: [[Bool]]?) -> [[[[Double]]]] {
        let (batch, n, m, d) = (h.shape[0], h.shape[1], egp.types, egp.headSize)
        return (0..<batch).map { b in
            let x = (0..<n).map {
                dense(token(h, b, $0), weight: egp.projection.weight.value, bias: egp.projection.bias?.value)
            }
            let units = x.map { dense($0, weight: egp.typeBias.weight.value, bias: egp.typeBias.bias?.value) }
            return (0..<m).map { alpha in
                (0..<n).map { i in
                    (0..<n).map { j in
                        if masked(mask, b, i, j, triangle: egp.triangleMask) { return -.infinity }
                        var q = (0..<d).map { x[i][2 * $0] }, k = (0..<d).map { x[j][2 * $0 + 1] }
                        if egp.useRoPE { q = rotate(q, position: i); k = rotate(k, position: j) }
                        return dot(q, k) / Double(d).squareRoot() + units[i][2 * alpha + 1] / 2 + units[j][2 * alpha]
                            / 2
                    }
                }
            }
        }
    }

    // MARK: Rounding bounds of the Float heads (first order, derived)
    //
    // Each Float dense output x_c = Σ_i h_i W_ic + b_c is within γ_(inputs+1)·X_c of its exact value, X = the same
    // product on |h|, |W|, |b| (`Tolerance.dot`). RoPE mixes a pair: a rotated component is within the pair's two
    // errors plus `Tolerance.rope` of the pair magnitude, and is itself at most that magnitude in size. A score
    // q·k/√d then errs by Σ_p (e_q,p·|k|_p + |q|_p·e_k,p) + γ_d·Σ_p |q|_p|k|_p, over √d, plus one rounding.

    /// |W|ᵀ|h| + |b| for one token, and its rounding bound γ_(inputs+1)·that.
    static func denseMagnitude(_ h: [Double], weight: Tensor, bias: Tensor?) -> (magnitude: [Double], error: [Double]) {
        let m = dense(h.map(abs), weight: weight.abs(), bias: bias?.abs())
        return (m, m.map { Tolerance.dot(length: weight.shape[0] + 1, magnitude: $0) })
    }

    /// Magnitudes and errors of q (or k) after the optional rotation, from those of the unrotated channels.
    static func rotatedBound(_ magnitude: [Double], _ error: [Double], rope: Bool) -> (
        magnitude: [Double], error: [Double]
    ) {
        guard rope else { return (magnitude, error) }
        var m = magnitude, e = error
        for t in 0..<(magnitude.count / 2) {
            let pair = magnitude[2 * t] + magnitude[2 * t + 1]
            let pairError = error[2 * t] + error[2 * t + 1] + Tolerance.rope(pairMagnitude: pair)
            (m[2 * t], m[2 * t + 1], e[2 * t], e[2 * t + 1]) = (pair, pair, pairError, pairError)
        }
        return (m, e)
    }

    /// The bound on q·k/√d given both sides' magnitudes and errors.
    static func scoreBound(_ q: (magnitude: [Double], error: [Double]), _ k: (magnitude: [Double], error: [Double]))
        -> Double
    {
        let d = q.magnitude.count
        var propagated = 0.0, magnitude = 0.0
        for p in 0..<d {
            propagated += q.error[p] * k.magnitude[p] + q.magnitude[p] * k.error[p]
            magnitude += q.magnitude[p] * k.magnitude[p]
        }
        let root = Double(d).squareRoot()
        return (propagated + Tolerance.dot(length: d, magnitude: magnitude)) / root + Tolerance.float * magnitude / root
    }

    /// Per-cell rounding bound of `GlobalPointer`'s Float scores, `[b][α][i][j]` (masked cells 0).
    static func globalPointerBound(_ gp: GlobalPointer, _ h: Tensor) -> [[[[Double]]]] {
        let (batch, n, m, d) = (h.shape[0], h.shape[1], gp.types, gp.headSize)
        return (0..<batch).map { b in
            let x = (0..<n).map {
                denseMagnitude(token(h, b, $0), weight: gp.dense.weight.value, bias: gp.dense.bias?.value)
            }
            return (0..<m).map { alpha in
                let lo = alpha * 2 * d
                let q = x.map {
                    rotatedBound(Array($0.magnitude[lo..<(lo + d)]), Array($0.error[lo..<(lo + d)]), rope: gp.useRoPE)
                }
                let k = x.map {
                    rotatedBound(
                        Array($0.magnitude[(lo + d)..<(lo + 2 * d)]), Array($0.error[(lo + d)..<(lo + 2 * d)]),
                        rope: gp.useRoPE)
                }
                return (0..<n).map { i in (0..<n).map { j in scoreBound(q[i], k[j]) } }
            }
        }
    }

    /// Per-cell rounding bound of `EfficientGlobalPointer`'s Float scores: the shared score's bound, plus the two
    /// halved unit terms, each a dense of the Float x (x's errors through |W|, plus γ_(2d+1) of its magnitude), plus
    /// the two additions' roundings.
    static func efficientGlobalPointerBound(_ egp: EfficientGlobalPointer, _ h: Tensor) -> [[[[Double]]]] {
        let (batch, n, m, d) = (h.shape[0], h.shape[1], egp.types, egp.headSize)
        let w = egp.typeBias.weight.value.abs()
        return (0..<batch).map { b in
            let x = (0..<n).map {
                denseMagnitude(token(h, b, $0), weight: egp.projection.weight.value, bias: egp.projection.bias?.value)
            }
            let q = x.map { xi in
                rotatedBound((0..<d).map { xi.magnitude[2 * $0] }, (0..<d).map { xi.error[2 * $0] }, rope: egp.useRoPE)
            }
            let k = x.map { xi in
                rotatedBound(
                    (0..<d).map { xi.magnitude[2 * $0 + 1] }, (0..<d).map { xi.error[2 * $0 + 1] }, rope: egp.useRoPE)
            }
            let units = x.map { xi -> (magnitude: [Double], error: [Double]) in
                let own = denseMagnitude(
                    xi.magnitude, weight: egp.typeBias.weight.value, bias: egp.typeBias.bias?.value)
                let carried = dense(xi.error, weight: w, bias: nil)
                return (own.magnitude, zip(own.error, carried).map { $0 + $1 })
            }
            return (0..<m).map { alpha in
                (0..<n).map { i in
                    (0..<n).map { j in
                        let (ui, uj) = (2 * alpha + 1, 2 * alpha)
                        let total =
                            q[i].magnitude.indices.reduce(0.0) { $0 + q[i].magnitude[$1] * k[j].magnitude[$1] }
                            / Double(d).squareRoot() + units[i].magnitude[ui] / 2 + units[j].magnitude[uj] / 2
                        return scoreBound(q[i], k[j]) + units[i].error[ui] / 2 + units[j].error[uj] / 2
                            + 2 * Tolerance.float * total
                    }
                }
            }
        }
    }

    /// Largest |layer − oracle| / bound over the finite cells.
    static func maxRatio(_ scores: Tensor, _ oracle: [[[[Double]]]], bound: [[[[Double]]]]) -> Double {
        let flat = oracle.flatMap { $0.flatMap { $0.flatMap { $0 } } }
        let bounds = bound.flatMap { $0.flatMap { $0.flatMap { $0 } } }
        var worst = 0.0
        for (i, (a, e)) in zip(scores.scalars, flat).enumerated() where e.isFinite && a.isFinite {
            worst = max(worst, abs(Double(a) - e) / bounds[i])
        }
        return worst
    }

    /// Largest |layer − oracle| over the cells, requiring −∞ exactly where the oracle has −∞.
    static func maxDifference(_ scores: Tensor, _ oracle: [[[[Double]]]]) -> (difference: Double, infMismatch: Int) {
        let flat = oracle.flatMap { $0.flatMap { $0.flatMap { $0 } } }
        var worst = 0.0, mismatches = 0
        for (a, e) in zip(scores.scalars, flat) {
            if e == -.infinity || a == -.infinity {
                if !(e == -.infinity && a == -.infinity) { mismatches += 1 }
            } else {
                worst = max(worst, abs(Double(a) - e))
            }
        }
        return (worst, mismatches + abs(flat.count - scores.count))
    }
}
