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
                        return dot(q, k) / Double(d).squareRoot() + units[i][2 * alpha + 1] / 2 + units[j][2 * alpha] / 2
                    }
                }
            }
        }
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
