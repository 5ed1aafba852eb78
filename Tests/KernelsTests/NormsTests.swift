import Foundation
import Testing

@testable import Kernels

@Test func normsMatchTwins() {
    var rng = SplitMix64(seed: 51)
    for (rows, d, offset) in [(1, 1, Float(0)), (3, 7, 0), (5, 64, 3), (4, 131, -10), (2, 768, 0.5)] {
        let x = rng.array(rows * d, -2, 2).map { $0 + offset }
        let g = rng.array(d, 0.5, 1.5), b = rng.array(d, -1, 1)
        var y = [Float](repeating: 0, count: rows * d), yRef = y
        layerNorm(x, rows: rows, dim: d, gain: g, bias: b, epsilon: 1e-6, output: &y)
        layerNormReference(x, rows: rows, dim: d, gain: g, bias: b, epsilon: 1e-6, output: &yRef)
        // μ and Σ(x−μ)² carry (d/8 + 4)·u relative error; the error of μ is amplified by rstd:
        // |Δy| ≤ u·(16 + d/4)·|g|·(|x̂| + mean|x|·rstd) + u·|b|.
        let lr = compareTwins(y, yRef) { i in
            let r = i / d
            let row = x[r * d..<(r + 1) * d].map { Double($0) }
            let mu = row.reduce(0, +) / Double(d)
            let rs = 1 / ((row.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(d)) + 1e-6).squareRoot()
            let meanAbs = row.reduce(0) { $0 + abs($1) } / Double(d)
            let xh = abs(Double(x[i]) - mu) * rs
            return u32 * (16 + Double(d) / 4) * Double(g[i % d]) * (xh + meanAbs * rs) + u32 * abs(Double(b[i % d]))
                + 1e-30
        }
        #expect(lr.ok, "layerNorm [\(rows), \(d)] offset \(offset): \(lr)")
        for useGain in [false, true] {
            var z = [Float](repeating: 0, count: rows * d), zRef = z
            g.withUnsafeBufferPointer { gp in
                rmsNorm(x, rows: rows, dim: d, gain: useGain ? gp.baseAddress : nil, output: &z)
                rmsNormReference(x, rows: rows, dim: d, gain: useGain ? gp.baseAddress : nil, output: &zRef)
            }
            // Σx² has (d/8 + 4)·u relative error, halved by the square root, plus 3 roundings.
            let rr = compareTwins(z, zRef) { i in u32 * (8 + Double(d) / 8) * abs(Double(zRef[i])) + 1e-30 }
            #expect(rr.ok, "rmsNorm [\(rows), \(d)] gain \(useGain): \(rr)")
        }
    }
}

@Test func normBackwardsMatchFiniteDifferences() {
    // L = Σ w ⊙ y, forward in Double; central differences h = 1e-5; fp32 backward within
    // 2e-5 + 1e-4·|fd| (inputs O(1), rstd O(1), so fp32 errors are ~1e-6).
    var rng = SplitMix64(seed: 53)
    let rows = 3, d = 13
    let eps: Float = 1e-5
    let x = rng.array(rows * d, -2, 2), g = rng.array(d, 0.5, 1.5), b = rng.array(d, -1, 1), w = rng.array(rows * d)
    func forward(_ x: [Double], _ g: [Double], _ b: [Double], rms: Bool) -> Double {
        var loss = 0.0
        for r in 0..<rows {
            let row = Array(x[r * d..<(r + 1) * d])
            let mu = rms ? 0 : row.reduce(0, +) / Double(d)
            let rs = 1 / (row.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(d) + Double(eps)).squareRoot()
            for j in 0..<d { loss += Double(w[r * d + j]) * ((row[j] - mu) * rs * g[j] + (rms ? 0 : b[j])) }
        }
        return loss
    }
    for rms in [false, true] {
        var dx = [Float](repeating: 0, count: rows * d), dg = [Float](repeating: 0, count: d), db = dg
        if rms {
            rmsNormBackward(x, dy: w, rows: rows, dim: d, gain: g, epsilon: eps, dx: &dx, dGain: &dg)
        } else {
            layerNormBackward(x, dy: w, rows: rows, dim: d, gain: g, epsilon: eps, dx: &dx, dGain: &dg, dBias: &db)
        }
        let xd = x.map(Double.init), gd = g.map(Double.init), bd = b.map(Double.init)
        let h = 1e-5
        func check(_ name: String, _ got: Float, _ plus: Double, _ minus: Double) {
            let fd = (plus - minus) / (2 * h)
            #expect(
                abs(fd - Double(got)) <= 2e-5 + 1e-4 * abs(fd),
                "\(rms ? "rms" : "layer")Norm \(name): \(got) vs fd \(fd)")
        }
        for i in 0..<rows * d {
            var p = xd, m = xd; p[i] += h; m[i] -= h
            check("dx[\(i)]", dx[i], forward(p, gd, bd, rms: rms), forward(m, gd, bd, rms: rms))
        }
        for j in 0..<d {
            var p = gd, m = gd; p[j] += h; m[j] -= h
            check("dGain[\(j)]", dg[j], forward(xd, p, bd, rms: rms), forward(xd, m, bd, rms: rms))
            if !rms {
                var p = bd, m = bd; p[j] += h; m[j] -= h
                check("dBias[\(j)]", db[j], forward(xd, gd, p, rms: rms), forward(xd, gd, m, rms: rms))
            }
        }
    }
}

@Test func normsEdgeCases() {
    // A constant row: layer norm gives exactly the bias (x − μ = 0); RMS norm of zeros is 0, not NaN.
    let x = [Float](repeating: 3, count: 10), zeros = [Float](repeating: 0, count: 10)
    var y = [Float](repeating: 9, count: 10)
    let b = (0..<10).map(Float.init)
    layerNorm(x, rows: 1, dim: 10, bias: b, output: &y)
    #expect(y == b)
    rmsNorm(zeros, rows: 1, dim: 10, output: &y)
    #expect(y == zeros)
    // NaN propagates to its row only.
    var m = [Float](repeating: 1, count: 20); m[3] = .nan
    var out = m
    layerNorm(m, rows: 2, dim: 10, output: &out)
    #expect(out[0..<10].allSatisfy { $0.isNaN } && out[10..<20].allSatisfy { $0 == 0 })
}
