// SGEMM on raw row-major pointers: C = alpha·op(A)·op(B) + beta·C, op ∈ {identity, transpose}.
//
// Versions in this file:
// - `sgemm`: BLIS-style, packed panels + 6×16 FMA micro-kernel (GEMMMicroKernel.swift), cache
//   blocking KC/MC/NC, two threads above `parallelWorkThreshold`, split over M or N, never over K.
// - `sgemmReference`: the naive triple loop accumulating in Double: the algorithmic reference that
//   GEMMTests compares `sgemm` with. Not a fallback: `sgemm` handles every shape (edge tiles run the
//   full-tile code on a copy) and no library code calls the twin.
// - `sgemmBatched` / `sgemmBatchedReference`: the same over a batch with element strides
//   (the `bmd,bnd->bmn` token-pair score is `sgemmBatched(transB: true, …)`).
//
// Determinism: every C element is computed by the same sequence of operations whatever the thread
// count or the position of its tile (K is always cut at multiples of KC from 0; edge tiles run the
// full-tile code on a copy), so 1 and 2 threads give bit-identical results.

/// C[m, n] = alpha · op(A)[m, k] · op(B)[k, n] + beta · C, all row-major.
///
/// - Parameters:
///   - transA: `false`: A is [m, k] with row stride `lda` ≥ k; `true`: A is [k, m] (lda ≥ m).
///   - transB: `false`: B is [k, n] with row stride `ldb` ≥ n; `true`: B is [n, k] (ldb ≥ k).
///   - c: [m, n] with row stride `ldc` ≥ n. Not read when `beta == 0` (NaN in C is overwritten,
///     BLAS convention); NaN/inf in A or B propagate as in IEEE arithmetic.
///   - threads: `nil` → 2 when 2·m·n·k ≥ 4 MFLOP (`parallelWorkThreshold`), else 1. Results do not depend on it.
/// - Complexity: 2·m·n·k FLOP; `k == 0` gives C = beta·C.
public func sgemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int? = nil
) {
    checkGEMMShape(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
    if m == 0 || n == 0 { return }
    let work = 2 * Double(m) * Double(n) * Double(k)
    let t = resolveThreads(threads, work: work)
    let (ars, acs) = transA ? (1, lda) : (lda, 1)
    let (brs, bcs) = transB ? (1, ldb) : (ldb, 1)
    if t == 1 {
        gemmRegion(
            m: m, n: n, k: k, alpha: alpha, a: a, ars: ars, acs: acs, b: b, brs: brs, bcs: bcs,
            beta: beta, c: c, ldc: ldc)
        return
    }
    // Split at a tile boundary; each part is an independent GEMM. Rows are preferred: splitting
    // columns makes both threads write the same rows of C (measured 150 vs 205 GFLOP/s at 512³).
    // Columns when n ≥ 2m: a row split would make each thread pack all of the larger B.
    let splitN = (m < 4 * gemmMR && n > m) || n >= 2 * m
    let cut = splitN ? min(n, roundUp((n + 1) / 2, gemmNR)) : min(m, roundUp((m + 1) / 2, gemmMR))
    runParts(threads: 2) { part in
        let lo = part == 0 ? 0 : cut
        let hi = part == 0 ? cut : (splitN ? n : m)
        if hi <= lo { return }
        if splitN {
            gemmRegion(
                m: m, n: hi - lo, k: k, alpha: alpha, a: a, ars: ars, acs: acs,
                b: b + lo * bcs, brs: brs, bcs: bcs, beta: beta, c: c + lo, ldc: ldc)
        } else {
            gemmRegion(
                m: hi - lo, n: n, k: k, alpha: alpha, a: a + lo * ars, ars: ars, acs: acs,
                b: b, brs: brs, bcs: bcs, beta: beta, c: c + lo * ldc, ldc: ldc)
        }
    }
}

/// Batched SGEMM: for every b in 0..<batch,
/// C_b = alpha · op(A_b) · op(B_b) + beta · C_b with X_b = x + b·strideX (strides in elements).
///
/// `bmd,bnd->bmn` (GlobalPointer's token-pair score) is `transB: true` with A = q [batch, m, d],
/// B = k [batch, n, d], strideA = m·d, strideB = n·d, strideC = m·n. With two threads, whole batch
/// entries are shared out when there are at least 4 of them (or each is small), otherwise each GEMM
/// is split; either way results are identical to one thread.
public func sgemmBatched(
    transA: Bool = false, transB: Bool = false, batch: Int, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, strideA: Int,
    b: UnsafePointer<Float>, ldb: Int, strideB: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int,
    threads: Int? = nil
) {
    precondition(batch >= 0, "sgemmBatched: batch \(batch) < 0")
    checkGEMMShape(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
    if batch == 0 || m == 0 || n == 0 { return }
    let each = 2 * Double(m) * Double(n) * Double(k)
    let t = resolveThreads(threads, work: each * Double(batch))
    if t == 1 || (batch < 4 && each >= parallelWorkThreshold) {
        for i in 0..<batch {
            sgemm(
                transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                a: a + i * strideA, lda: lda, b: b + i * strideB, ldb: ldb, beta: beta,
                c: c + i * strideC, ldc: ldc, threads: t)
        }
        return
    }
    let half = (batch + 1) / 2
    runParts(threads: 2) { part in
        let range = part == 0 ? 0..<half : half..<batch
        for i in range {
            sgemm(
                transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                a: a + i * strideA, lda: lda, b: b + i * strideB, ldb: ldb, beta: beta,
                c: c + i * strideC, ldc: ldc, threads: 1)
        }
    }
}

// MARK: - Serial blocked GEMM

/// One thread's share: op(A)(i, p) = a[i·ars + p·acs], op(B)(p, j) = b[p·brs + j·bcs].
func gemmRegion(
    m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, ars: Int, acs: Int,
    b: UnsafePointer<Float>, brs: Int, bcs: Int, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    if k == 0 {
        scaleMatrix(c, rows: m, cols: n, ld: ldc, by: beta)
        return
    }
    if m * n * k <= gemmSmallVolume {
        gemmSmall(
            m: m, n: n, k: k, alpha: alpha, a: a, ars: ars, acs: acs, b: b, brs: brs, bcs: bcs,
            beta: beta, c: c, ldc: ldc)
        return
    }
    let kcMax = min(k, gemmKC)
    let sizeB = kcMax * roundUp(min(n, gemmNC), gemmNR)
    let sizeA = kcMax * roundUp(min(m, gemmMC), gemmMR)
    ScratchPool.shared.withFloats(sizeA + sizeB) { scratch in
        let packedA = scratch, packedB = scratch + sizeA
        var jc = 0
        while jc < n {
            let nc = min(gemmNC, n - jc)
            var pc = 0
            while pc < k {
                let kc = min(gemmKC, k - pc)
                packB(b + pc * brs + jc * bcs, rowStride: brs, colStride: bcs, k: kc, n: nc, into: packedB)
                // beta applies once, on the first K block; later blocks accumulate.
                let betaBlock: Float = pc == 0 ? beta : 1
                var ic = 0
                while ic < m {
                    let mc = min(gemmMC, m - ic)
                    packA(a + ic * ars + pc * acs, rowStride: ars, colStride: acs, m: mc, k: kc, into: packedA)
                    gemmMacroKernel(
                        mc: mc, nc: nc, kc: kc, packedA: packedA, packedB: packedB,
                        c: c + ic * ldc + jc, ldc: ldc, alpha: alpha, beta: betaBlock)
                    ic += gemmMC
                }
                pc += gemmKC
            }
            jc += gemmNC
        }
    }
}

/// m·n·k at or below which `gemmSmall` (no packing) is used: packing A costs more than it saves
/// when the whole problem sits in L1/L2.
let gemmSmallVolume = 128 * 128 * 128

/// Small problems: the micro-kernel reads op(A) in place and op(B) in place when B is not
/// transposed; only the edge slivers (and a transposed B) are packed, so nothing is read out of
/// bounds. K is cut at the same KC boundaries as `gemmRegion`, so results are bit-identical to it.
func gemmSmall(
    m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, ars: Int, acs: Int,
    b: UnsafePointer<Float>, brs: Int, bcs: Int, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    let kcMax = min(k, gemmKC)
    let packWholeB = bcs != 1
    let sizeB = packWholeB ? kcMax * roundUp(n, gemmNR) : kcMax * gemmNR
    let sizeA = kcMax * gemmMR
    ScratchPool.shared.withFloats(sizeA + sizeB) { scratch in
        let edgeA = scratch, packedB = scratch + sizeA
        let fullRows = m - m % gemmMR, fullCols = n - n % gemmNR
        var pc = 0
        while pc < k {
            let kc = min(gemmKC, k - pc)
            let betaBlock: Float = pc == 0 ? beta : 1
            if packWholeB {
                packB(b + pc * brs, rowStride: brs, colStride: bcs, k: kc, n: n, into: packedB)
            } else if fullCols < n {
                packB(b + pc * brs + fullCols, rowStride: brs, colStride: 1, k: kc, n: n - fullCols, into: packedB)
            }
            if fullRows < m {
                packA(
                    a + fullRows * ars + pc * acs, rowStride: ars, colStride: acs, m: m - fullRows, k: kc, into: edgeA)
            }
            var jr = 0
            while jr < n {
                let cols = min(gemmNR, n - jr)
                let (bp, bks) =
                    packWholeB
                    ? (UnsafePointer(packedB + jr * kc), gemmNR)
                    : cols == gemmNR ? (b + pc * brs + jr, brs) : (UnsafePointer(packedB), gemmNR)
                var ir = 0
                while ir < m {
                    let rows = min(gemmMR, m - ir)
                    let (ap, r, s) =
                        rows == gemmMR ? (a + ir * ars + pc * acs, ars, acs) : (UnsafePointer(edgeA), 1, gemmMR)
                    let cTile = c + ir * ldc + jr
                    if rows == gemmMR && cols == gemmNR {
                        gemmMicroKernelStrided(kc, ap, r, s, bp, bks, cTile, ldc, alpha, betaBlock)
                    } else {
                        gemmMicroKernelEdge(kc, ap, r, s, bp, bks, cTile, ldc, alpha, betaBlock, rows: rows, cols: cols)
                    }
                    ir += gemmMR
                }
                jr += gemmNR
            }
            pc += gemmKC
        }
    }
}

/// C = beta·C on an m × n block (beta == 0 writes zeros without reading).
func scaleMatrix(_ c: UnsafeMutablePointer<Float>, rows: Int, cols: Int, ld: Int, by beta: Float) {
    for i in 0..<rows {
        let row = c + i * ld
        for j in 0..<cols { row[j] = beta == 0 ? 0 : beta * row[j] }
    }
}

func checkGEMMShape(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int) {
    precondition(m >= 0 && n >= 0 && k >= 0, "sgemm: negative size m=\(m) n=\(n) k=\(k)")
    // The shape strings are built only for a failure message: formatting them on every call cost more than a
    // small product.
    precondition(
        lda >= max(1, transA ? m : k),
        "sgemm: lda \(lda) too small for A \(transA ? "[k=\(k), m=\(m)]" : "[m=\(m), k=\(k)]")")
    precondition(
        ldb >= max(1, transB ? k : n),
        "sgemm: ldb \(ldb) too small for B \(transB ? "[n=\(n), k=\(k)]" : "[k=\(k), n=\(n)]")")
    precondition(ldc >= max(1, n), "sgemm: ldc \(ldc) too small for C [m=\(m), n=\(n)]")
}

// MARK: - Reference twins

/// Algorithmic reference for `sgemm`: the triple loop, accumulating in Double, then
/// C = Float(alpha·Σ + beta·C). Same conventions (C not read when beta == 0). The oracle of GEMMTests;
/// nothing in the library calls it (`sgemm` never falls back: it handles every shape itself).
public func sgemmReference(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    checkGEMMShape(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let x = transA ? a[p * lda + i] : a[i * lda + p]
                let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                sum += Double(x) * Double(y)
            }
            let old = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
            c[i * ldc + j] = Float(Double(alpha) * sum + old)
        }
    }
}

/// Algorithmic reference for `sgemmBatched`: `sgemmReference` on every batch entry.
public func sgemmBatchedReference(
    transA: Bool = false, transB: Bool = false, batch: Int, m: Int, n: Int,
    k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, strideA: Int,
    b: UnsafePointer<Float>, ldb: Int, strideB: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int
) {
    for i in 0..<batch {
        sgemmReference(
            transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
            a: a + i * strideA, lda: lda, b: b + i * strideB, ldb: ldb, beta: beta,
            c: c + i * strideC, ldc: ldc)
    }
}
