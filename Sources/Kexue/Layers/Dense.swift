/// A fully connected layer `y = x·W + b`.
///
/// - `weight`: `[inputSize, outputSize]` (the Keras layout: `x·W`, not PyTorch's `x·Wᵀ`).
/// - `bias`: `[outputSize]`, or absent when `useBias` is false.
/// - Input `[..., inputSize]` (rank ≥ 1), output `[..., outputSize]`.
/// Parameter count: `inputSize·outputSize + (useBias ? outputSize : 0)`.
public final class Dense: Layer {
    /// `[inputSize, outputSize]`.
    public let weight: Variable
    /// `[outputSize]`, or `nil`.
    public let bias: Variable?

    /// The width of the input's last axis.
    public var inputSize: Int { weight.shape[0] }
    /// The width of the output's last axis.
    public var outputSize: Int { weight.shape[1] }
    /// `[weight, bias]`, or `[weight]` without a bias.
    public var parameters: [Variable] { bias.map { [weight, $0] } ?? [weight] }

    /// - Parameters:
    ///   - initializer: for the weight (default Glorot uniform, Keras's `Dense` default).
    ///   - biasInitializer: default zeros.
    ///   - rng: the weight is drawn first, then the bias.
    ///   - name: prefix of the parameter names (`name.weight`, `name.bias`).
    public init(
        inputSize: Int, outputSize: Int, useBias: Bool = true, initializer: Initializer = .glorotUniform,
        biasInitializer: Initializer = .zeros, rng: inout SeededRNG, name: String = "dense"
    ) {
        weight = Variable(
            initializer.make([inputSize, outputSize], rng: &rng), requiresGrad: true,
            name: name + ".weight")
        bias =
            useBias
            ? Variable(biasInitializer.make([outputSize], rng: &rng), requiresGrad: true, name: name + ".bias")
            : nil
    }

    /// `x·W + b` for `x` of shape `[..., inputSize]`.
    public func callAsFunction(_ x: Variable) -> Variable {
        require(
            x.rank >= 1 && x.shape[x.rank - 1] == inputSize,
            "Dense: input \(x.shape) and weight \(weight.shape): last dimension must be \(inputSize)")
        let x2 = x.rank == 1 ? x.reshaped([1, inputSize]) : x
        var y = Variable.matmul(x2, weight)
        if let bias { y = y + bias }
        return x.rank == 1 ? y.reshaped([outputSize]) : y
    }
}
