// Layer norm and RMS norm over the last axis, forward and backward.
//
// - layerNorm: y = (x − μ)/√(σ² + ε) ⊙ g + b, μ and σ² (biased) over the row; μ and σ² by two
//   passes (sum, then Σ(x − μ)²), which avoids the cancellation of E[x²] − μ².
// - rmsNorm: y = x/√(mean(x²) + ε) ⊙ g. Without a gain this is RoFormerV2's parameter-free norm
//   (bert4keras `LayerNormalization(zero_mean=False, scale=False, offset=False)`).
// Versions: SIMD8 kernels with four accumulators per reduction, rows shared out to two threads
// (per-row arithmetic identical on either thread), and Double twins (algorithmic reference).
// Default ε = 1e-12 as in bert4keras' BERT and the 2022 RoFormerV2 (later 1e-7: pass it).

/// Σ x[0..<n] with four vector accumulators (hides the add latency).
@inline(__always)
func rowSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var a0 = Vec8(), a1 = Vec8(), a2 = Vec8(), a3 = Vec8()
    var j = 0
    while j &+ 32 <= n {
        a0 += load8(x + j); a1 += load8(x + (j &+ 8)); a2 += load8(x + (j &+ 16)); a3 += load8(x + (j &+ 24))
        j &+= 32
    }
    while j &+ 8 <= n { a0 += load8(x + j); j &+= 8 }
    var s = hsum((a0 + a1) + (a2 + a3))
    while j < n { s += x[j]; j &+= 1 }
    return s
}

/// Σ (x − c)² with four accumulators (the second pass of the two-pass variance).
@inline(__always)
func rowCenteredSumSquares(_ x: UnsafePointer<Float>, _ n: Int, _ c: Float) -> Float {
    var a0 = Vec8(), a1 = Vec8(), a2 = Vec8(), a3 = Vec8()
    let c8 = Vec8(repeating: c)
    var j = 0
    while j &+ 32 <= n {
        let d0 = load8(x + j) - c8, d1 = load8(x + (j &+ 8)) - c8
        let d2 = load8(x + (j &+ 16)) - c8, d3 = load8(x + (j &+ 24)) - c8
        a0 = a0.addingProduct(d0, d0); a1 = a1.addingProduct(d1, d1)
        a2 = a2.addingProduct(d2, d2); a3 = a3.addingProduct(d3, d3)
        j &+= 32
    }
    while j &+ 8 <= n { let d = load8(x + j) - c8; a0 = a0.addingProduct(d, d); j &+= 8 }
    var s = hsum((a0 + a1) + (a2 + a3))
    while j < n { s += (x[j] - c) * (x[j] - c); j &+= 1 }
    return s
}

/// Σ x², four accumulators with FMA.
@inline(__always)
func rowSumSquares(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var a0 = Vec8(), a1 = Vec8(), a2 = Vec8(), a3 = Vec8()
    var j = 0
    while j &+ 32 <= n {
        let v0 = load8(x + j), v1 = load8(x + (j &+ 8)), v2 = load8(x + (j &+ 16)), v3 = load8(x + (j &+ 24))
        a0 = a0.addingProduct(v0, v0); a1 = a1.addingProduct(v1, v1)
        a2 = a2.addingProduct(v2, v2); a3 = a3.addingProduct(v3, v3)
        j &+= 32
    }
    while j &+ 8 <= n { let v = load8(x + j); a0 = a0.addingProduct(v, v); j &+= 8 }
    var s = hsum((a0 + a1) + (a2 + a3))
    while j < n { s += x[j] * x[j]; j &+= 1 }
    return s
}

/// Σ a·b over a row (four accumulators).
@inline(__always)
func rowDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var a0 = Vec8(), a1 = Vec8()
    var j = 0
    while j &+ 16 <= n {
        a0 = a0.addingProduct(load8(a + j), load8(b + j));
        a1 = a1.addingProduct(load8(a + (j &+ 8)), load8(b + (j &+ 8)))
        j &+= 16
    }
    while j &+ 8 <= n { a0 = a0.addingProduct(load8(a + j), load8(b + j)); j &+= 8 }
    var s = hsum(a0 + a1)
    while j < n { s += a[j] * b[j]; j &+= 1 }
    return s
}

