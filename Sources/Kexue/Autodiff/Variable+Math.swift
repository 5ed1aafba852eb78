#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Differentiable unary functions and reductions

extension Variable {
    /// e^x; ∂ = g·e^x.
    public func exp() -> Variable {
        let y = value.exp()
        return Variable(y, inputs: [self]) { g in [g * y] }
    }

    /// log x; ∂ = g/x.
    public func log() -> Variable {
        let x = value
        return Variable(x.log(), inputs: [self]) { g in [g / x] }
    }

    /// tanh x; ∂ = g·(1 - tanh²x).
    public func tanh() -> Variable {
        let y = value.tanh()
        return Variable(y, inputs: [self]) { g in [Tensor.zipWith(g, y, op: "tanh backward") { $0 * (1 - $1 * $1) }] }
    }

    /// sigmoid x; ∂ = g·σ(1-σ).
    public func sigmoid() -> Variable {
        let y = value.sigmoid()
        return Variable(y, inputs: [self]) { g in [Tensor.zipWith(g, y, op: "sigmoid backward") { $0 * $1 * (1 - $1) }]
        }
    }

    /// Swish x·σ(x); ∂ = g·(σ + x·σ(1-σ)).
    public func swish() -> Variable {
        let x = value
        return Variable(x.swish(), inputs: [self]) { g in
            // σ with the polynomial `vexp`, 8 lanes at a time, as the forward pass computes it. (Through libm's
            // `expf` one element at a time, this backward was 23.5 % of a chapter 3 GAU training step.) For
            // x ≪ 0, e^{-x} overflows to +inf and σ = 0, so the gradient is g·0 = 0, not NaN.
            [
                Tensor.zipVector(g, x, op: "swish backward") { g, x in
                    let s = 1 / (1 + vexp(-x))
                    return g * (s + x * s * (1 - s))
                }
            ]
        }
    }

    /// max(x, 0); ∂ = g where x > 0, else 0 (the subgradient at 0 is 0).
    public func relu() -> Variable {
        let x = value
        return Variable(x.relu(), inputs: [self]) { g in [Tensor.zipWith(g, x, op: "relu backward") { $1 > 0 ? $0 : 0 }]
        }
    }

    /// x²; ∂ = 2gx.
    public func squared() -> Variable {
        let x = value
        return Variable(x.squared(), inputs: [self]) { g in
            [Tensor.zipWith(g, x, op: "square backward") { 2 * $0 * $1 }]
        }
    }

    /// √x; ∂ = g/(2√x).
    public func sqrt() -> Variable {
        let y = value.sqrt()
        return Variable(y, inputs: [self]) { g in [Tensor.zipWith(g, y, op: "sqrt backward") { $0 / (2 * $1) }] }
    }

    // MARK: Reductions

    /// Sum of all elements, shape `[]`; ∂ = g broadcast.
    public func sum() -> Variable {
        let s = shape
        return Variable(Tensor(scalar: value.sum()), inputs: [self]) { g in [Tensor.full(s, g.scalar)] }
    }

    /// Mean of all elements, shape `[]`.
    public func mean() -> Variable {
        let s = shape, n = Float(value.count)
        return Variable(Tensor(scalar: value.mean()), inputs: [self]) { g in [Tensor.full(s, g.scalar / n)] }
    }

    /// Sum over `axis` (negative from the end), removing it unless `keepdims`.
    public func sum(axis: Int, keepdims: Bool = false) -> Variable {
        let s = shape
        let a = Tensor.normalize(axis: axis, rank: s.count, op: "sum", shape: s)
        return Variable(value.sum(axis: a, keepdims: keepdims), inputs: [self]) { g in
            [(keepdims ? g : g.expandingShape(at: a)) + Tensor.zeros(s)]
        }
    }

    /// Mean over `axis`, removing it unless `keepdims`.
    public func mean(axis: Int, keepdims: Bool = false) -> Variable {
        let a = Tensor.normalize(axis: axis, rank: rank, op: "mean", shape: shape)
        return sum(axis: a, keepdims: keepdims) * (1 / Float(shape[a]))
    }

    /// The number of dimensions of the value.
    public var rank: Int { value.rank }
}
