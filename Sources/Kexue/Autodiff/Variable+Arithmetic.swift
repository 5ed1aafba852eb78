// MARK: - Differentiable element-wise arithmetic (with broadcasting)

extension Variable {
    /// a + b with numpy broadcasting; gradients are summed over the broadcast axes (`Tensor.sum(toShape:)`), and
    /// computed only for operands that require them (adding a constant mask costs no reduction).
    public static func + (a: Variable, b: Variable) -> Variable {
        let (sa, sb, ra, rb) = (a.shape, b.shape, a.requiresGrad, b.requiresGrad)
        return Variable(a.value + b.value, inputs: [a, b]) { g in
            [ra ? g.sum(toShape: sa) : nil, rb ? g.sum(toShape: sb) : nil]
        }
    }

    /// a - b with broadcasting.
    public static func - (a: Variable, b: Variable) -> Variable {
        let (sa, sb, ra, rb) = (a.shape, b.shape, a.requiresGrad, b.requiresGrad)
        return Variable(a.value - b.value, inputs: [a, b]) { g in
            [ra ? g.sum(toShape: sa) : nil, rb ? (-g).sum(toShape: sb) : nil]
        }
    }

    /// a ⊙ b with broadcasting: ∂a = g⊙b, ∂b = g⊙a (each reduced to its operand's shape).
    public static func * (a: Variable, b: Variable) -> Variable {
        let (va, vb, ra, rb) = (a.value, b.value, a.requiresGrad, b.requiresGrad)
        return Variable(va * vb, inputs: [a, b]) { g in
            [
                ra ? (g * vb).sum(toShape: va.shape) : nil,
                rb ? (g * va).sum(toShape: vb.shape) : nil,
            ]
        }
    }

    /// a / b with broadcasting: ∂a = g/b, ∂b = -g·a/b².
    public static func / (a: Variable, b: Variable) -> Variable {
        let (va, vb, ra, rb) = (a.value, b.value, a.requiresGrad, b.requiresGrad)
        let out = va / vb
        return Variable(out, inputs: [a, b]) { g in
            [
                ra ? (g / vb).sum(toShape: va.shape) : nil,
                rb ? (-(g * out) / vb).sum(toShape: vb.shape) : nil,
            ]
        }
    }

    /// Negation.
    public static prefix func - (a: Variable) -> Variable {
        Variable(-a.value, inputs: [a]) { g in [-g] }
    }

    // MARK: With constants

    /// Adds a constant tensor (broadcast); no gradient flows to the constant.
    public static func + (a: Variable, c: Tensor) -> Variable { a + Variable(c) }
    /// Multiplies by a constant tensor (broadcast), e.g. a mask.
    public static func * (a: Variable, c: Tensor) -> Variable { a * Variable(c) }
    /// Subtracts a constant tensor (broadcast).
    public static func - (a: Variable, c: Tensor) -> Variable { a - Variable(c) }

    /// a + s for a scalar s.
    public static func + (a: Variable, s: Float) -> Variable { Variable(a.value + s, inputs: [a]) { g in [g] } }
    /// a - s for a scalar s.
    public static func - (a: Variable, s: Float) -> Variable { a + (-s) }
    /// s · a for a scalar s.
    public static func * (s: Float, a: Variable) -> Variable { Variable(s * a.value, inputs: [a]) { g in [s * g] } }
    /// a · s for a scalar s.
    public static func * (a: Variable, s: Float) -> Variable { s * a }
    /// a / s for a scalar s.
    public static func / (a: Variable, s: Float) -> Variable { (1 / s) * a }
}
