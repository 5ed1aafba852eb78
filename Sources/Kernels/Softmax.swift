// Row softmax, log-softmax and logsumexp with an optional temperature and additive mask, and the
// backward of softmax and log-softmax.
//
// Versions: `softmaxRows` / `logSoftmaxRows` / `logSumExpRows` are 3-pass SIMD8 kernels (max, exp and
// sum, scale) over rows that stay in L1/L2, with the polynomial `vexp`; rows are shared out to two
// threads above a size threshold (each row is computed the same way on either thread).
// The `…Reference` twins compute in Double: algorithmic references, the oracles KernelsTests compare the
// kernels with. Nothing falls back to them: the kernels handle every shape (widths that are not multiples of
// 8 in a scalar tail, fully masked rows by the conventions below) themselves, and no library code calls a twin.
//
// Logits are z = λ·x + mask (λ = temperature, mask row `mask + r·maskRowStride`, stride 0 broadcasts
// one mask row, e.g. a key-padding mask of 0 / −inf).
// Conventions, all tested:
// - Stability: the row maximum is subtracted before exp, so logits of ±1e4 neither overflow nor
//   underflow the largest term (every exp argument is ≤ 0).
// - A fully masked row (every z = −inf): softmax gives all 0, log-softmax all −inf, logsumexp −inf.
//   (Mathematically undefined; zeros let masked query rows contribute nothing downstream.)
// - NaN anywhere in a row's logits makes that row all NaN; a +inf logit makes its row NaN.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Elements (rows·cols) above which the row kernels default to two threads (≈ 60 µs of work).
let rowKernelParallelElements = 98_304

@inline(__always)
func rowThreads(_ threads: Int?, rows: Int, elements: Int) -> Int {
    if rows < 2 { return 1 }
    if let t = threads { return t >= 2 ? 2 : 1 }
    return elements >= rowKernelParallelElements ? 2 : 1
}

/// Calls `body(rowRange)` for the rows of each part (first half, second half).
@inline(__always)
func forRowParts(rows: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    if threads < 2 { body(0..<rows); return }
    let half = (rows + 1) / 2
    runParts(threads: 2) { part in body(part == 0 ? 0..<half : half..<rows) }
}

/// Logits z = λ·x (+ m) for 8 lanes.
@inline(__always)
private func logits8(_ x: UnsafePointer<Float>, _ m: UnsafePointer<Float>?, _ j: Int, _ lambda: Vec8) -> Vec8 {
    let z = load8(x + j) * lambda
    if let m = m { return z + load8(m + j) }
    return z
}

@inline(__always)
private func logit(_ x: UnsafePointer<Float>, _ m: UnsafePointer<Float>?, _ j: Int, _ lambda: Float) -> Float {
    let z = x[j] * lambda
    if let m = m { return z + m[j] }
    return z
}

/// Row maximum of the logits (NaN lanes ignored; they propagate through the exp pass).
@inline(__always)
func rowMax(_ x: UnsafePointer<Float>, _ m: UnsafePointer<Float>?, _ n: Int, _ lambda: Float) -> Float {
    let l8 = Vec8(repeating: lambda)
    var acc = Vec8(repeating: -.infinity)
    var j = 0
    while j &+ 8 <= n { acc = vmax(acc, logits8(x, m, j, l8)); j &+= 8 }
    var best = hmax(acc)
    while j < n { let z = logit(x, m, j, lambda); if z > best { best = z }; j &+= 1 }
    return best
}

/// Σ_j e^(z_j − shift); stores the terms into `out` when given.
@inline(__always)
func rowExpSum(
    _ x: UnsafePointer<Float>, _ m: UnsafePointer<Float>?, _ n: Int, _ lambda: Float, shift: Float,
    out: UnsafeMutablePointer<Float>?
) -> Float {
    let l8 = Vec8(repeating: lambda), s8 = Vec8(repeating: shift)
    var acc = Vec8()
    var j = 0
    while j &+ 8 <= n {
        // λ·x + mask − shift as one FMA (one rounding instead of two). Arguments are ≤ 0 up to that
        // rounding (shift is the row max) or NaN: the clamp-free exp is enough.
        let offset = m.map { load8($0 + j) - s8 } ?? -s8
        let e = vexpNonPositive(offset.addingProduct(load8(x + j), l8))
        if let out = out { store8(e, out + j) }
        acc += e
        j &+= 8
    }
    var sum = hsum(acc)
    while j < n {
        let e = vexpScalar(logit(x, m, j, lambda) - shift)
        out?[j] = e
        sum += e
        j &+= 1
    }
    return sum
}

