/// A container of trainable parameters (leaf `Variable`s with `requiresGrad == true`).
///
/// Layers are reference types: the same layer applied twice shares its parameters (and their gradients add).
public protocol Layer: AnyObject {
    /// The trainable parameters in a fixed order (weights before biases).
    var parameters: [Variable] { get }
}

extension Layer {
    /// The total number of scalars in `parameters`.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }

    /// Euclidean norm of this layer's parameter gradients together (in `Double`; parameters without a gradient
    /// count as 0): the per-layer gradient statistic of DeepNet's analysis (post B6).
    public func gradientNorm() -> Double {
        parameters.reduce(0.0) { $0 + ($1.grad?.squaredNorm() ?? 0) }.squareRoot()
    }
}

extension Array where Element == any Layer {
    /// Parameters of several layers, concatenated in order.
    public var parameters: [Variable] { flatMap { $0.parameters } }
    /// Total parameter count of several layers.
    public var parameterCount: Int { reduce(0) { $0 + $1.parameterCount } }
}
