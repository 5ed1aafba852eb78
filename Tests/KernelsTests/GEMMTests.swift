import Testing

@testable import Kernels

/// Runs `sgemm` and its twin on one case and checks |c − ref| ≤ (k + 3)·u·|α|·Σ_p|a_ip||b_pj| +
/// 3u·|β·c_ij| + 1e-30. Why: a length-k fp32 dot product (FMA chain, blocked at KC) has error at most
/// γ_k·Σ|a||b| ≈ k·u·Σ|a||b|; the α scaling, the β fma and the reference's final rounding add a few u.
private func checkGEMM(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, beta: Float,
    seed: UInt64, threads: Int? = nil, padding: Int = 0
) -> TwinReport {
    var rng = SplitMix64(seed: seed)
    let lda = (transA ? m : k) + padding, ldb = (transB ? k : n) + padding, ldc = n + padding
    let a = rng.array((transA ? k : m) * lda + 1)
    let b = rng.array((transB ? n : k) * ldb + 1)
    let c0 = rng.array(m * ldc + 1)
    var got = c0, want = c0
    sgemm(
        transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
        beta: beta, c: &got, ldc: ldc, threads: threads)
    sgemmReference(
        transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
        b: b, ldb: ldb, beta: beta, c: &want, ldc: ldc)
    return compareTwins(got, want) { idx in
        let i = idx / ldc, j = idx % ldc
        guard i < m, j < n else { return 0 }  // outside C: must be untouched
        var s = 0.0
        for p in 0..<k {
            let x = transA ? a[p * lda + i] : a[i * lda + p]
            let y = transB ? b[j * ldb + p] : b[p * ldb + j]
            s += abs(Double(x) * Double(y))
        }
        return Double(k + 3) * u32 * abs(Double(alpha)) * s + 3 * u32 * abs(Double(beta) * Double(c0[idx])) + 1e-30
    }
}

@Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
func sgemmMatchesTwin(trans: (Bool, Bool)) {
    // 1, primes, non-multiples of 6/8/16, beyond MC = 144 and KC = 256.
    let shapes = [
        (1, 1, 1), (1, 17, 5), (7, 1, 3), (6, 16, 8), (13, 29, 31), (5, 33, 300),
        (151, 37, 19), (37, 149, 263), (64, 64, 64), (150, 20, 513),
    ]
    for (index, (m, n, k)) in shapes.enumerated() {
        let r = checkGEMM(
            transA: trans.0, transB: trans.1, m: m, n: n, k: k, alpha: 1.5, beta: index % 2 == 0 ? 0 : -0.5,
            seed: UInt64(index), padding: index % 3)
        #expect(r.ok, "sgemm trans=\(trans) m=\(m) n=\(n) k=\(k): \(r)")
    }
}

@Test func sgemmTwoThreadsMatchTwinAndOneThread() {
    for (m, n, k, tA, tB) in [(97, 131, 70, false, true), (200, 61, 300, true, false), (33, 300, 47, false, false)] {
        let r = checkGEMM(transA: tA, transB: tB, m: m, n: n, k: k, alpha: 1, beta: 0, seed: 9, threads: 2)
        #expect(r.ok, "2 threads m=\(m) n=\(n) k=\(k): \(r)")
        var rng = SplitMix64(seed: 11)
        let a = rng.array(m * k), b = rng.array(k * n)
        var c1 = [Float](repeating: 0, count: m * n), c2 = c1
        sgemm(
            transA: tA, transB: tB, m: m, n: n, k: k, a: a, lda: tA ? m : k, b: b, ldb: tB ? k : n,
            c: &c1, ldc: n, threads: 1)
        sgemm(
            transA: tA, transB: tB, m: m, n: n, k: k, a: a, lda: tA ? m : k, b: b, ldb: tB ? k : n,
            c: &c2, ldc: n, threads: 2)
        #expect(c1 == c2, "1 vs 2 threads differ at m=\(m) n=\(n) k=\(k)")
    }
}