/// y[r, :] = softmax(λ·x[r, :] + mask[r, :]) for x, y of shape [rows, cols] (contiguous; y may be x).
/// - Parameters:
///   - mask: optional additive mask; row r is `mask + r·maskRowStride` (stride 0: one shared row).
///   - threads: `nil` → 2 above ~98k elements. Results do not depend on it.
public func softmaxRows(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, temperature lambda: Float = 1,
    mask: UnsafePointer<Float>? = nil, maskRowStride: Int = 0,
    output y: UnsafeMutablePointer<Float>, threads: Int? = nil
) {
    precondition(rows >= 0 && cols >= 0, "softmaxRows: bad shape [\(rows), \(cols)]")
    forRowParts(rows: rows, threads: rowThreads(threads, rows: rows, elements: rows * cols)) { range in
        for r in range {
            let xr = x + r * cols, yr = y + r * cols
            let mr = mask.map { $0 + r * maskRowStride }
            let zmax = rowMax(xr, mr, cols, lambda)
            if zmax == -.infinity {
                // Fully masked row (or empty): documented result all zeros.
                yr.update(repeating: 0, count: cols)
                continue
            }
            let sum = rowExpSum(xr, mr, cols, lambda, shift: zmax, out: yr)
            let inv = Vec8(repeating: 1 / sum)
            var j = 0
            while j + 8 <= cols { store8(load8(yr + j) * inv, yr + j); j &+= 8 }
            while j < cols { yr[j] *= inv[0]; j &+= 1 }
        }
    }
}

/// y[r, :] = log-softmax(λ·x[r, :] + mask[r, :]) = z − logsumexp(z), shapes as `softmaxRows`.
/// A fully masked row gives all −inf.
public func logSoftmaxRows(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, temperature lambda: Float = 1,
    mask: UnsafePointer<Float>? = nil, maskRowStride: Int = 0,
    output y: UnsafeMutablePointer<Float>, threads: Int? = nil
) {
    precondition(rows >= 0 && cols >= 0, "logSoftmaxRows: bad shape [\(rows), \(cols)]")
    forRowParts(rows: rows, threads: rowThreads(threads, rows: rows, elements: rows * cols)) { range in
        for r in range {
            let xr = x + r * cols, yr = y + r * cols
            let mr = mask.map { $0 + r * maskRowStride }
            let zmax = rowMax(xr, mr, cols, lambda)
            if zmax == -.infinity { yr.update(repeating: -.infinity, count: cols); continue }
            let lse = zmax + logf(rowExpSum(xr, mr, cols, lambda, shift: zmax, out: nil))
            let l8 = Vec8(repeating: lambda), s8 = Vec8(repeating: lse)
            var j = 0
            while j + 8 <= cols { store8(logits8(xr, mr, j, l8) - s8, yr + j); j &+= 8 }
            while j < cols { yr[j] = logit(xr, mr, j, lambda) - lse; j &+= 1 }
        }
    }
}

/// out[r] = log Σ_j exp(λ·x[r, j] + mask[r, j]) for x [rows, cols]; a fully masked or empty row
/// gives −inf.
public func logSumExpRows(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, temperature lambda: Float = 1,
    mask: UnsafePointer<Float>? = nil, maskRowStride: Int = 0,
    output out: UnsafeMutablePointer<Float>, threads: Int? = nil
) {
    precondition(rows >= 0 && cols >= 0, "logSumExpRows: bad shape [\(rows), \(cols)]")
    forRowParts(rows: rows, threads: rowThreads(threads, rows: rows, elements: rows * cols)) { range in
        for r in range {
            let xr = x + r * cols
            let mr = mask.map { $0 + r * maskRowStride }
            let zmax = rowMax(xr, mr, cols, lambda)
            out[r] =
                zmax == -.infinity
                ? -.infinity
                : zmax + logf(rowExpSum(xr, mr, cols, lambda, shift: zmax, out: nil))
        }
    }
}

/// Backward of `softmaxRows`: dx = λ · y ⊙ (dy − Σ_j y_j·dy_j) row by row, for y, dy, dx [rows, cols]
/// (dx may alias dy). The mask gets no gradient. A fully masked row (y = 0) gives dx = 0.
public func softmaxBackwardRows(
    y: UnsafePointer<Float>, dy: UnsafePointer<Float>, rows: Int, cols: Int,
    temperature lambda: Float = 1, dx: UnsafeMutablePointer<Float>
) {
    for r in 0..<rows {
        let yr = y + r * cols, gr = dy + r * cols, dr = dx + r * cols
        var acc = Vec8()
        var j = 0
        while j + 8 <= cols { acc = acc.addingProduct(load8(yr + j), load8(gr + j)); j &+= 8 }
        var dot = hsum(acc)
        while j < cols { dot += yr[j] * gr[j]; j &+= 1 }
        let d8 = Vec8(repeating: dot), l8 = Vec8(repeating: lambda)
        j = 0
        while j + 8 <= cols { store8(load8(yr + j) * (load8(gr + j) - d8) * l8, dr + j); j &+= 8 }
        while j < cols { dr[j] = yr[j] * (gr[j] - dot) * lambda; j &+= 1 }
    }
}

