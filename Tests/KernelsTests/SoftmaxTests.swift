import Foundation
import Testing

@testable import Kernels

/// Bound for a softmax element, derived: z = λx + m is rounded (u|z|), z − max is rounded
/// (u|z − max|), exp adds ≤ 2.4e-7 ≈ 4u, the 8-lane sum adds (cols/8 + 3)·u relative, and the errors
/// of the other terms reach y_i through the sum (≤ max_j of their relative errors). So
/// |Δy_i| ≤ y_i·u·(10 + cols/8 + 4·(max_j|z_j| + |z_max|)) + 2^-124 (terms below 2^-125 flush to 0).
private func softmaxBound(y: Float, zAbsMax: Double, cols: Int) -> Double {
    Double(y) * u32 * (10 + Double(cols) / 8 + 4 * 2 * zAbsMax) + 0x1p-124
}

private func maxAbsFinite(_ z: ArraySlice<Float>) -> Double {
    z.filter { $0.isFinite }.map { abs(Double($0)) }.max() ?? 0
}

@Test func softmaxFamilyMatchesTwin() {
    var rng = SplitMix64(seed: 21)
    for (rows, cols, scale, lambda) in [
        (1, 1, Float(1), Float(1)), (3, 7, 3, 1), (5, 64, 10, 0.5),
        (4, 131, 1e4, 1), (17, 509, 4, 2), (2, 1024, 30, 1),
    ] {
        let x = rng.array(rows * cols, -scale, scale)
        // Mask: one shared row with a few −inf (key padding) and finite offsets.
        var mask = rng.array(cols, -1, 1)
        for j in stride(from: 2, to: cols, by: 5) { mask[j] = -.infinity }
        for useMask in [false, true] {
            let z: [Float] = (0..<rows * cols).map { x[$0] * lambda + (useMask ? mask[$0 % cols] : 0) }
            var got = [Float](repeating: 0, count: rows * cols), want = got
            mask.withUnsafeBufferPointer { mp in
                let m = useMask ? mp.baseAddress : nil
                softmaxRows(x, rows: rows, cols: cols, temperature: lambda, mask: m, output: &got)
                softmaxRowsReference(x, rows: rows, cols: cols, temperature: lambda, mask: m, output: &want)
            }
            let r = compareTwins(got, want) { i in
                softmaxBound(
                    y: want[i], zAbsMax: maxAbsFinite(z[(i / cols * cols)..<(i / cols * cols + cols)]), cols: cols)
            }
            #expect(r.ok, "softmax [\(rows), \(cols)] scale \(scale) mask \(useMask): \(r)")

            var lgot = [Float](repeating: 0, count: rows * cols), lwant = lgot
            var sgot = [Float](repeating: 0, count: rows), swant = sgot
            mask.withUnsafeBufferPointer { mp in
                let m = useMask ? mp.baseAddress : nil
                logSoftmaxRows(x, rows: rows, cols: cols, temperature: lambda, mask: m, output: &lgot)
                logSoftmaxRowsReference(x, rows: rows, cols: cols, temperature: lambda, mask: m, output: &lwant)
                logSumExpRows(x, rows: rows, cols: cols, temperature: lambda, mask: m, output: &sgot)
                logSumExpRowsReference(x, rows: rows, cols: cols, temperature: lambda, mask: m, output: &swant)
            }
            // logsumexp = max + log(sum): errors u·(|z|+|max|) from the shifted arguments, the relative
            // error of the sum (cols/8 + 10)·u, and the final roundings of |lse| and |z − lse|.
            let lr = compareTwins(lgot, lwant) { i in
                let zr = maxAbsFinite(z[(i / cols * cols)..<(i / cols * cols + cols)])
                return u32 * (10 + Double(cols) / 8 + 8 * zr + 2 * abs(Double(lwant[i])))
            }
            #expect(lr.ok, "logSoftmax [\(rows), \(cols)] mask \(useMask): \(lr)")
            let sr = compareTwins(sgot, swant) { i in
                u32 * (10 + Double(cols) / 8 + 8 * maxAbsFinite(z[(i * cols)..<(i * cols + cols)]))
            }
            #expect(sr.ok, "logSumExp [\(rows), \(cols)] mask \(useMask): \(sr)")
        }
    }
}