/// Mean and 1/√(σ² + ε) of one row.
@inline(__always)
func layerNormStats(_ x: UnsafePointer<Float>, _ d: Int, _ eps: Float) -> (mean: Float, rstd: Float) {
    let mean = rowSum(x, d) / Float(d)
    let variance = rowCenteredSumSquares(x, d, mean) / Float(d)
    return (mean, 1 / (variance + eps).squareRoot())
}

/// y = (x − mean)·rstd ⊙ gain + bias for x, y [rows, d] (y may be x); gain, bias [d] or nil (1, 0).
/// Optional `mean`, `rstd` [rows] receive the statistics.
public func layerNorm(
    _ x: UnsafePointer<Float>, rows: Int, dim d: Int, gain: UnsafePointer<Float>? = nil,
    bias: UnsafePointer<Float>? = nil, epsilon: Float = 1e-12, output y: UnsafeMutablePointer<Float>,
    mean: UnsafeMutablePointer<Float>? = nil, rstd: UnsafeMutablePointer<Float>? = nil,
    threads: Int? = nil
) {
    precondition(rows >= 0 && d > 0, "layerNorm: bad shape [\(rows), \(d)]")
    forRowParts(rows: rows, threads: rowThreads(threads, rows: rows, elements: rows * d)) { range in
        for r in range {
            let xr = x + r * d, yr = y + r * d
            let (mu, rs) = layerNormStats(xr, d, epsilon)
            mean?[r] = mu; rstd?[r] = rs
            // Loops unswitched by hand on the optional parameters (keeps the optionals out of the loop).
            let m8 = Vec8(repeating: mu), r8 = Vec8(repeating: rs)
            var j = 0
            switch (gain, bias) {
            case (let g?, let b?):
                while j &+ 8 <= d { store8(((load8(xr + j) - m8) * r8) * load8(g + j) + load8(b + j), yr + j); j &+= 8 }
            case (let g?, nil):
                while j &+ 8 <= d { store8((load8(xr + j) - m8) * r8 * load8(g + j), yr + j); j &+= 8 }
            case (nil, let b?):
                while j &+ 8 <= d { store8((load8(xr + j) - m8) * r8 + load8(b + j), yr + j); j &+= 8 }
            case (nil, nil):
                while j &+ 8 <= d { store8((load8(xr + j) - m8) * r8, yr + j); j &+= 8 }
            }
            while j < d { yr[j] = (xr[j] - mu) * rs * (gain?[j] ?? 1) + (bias?[j] ?? 0); j += 1 }
        }
    }
}

/// Backward of `layerNorm` (statistics recomputed from x): with x̂ = (x − μ)·rstd and ĝ = dy ⊙ gain,
/// dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂)); dGain = Σ_rows dy ⊙ x̂, dBias = Σ_rows dy (overwritten,
/// rows summed in order 0, 1, …). x, dy, dx [rows, d]; gain, dGain, dBias [d] or nil.
public func layerNormBackward(
    _ x: UnsafePointer<Float>, dy: UnsafePointer<Float>, rows: Int, dim d: Int,
    gain: UnsafePointer<Float>? = nil, epsilon: Float = 1e-12,
    dx: UnsafeMutablePointer<Float>, dGain: UnsafeMutablePointer<Float>? = nil,
    dBias: UnsafeMutablePointer<Float>? = nil
) {
    dGain?.update(repeating: 0, count: d)
    dBias?.update(repeating: 0, count: d)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * d) { tmp in
        let gHat = tmp.baseAddress!, xHat = gHat + d
        for r in 0..<rows {
            let xr = x + r * d, gr = dy + r * d, dr = dx + r * d
            let (mu, rs) = layerNormStats(xr, d, epsilon)
            for j in 0..<d {
                xHat[j] = (xr[j] - mu) * rs
                gHat[j] = gr[j] * (gain?[j] ?? 1)
                dGain?[j] += gr[j] * xHat[j]
                dBias?[j] += gr[j]
            }
            let meanG = rowSum(gHat, d) / Float(d)
            let meanGX = rowDot(gHat, xHat, d) / Float(d)
            for j in 0..<d { dr[j] = rs * (gHat[j] - meanG - xHat[j] * meanGX) }
        }
    }
}

