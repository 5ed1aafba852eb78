// MARK: - Differentiable rotary position embedding

extension Variable {
    /// Applies RoPE (post B3, bert4keras layout: interleaved pairs (x₀, x₁), (x₂, x₃), …, pair i at position m
    /// rotated counter-clockwise by m·θᵢ, θᵢ = 10000^(−2i/d)) with the Kernels `rope` kernel.
    ///
    /// - Parameters:
    ///   - table: cos/sin for at least `n` positions and `dim == d`; position p of the input uses angle
    ///     `(table.start + p)·θᵢ`.
    ///   - headsAfterPositions: `false` for `[..., n, d]` (positions on axis −2); `true` for `[..., n, h, d]`
    ///     (positions on axis −3, every head of a position rotated alike, the `[b, n, heads, d]` layout of the
    ///     reference GlobalPointer).
    /// - Returns: the same shape. Rotations are orthogonal, so norms are preserved and
    ///   ⟨R_m q, R_n k⟩ = ⟨q, R_{n−m} k⟩. The backward applies the inverse rotation to the gradient.
    public func rope(table: RoPETable, headsAfterPositions: Bool = false) -> Variable {
        let s = shape
        let minRank = headsAfterPositions ? 3 : 2
        require(s.count >= minRank, "rope: input \(s) needs rank ≥ \(minRank)")
        let d = s[s.count - 1]
        let n = s[s.count - (headsAfterPositions ? 3 : 2)]
        let groups = headsAfterPositions ? s[s.count - 2] : 1
        require(d == table.dim, "rope: input \(s) and table dim \(table.dim): last dimension must equal it")
        require(n <= table.positions, "rope: input \(s) has \(n) positions but the table has \(table.positions)")
        let block = n * groups * d
        let batch = block == 0 ? 0 : value.count / block
        func apply(_ x: Tensor, inverse: Bool) -> Tensor {
            x.withUnsafeBufferPointer { px in
                Tensor.buildOverwriting(s) { py in
                    for b in 0..<batch {
                        Kernels.rope(
                            px.baseAddress! + b &* block, output: py.baseAddress! + b &* block, positions: n,
                            groups: groups, table: table, inverse: inverse)
                    }
                }
            }
        }
        return Variable(apply(value, inverse: false), inputs: [self]) { g in [apply(g, inverse: true)] }
    }
}