@Test func softmaxEdgeCases() {
    // Huge logits do not overflow; fully masked rows give 0 / −inf / −inf; NaN poisons its row only.
    let cols = 11
    var x = [Float](repeating: 0, count: 4 * cols)
    for j in 0..<cols { x[j] = j == 3 ? 1e4 : -1e4 }  // row 0: one-hot at 3
    for j in 0..<cols { x[cols + j] = -.infinity }  // row 1: fully masked
    for j in 0..<cols { x[2 * cols + j] = Float(j) }; x[2 * cols + 5] = .nan  // row 2: NaN
    for j in 0..<cols { x[3 * cols + j] = 1e4 }  // row 3: uniform at 1e4
    var y = [Float](repeating: 7, count: 4 * cols), ls = y, lse = [Float](repeating: 7, count: 4)
    softmaxRows(x, rows: 4, cols: cols, output: &y)
    logSoftmaxRows(x, rows: 4, cols: cols, output: &ls)
    logSumExpRows(x, rows: 4, cols: cols, output: &lse)
    for j in 0..<cols {
        #expect(y[j] == (j == 3 ? 1 : 0))
        #expect(y[cols + j] == 0 && ls[cols + j] == -.infinity)
        #expect(y[2 * cols + j].isNaN && ls[2 * cols + j].isNaN)
        #expect(abs(y[3 * cols + j] - 1 / Float(cols)) < 1e-6)
    }
    #expect(lse[0] == 1e4 && lse[1] == -.infinity && lse[2].isNaN)
    // Threads: results identical.
    var rng = SplitMix64(seed: 3)
    let big = rng.array(301 * 67, -5, 5)
    var one = [Float](repeating: 0, count: big.count), two = one
    softmaxRows(big, rows: 301, cols: 67, output: &one, threads: 1)
    softmaxRows(big, rows: 301, cols: 67, output: &two, threads: 2)
    #expect(one == two)
}

@Test func softmaxBackwardsMatchFiniteDifferences() {
    // Loss L = Σ w ⊙ f(x) in Double; central differences with h = 1e-6 on the Double twin of f
    // (truncation O(h²) ≈ 1e-12, cancellation ≈ 1e-16/h): compare the fp32 backward to 1e-5.
    var rng = SplitMix64(seed: 8)
    let rows = 3, cols = 13
    let lambda: Float = 0.7
    let x = rng.array(rows * cols, -2, 2), w = rng.array(rows * cols, -1, 1)
    func softmaxD(_ x: [Double], log: Bool) -> [Double] {
        var out = [Double](repeating: 0, count: x.count)
        for r in 0..<rows {
            let z = (0..<cols).map { Double(lambda) * x[r * cols + $0] }
            let lse = referenceLogSumExp(z)
            for j in 0..<cols { out[r * cols + j] = log ? z[j] - lse : Foundation.exp(z[j] - lse) }
        }
        return out
    }
    for useLog in [false, true] {
        var y = [Float](repeating: 0, count: rows * cols), dx = y
        if useLog {
            logSoftmaxRows(x, rows: rows, cols: cols, temperature: lambda, output: &y)
            logSoftmaxBackwardRows(y: y, dy: w, rows: rows, cols: cols, temperature: lambda, dx: &dx)
        } else {
            softmaxRows(x, rows: rows, cols: cols, temperature: lambda, output: &y)
            softmaxBackwardRows(y: y, dy: w, rows: rows, cols: cols, temperature: lambda, dx: &dx)
        }
        let xd = x.map(Double.init)
        for i in 0..<x.count {
            let h = 1e-6
            var xp = xd, xm = xd
            xp[i] += h; xm[i] -= h
            let lp = zip(softmaxD(xp, log: useLog), w).reduce(0) { $0 + $1.0 * Double($1.1) }
            let lm = zip(softmaxD(xm, log: useLog), w).reduce(0) { $0 + $1.0 * Double($1.1) }
            let fd = (lp - lm) / (2 * h)
            #expect(
                abs(fd - Double(dx[i])) < 1e-5, "\(useLog ? "log-" : "")softmax backward [\(i)]: \(dx[i]) vs fd \(fd)")
        }
    }
}