/// y = x/√(mean(x²) + ε) ⊙ gain for x, y [rows, d] (y may be x); `gain == nil` is RoFormerV2's
/// parameter-free norm. Optional `rstd` [rows] receives 1/√(mean(x²) + ε).
public func rmsNorm(
    _ x: UnsafePointer<Float>, rows: Int, dim d: Int, gain: UnsafePointer<Float>? = nil,
    epsilon: Float = 1e-12, output y: UnsafeMutablePointer<Float>,
    rstd: UnsafeMutablePointer<Float>? = nil, threads: Int? = nil
) {
    precondition(rows >= 0 && d > 0, "rmsNorm: bad shape [\(rows), \(d)]")
    forRowParts(rows: rows, threads: rowThreads(threads, rows: rows, elements: rows * d)) { range in
        for r in range {
            let xr = x + r * d, yr = y + r * d
            let rs = 1 / (rowSumSquares(xr, d) / Float(d) + epsilon).squareRoot()
            rstd?[r] = rs
            let r8 = Vec8(repeating: rs)
            var j = 0
            if let g = gain {
                while j &+ 8 <= d { store8(load8(xr + j) * r8 * load8(g + j), yr + j); j &+= 8 }
            } else {
                while j &+ 8 <= d { store8(load8(xr + j) * r8, yr + j); j &+= 8 }
            }
            while j < d { yr[j] = xr[j] * rs * (gain?[j] ?? 1); j += 1 }
        }
    }
}

/// Backward of `rmsNorm`: with x̂ = x·rstd and ĝ = dy ⊙ gain, dx = rstd·(ĝ − x̂·mean(ĝ ⊙ x̂)),
/// dGain = Σ_rows dy ⊙ x̂ (overwritten). x, dy, dx [rows, d]; gain, dGain [d] or nil.
public func rmsNormBackward(
    _ x: UnsafePointer<Float>, dy: UnsafePointer<Float>, rows: Int, dim d: Int,
    gain: UnsafePointer<Float>? = nil, epsilon: Float = 1e-12,
    dx: UnsafeMutablePointer<Float>, dGain: UnsafeMutablePointer<Float>? = nil
) {
    dGain?.update(repeating: 0, count: d)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * d) { tmp in
        let gHat = tmp.baseAddress!, xHat = gHat + d
        for r in 0..<rows {
            let xr = x + r * d, gr = dy + r * d, dr = dx + r * d
            let rs = 1 / (rowSumSquares(xr, d) / Float(d) + epsilon).squareRoot()
            for j in 0..<d {
                xHat[j] = xr[j] * rs
                gHat[j] = gr[j] * (gain?[j] ?? 1)
                dGain?[j] += gr[j] * xHat[j]
            }
            let meanGX = rowDot(gHat, xHat, d) / Float(d)
            for j in 0..<d { dr[j] = rs * (gHat[j] - xHat[j] * meanGX) }
        }
    }
}

// MARK: - Reference twins (Double)

/// Algorithmic reference for `layerNorm` (Double statistics and arithmetic).
public func layerNormReference(
    _ x: UnsafePointer<Float>, rows: Int, dim d: Int, gain: UnsafePointer<Float>? = nil,
    bias: UnsafePointer<Float>? = nil, epsilon: Float = 1e-12,
    output y: UnsafeMutablePointer<Float>
) {
    for r in 0..<rows {
        let v = (0..<d).map { Double(x[r * d + $0]) }
        let mu = v.reduce(0, +) / Double(d)
        let variance = v.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(d)
        let rs = 1 / (variance + Double(epsilon)).squareRoot()
        for j in 0..<d {
            y[r * d + j] = Float((v[j] - mu) * rs * Double(gain?[j] ?? 1) + Double(bias?[j] ?? 0))
        }
    }
}

/// Algorithmic reference for `rmsNorm` (Double).
public func rmsNormReference(
    _ x: UnsafePointer<Float>, rows: Int, dim d: Int, gain: UnsafePointer<Float>? = nil,
    epsilon: Float = 1e-12, output y: UnsafeMutablePointer<Float>
) {
    for r in 0..<rows {
        let v = (0..<d).map { Double(x[r * d + $0]) }
        let rs = 1 / (v.reduce(0) { $0 + $1 * $1 } / Double(d) + Double(epsilon)).squareRoot()
        for j in 0..<d { y[r * d + j] = Float(v[j] * rs * Double(gain?[j] ?? 1)) }
    }
}
