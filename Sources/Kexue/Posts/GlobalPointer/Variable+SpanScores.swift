// MARK: - GlobalPointer's per-type span scores as one differentiable op

extension Variable {
    /// Per-type span scores from per-type `[q | k]` chunks, scaled and masked, in one op:
    ///
    ///     scores[b, α, i, j] = scale · ⟨q[b, i, α, :], k[b, j, α, :]⟩,   −∞ on masked cells
    ///
    /// with q the first `d` and k the last `d` channels of `self[b, i, α, :]` (GlobalPointer's contiguous chunk
    /// layout after RoPE). Equal to `permute → matmul(q, kᵀ) → · scale → + SpanMask` (tested), but the products read
    /// the chunks in place through the GEMM's leading dimension (no split, no permute) and write the scale and the
    /// −∞ cells directly, so the `[b, m, n, n]` tensor is written once forward and read once backward: GP's scores
    /// are the largest tensor of a span model, and the composed version made several passes over it.
    ///
    /// The receiver is `[b, n, m, 2d]`: batch, tokens, types, and each type's `[q | k]` chunk.
    ///
    /// - Parameters:
    ///   - scale: usually 1/√d.
    ///   - padding: `[b][n]`, `true` for real tokens, or `nil`; `triangle`: mask i > j (see `SpanMask`).
    /// - Returns: `[b, m, n, n]`.
    /// Backward: masked cells are constants (their gradient is dropped, as finite differences see it);
    /// ∂q_α = scale·G_α K_α, ∂k_α = scale·G_αᵀ Q_α per item and type, written back into the chunk layout.
    public func globalPointerScores(scale: Float, padding: [[Bool]]?, triangle: Bool) -> Variable {
        require(
            rank == 4 && shape[3] % 2 == 0,
            "globalPointerScores: input \(shape) must be [batch, length, types, 2·headSize]")
        let (b, n, m, d2) = (shape[0], shape[1], shape[2], shape[3])
        let d = d2 / 2
        let mask = SpanMask.additive(padding: padding, batch: b, length: n, triangle: triangle)
        let x = value
        let chunkStride = m * d2, itemStride = n * m * d2, plane = n * n
        func applyMask(_ p: UnsafeMutableBufferPointer<Float>, value: Float) {
            guard let mask else { return }
            mask.withUnsafeBufferPointer { mp in
                for item in 0..<b {
                    let mrow = mp.baseAddress! + item &* plane
                    for cell in 0..<plane where mrow[cell] != 0 {
                        for a in 0..<m { p[(item &* m &+ a) &* plane &+ cell] = value }
                    }
                }
            }
        }
        let out = x.withUnsafeBufferPointer { px in
            Tensor.buildOverwriting([b, m, n, n]) { py in
                guard b > 0, n > 0, m > 0 else { return }
                for item in 0..<b {
                    let base = px.baseAddress! + item &* itemStride
                    // For every type α: C_α = scale · Q_α K_αᵀ, Q_α rows at stride m·2d from offset α·2d.
                    sgemmBatched(
                        transB: true, batch: m, m: n, n: n, k: d, alpha: scale,
                        a: base, lda: chunkStride, strideA: d2,
                        b: base + d, ldb: chunkStride, strideB: d2,
                        c: py.baseAddress! + item &* m &* plane, ldc: n, strideC: plane)
                }
                applyMask(py, value: -.infinity)
            }
        }
        return Variable(out, inputs: [self]) { g in
            var gm = g
            gm.withUnsafeMutableBufferPointer { applyMask($0, value: 0) }
            return [
                x.withUnsafeBufferPointer { px in
                    gm.withUnsafeBufferPointer { pg in
                        Tensor.buildOverwriting([b, n, m, d2]) { pd in
                            guard b > 0, n > 0, m > 0 else { return }
                            for item in 0..<b {
                                let base = px.baseAddress! + item &* itemStride
                                let grad = pd.baseAddress! + item &* itemStride
                                let gItem = pg.baseAddress! + item &* m &* plane
                                // ∂Q_α = scale · G_α K_α   ([n, n]·[n, d] into the q half of each chunk)
                                sgemmBatched(
                                    batch: m, m: n, n: d, k: n, alpha: scale,
                                    a: gItem, lda: n, strideA: plane,
                                    b: base + d, ldb: chunkStride, strideB: d2,
                                    c: grad, ldc: chunkStride, strideC: d2)
                                // ∂K_α = scale · G_αᵀ Q_α  (into the k half)
                                sgemmBatched(
                                    transA: true, batch: m, m: n, n: d, k: n, alpha: scale,
                                    a: gItem, lda: n, strideA: plane,
                                    b: base, ldb: chunkStride, strideB: d2,
                                    c: grad + d, ldc: chunkStride, strideC: d2)
                            }
                        }
                    }
                }
            ]
        }
    }
}