/// Backward of `logSoftmaxRows`: dx = λ · (dy − softmax ⊙ Σ_j dy_j) with softmax = exp(y), for
/// y (the log-softmax output), dy, dx [rows, cols]. A fully masked row (y = −inf) gives dx = 0.
public func logSoftmaxBackwardRows(
    y: UnsafePointer<Float>, dy: UnsafePointer<Float>, rows: Int, cols: Int,
    temperature lambda: Float = 1, dx: UnsafeMutablePointer<Float>
) {
    for r in 0..<rows {
        let yr = y + r * cols, gr = dy + r * cols, dr = dx + r * cols
        if cols > 0 && yr[0] == -.infinity && (0..<cols).allSatisfy({ yr[$0] == -.infinity }) {
            dr.update(repeating: 0, count: cols)
            continue
        }
        var total: Float = 0
        for j in 0..<cols { total += gr[j] }
        for j in 0..<cols { dr[j] = lambda * (gr[j] - vexpScalar(yr[j]) * total) }
    }
}

// MARK: - Reference twins (Double)

/// Algorithmic reference for `softmaxRows` (Double, same conventions: fully masked row → zeros).
public func softmaxRowsReference(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, temperature lambda: Float = 1,
    mask: UnsafePointer<Float>? = nil, maskRowStride: Int = 0,
    output y: UnsafeMutablePointer<Float>
) {
    for r in 0..<rows {
        let z = referenceLogits(x + r * cols, mask.map { $0 + r * maskRowStride }, cols, lambda)
        let zmax = z.filter { !$0.isNaN }.max() ?? -.infinity
        if zmax == -.infinity { for j in 0..<cols { y[r * cols + j] = 0 }; continue }
        let e = z.map { exp($0 - zmax) }
        let s = e.reduce(0, +)
        for j in 0..<cols { y[r * cols + j] = Float(e[j] / s) }
    }
}

/// Algorithmic reference for `logSoftmaxRows` (Double).
public func logSoftmaxRowsReference(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, temperature lambda: Float = 1,
    mask: UnsafePointer<Float>? = nil, maskRowStride: Int = 0,
    output y: UnsafeMutablePointer<Float>
) {
    for r in 0..<rows {
        let z = referenceLogits(x + r * cols, mask.map { $0 + r * maskRowStride }, cols, lambda)
        let lse = referenceLogSumExp(z)
        for j in 0..<cols { y[r * cols + j] = lse == -.infinity ? -.infinity : Float(z[j] - lse) }
    }
}

/// Algorithmic reference for `logSumExpRows` (Double).
public func logSumExpRowsReference(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, temperature lambda: Float = 1,
    mask: UnsafePointer<Float>? = nil, maskRowStride: Int = 0,
    output out: UnsafeMutablePointer<Float>
) {
    for r in 0..<rows {
        out[r] = Float(
            referenceLogSumExp(referenceLogits(x + r * cols, mask.map { $0 + r * maskRowStride }, cols, lambda)))
    }
}

/// Algorithmic reference for `softmaxBackwardRows` (Double).
public func softmaxBackwardRowsReference(
    y: UnsafePointer<Float>, dy: UnsafePointer<Float>, rows: Int, cols: Int,
    temperature lambda: Float = 1, dx: UnsafeMutablePointer<Float>
) {
    for r in 0..<rows {
        var dot = 0.0
        for j in 0..<cols { dot += Double(y[r * cols + j]) * Double(dy[r * cols + j]) }
        for j in 0..<cols {
            dx[r * cols + j] = Float(Double(lambda) * Double(y[r * cols + j]) * (Double(dy[r * cols + j]) - dot))
        }
    }
}

func referenceLogits(_ x: UnsafePointer<Float>, _ m: UnsafePointer<Float>?, _ n: Int, _ lambda: Float) -> [Double] {
    (0..<n).map { Double(lambda) * Double(x[$0]) + Double(m?[$0] ?? 0) }
}

func referenceLogSumExp(_ z: [Double]) -> Double {
    if z.contains(where: { $0.isNaN }) { return .nan }
    let zmax = z.max() ?? -.infinity
    if zmax == -.infinity { return -.infinity }
    return zmax + log(z.reduce(0) { $0 + exp($1 - zmax) })
}
