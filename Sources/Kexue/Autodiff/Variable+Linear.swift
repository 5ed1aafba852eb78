// MARK: - Differentiable matrix products

extension Variable {
    /// `op(a)·op(b)` with the shapes and batch rules of `Tensor.matmul` (`a`: `[..., m, k]`, `b`: `[..., k, n]` or
    /// 2-D, each optionally transposed on its last two axes).
    ///
    /// Gradients, for C = op(A)·op(B) and output gradient G:
    /// - A·B:   ∂A = G·Bᵀ,       ∂B = Aᵀ·G
    /// - A·Bᵀ:  ∂A = G·B,        ∂B = Gᵀ·A
    /// - Aᵀ·B:  ∂A = (G·Bᵀ)ᵀ,    ∂B = A·G
    /// - Aᵀ·Bᵀ: ∂A = (G·B)ᵀ,     ∂B = (A·G)ᵀ
    /// When `b` is 2-D and `a` batched, ∂B is summed over the batch (for untransposed `a` as one tall product).
    public static func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false)
        -> Variable
    {
        let va = a.value, vb = b.value, ra = a.requiresGrad, rb = b.requiresGrad
        let out = Tensor.matmul(va, vb, transposeA: transposeA, transposeB: transposeB)
        return Variable(out, inputs: [a, b]) { g in
            var ga: Tensor? = nil, gb: Tensor? = nil
            if ra {
                switch (transposeA, transposeB) {
                case (false, false): ga = Tensor.matmul(g, vb, transposeB: true)
                case (false, true): ga = Tensor.matmul(g, vb)
                case (true, false): ga = Tensor.matmul(g, vb, transposeB: true).transposed()
                case (true, true): ga = Tensor.matmul(g, vb).transposed()
                }
            }
            if rb {
                var (x, y) = (va, g)
                let flatten = vb.rank == 2 && va.rank > 2
                if flatten && !transposeA {
                    // [..., m, k] with a shared 2-D weight: one [batch·m, k] product instead of a batch sum.
                    x = va.reshaped([-1, va.shape[va.rank - 1]])
                    y = g.reshaped([-1, g.shape[g.rank - 1]])
                }
                var r: Tensor
                switch (transposeA, transposeB) {
                case (false, false): r = Tensor.matmul(x, y, transposeA: true)
                case (false, true): r = Tensor.matmul(y, x, transposeA: true)
                case (true, false): r = Tensor.matmul(x, y)
                case (true, true): r = Tensor.matmul(x, y).transposed()
                }
                if vb.rank == 2 && r.rank > 2 {
                    // Shared 2-D weight under a transposed batched `a`: sum the per-matrix gradients.
                    r = r.reshaped([-1, r.shape[r.rank - 2], r.shape[r.rank - 1]]).sum(axis: 0)
                }
                gb = r
            }
            return [ga, gb]
        }
    }

    /// Swaps the last two axes (`[..., m, n]` → `[..., n, m]`); the gradient is transposed back.
    public func transposed() -> Variable {
        Variable(value.transposed(), inputs: [self]) { g in [g.transposed()] }
    }
}