@Test func sgemmEdgeCases() {
    // k == 0: C = beta·C; beta == 0 overwrites NaN in C (C not read).
    var c: [Float] = [1, 2, .nan, 4]
    let a: [Float] = [0], b: [Float] = [0]
    sgemm(m: 2, n: 2, k: 0, a: a, lda: 1, b: b, ldb: 2, beta: 2, c: &c, ldc: 2)
    #expect(c[0] == 2 && c[1] == 4 && c[2].isNaN && c[3] == 8)
    sgemm(m: 2, n: 2, k: 0, a: a, lda: 1, b: b, ldb: 2, beta: 0, c: &c, ldc: 2)
    #expect(c == [0, 0, 0, 0])
    // NaN in A propagates to its row only.
    var x = [Float](repeating: 1, count: 7 * 5); x[2 * 5 + 3] = .nan
    let y = [Float](repeating: 1, count: 5 * 9)
    var z = [Float](repeating: .nan, count: 7 * 9)
    sgemm(m: 7, n: 9, k: 5, a: x, lda: 5, b: y, ldb: 9, c: &z, ldc: 9)
    for i in 0..<7 { for j in 0..<9 { #expect(i == 2 ? z[i * 9 + j].isNaN : z[i * 9 + j] == 5) } }
}

@Test func sgemmBatchedMatchesTwin() {
    // bmd,bnd->bmn with batch 5, m = 13, n = 19, d = 33, and the 1-vs-2-thread identity.
    var rng = SplitMix64(seed: 5)
    let (batch, m, n, d) = (5, 13, 19, 33)
    let q = rng.array(batch * m * d), k = rng.array(batch * n * d)
    var got = [Float](repeating: 0, count: batch * m * n), want = got, two = got
    sgemmBatched(
        transB: true, batch: batch, m: m, n: n, k: d, a: q, lda: d, strideA: m * d,
        b: k, ldb: d, strideB: n * d, c: &got, ldc: n, strideC: m * n, threads: 1)
    sgemmBatched(
        transB: true, batch: batch, m: m, n: n, k: d, a: q, lda: d, strideA: m * d,
        b: k, ldb: d, strideB: n * d, c: &two, ldc: n, strideC: m * n, threads: 2)
    sgemmBatchedReference(
        transB: true, batch: batch, m: m, n: n, k: d, a: q, lda: d, strideA: m * d,
        b: k, ldb: d, strideB: n * d, c: &want, ldc: n, strideC: m * n)
    // |q|,|k| < 1, so Σ|a||b| ≤ d: bound (d + 3)·u·d.
    let r = compareTwins(got, want) { _ in Double(d + 3) * u32 * Double(d) }
    #expect(r.ok, "batched: \(r)")
    #expect(got == two, "batched: 1 vs 2 threads differ")
}

@Test func sgemmSmallPathIsBitIdenticalToPackedPath() {
    // Problems at or below `gemmSmallVolume` skip packing; the packed path (forced through
    // `gemmRegion` with a large m) must give the same bits on the shared rows.
    var rng = SplitMix64(seed: 17)
    for (tA, tB) in [(false, false), (false, true), (true, false), (true, true)] {
        let (m, n, k) = (13, 37, 29)
        let bigM = 200  // 200·37·29 > gemmSmallVolume: packed path
        let a = rng.array(bigM * k), b = rng.array(k * n)
        let lda = tA ? bigM : k
        var small = [Float](repeating: 0, count: m * n), big = [Float](repeating: 0, count: bigM * n)
        // Rows 0..<m of op(A) are the same in both calls (transposed A: leading dimension bigM).
        sgemm(transA: tA, transB: tB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: tB ? k : n, c: &small, ldc: n)
        sgemm(transA: tA, transB: tB, m: bigM, n: n, k: k, a: a, lda: lda, b: b, ldb: tB ? k : n, c: &big, ldc: n)
        #expect(Array(big[0..<(m * n)]) == small, "small vs packed path differ, trans \(tA) \(tB)")
    }
}
