// MARK: - Matrix products

// Every product goes through the Kernels SGEMM (`sgemm` / `sgemmBatched`: packed, blocked, two threads above a
// work threshold, results independent of the thread count).

extension Tensor {
    /// Matrix product with optional transposes of the last two axes of either operand.
    ///
    /// - `a`: `[..., m, k]` (or `[..., k, m]` if `transposeA`), `b`: `[..., k, n]` (or `[..., n, k]` if `transposeB`).
    /// - Result: `[..., m, n]`.
    /// - Batch axes: both operands have the same leading axes (batched product, e.g. `bmd,bnd->bmn` with
    ///   `transposeB: true`), or `b` is 2-D and is applied to every matrix of `a` (`[..., m, k]·[k, n]`).
    /// - Precondition failures name both shapes, e.g. "matmul: [3, 4] and [5, 6]: inner dimensions 4 and 5 differ".
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        require(a.rank >= 2 && b.rank >= 2, "matmul: \(a.shape) and \(b.shape): both operands need rank ≥ 2")
        let ar = a.rank, br = b.rank
        let m = transposeA ? a.shape[ar - 1] : a.shape[ar - 2]
        let ka = transposeA ? a.shape[ar - 2] : a.shape[ar - 1]
        let kb = transposeB ? b.shape[br - 1] : b.shape[br - 2]
        let n = transposeB ? b.shape[br - 2] : b.shape[br - 1]
        require(ka == kb, "matmul: \(a.shape) and \(b.shape): inner dimensions \(ka) and \(kb) differ")
        let aBatch = Array(a.shape.dropLast(2)), bBatch = Array(b.shape.dropLast(2))
        require(
            br == 2 || aBatch == bBatch,
            "matmul: \(a.shape) and \(b.shape): batch dimensions \(aBatch) and \(bBatch) differ")
        let batch = aBatch.reduce(1, *)
        let k = ka
        let lda = a.shape[ar - 1], ldb = b.shape[br - 1]
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                // The products write every element of C (beta 0, C not read); k == 0 is the empty sum, zeros.
                (k > 0 ? Tensor.buildOverwriting : Tensor.build)(aBatch + [m, n]) { pc in
                    guard batch > 0, m > 0, n > 0, k > 0 else { return }
                    if batch == 1 || (br == 2 && !transposeA) {
                        // One product; a batch against a shared 2-D matrix is one tall [batch·m, k]·op(B).
                        sgemm(
                            transA: transposeA, transB: transposeB, m: batch &* m, n: n, k: k,
                            a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                            c: pc.baseAddress!, ldc: n)
                        return
                    }
                    // Stride 0 for a shared 2-D `b` (only reached with transposeA).
                    sgemmBatched(
                        transA: transposeA, transB: transposeB, batch: batch, m: m, n: n, k: k,
                        a: pa.baseAddress!, lda: lda, strideA: m &* k,
                        b: pb.baseAddress!, ldb: ldb, strideB: br == 2 ? 0 : k &* n,
                        c: pc.baseAddress!, ldc: n, strideC: m &* n)
                }
            }
        }
    }
}
