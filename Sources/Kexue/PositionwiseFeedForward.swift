/// The Transformer's position-wise feed-forward sublayer, `F(x) = φ(xW₁ (+b₁))W₂ (+b₂)`, with W₁ `[h, i]` and
/// W₂ `[i, h]` (i the intermediate size, 4h in BERT). With `useBias: false` it is RoFormerV2's FFN.
///
/// Input and output `[..., h]`. Parameter count `2hi + (useBias ? i + h : 0)`.
public final class PositionwiseFeedForward: Layer {
    /// The nonlinearity φ between the two projections.
    public enum Activation: Sendable {
        /// max(x, 0).
        case relu
        /// x·σ(x).
        case swish
    }

    public let inner: Dense, outer: Dense
    public let activation: Activation
    /// `[W₁, (b₁), W₂, (b₂)]`.
    public var parameters: [Variable] { inner.parameters + outer.parameters }

    /// - Parameters:
    ///   - initializer: a function of the weight shape; W₁ is drawn before W₂.
    public init(hiddenSize: Int, intermediateSize: Int, activation: Activation = .relu, useBias: Bool,
                initializer: (_ shape: [Int]) -> Initializer, rng: inout SeededRNG, name: String = "ffn") {
        inner = Dense(inputSize: hiddenSize, outputSize: intermediateSize, useBias: useBias,
                      initializer: initializer([hiddenSize, intermediateSize]), rng: &rng, name: name + ".inner")
        outer = Dense(inputSize: intermediateSize, outputSize: hiddenSize, useBias: useBias,
                      initializer: initializer([intermediateSize, hiddenSize]), rng: &rng, name: name + ".outer")
        self.activation = activation
    }

    /// `F(x)` for `x` of shape `[..., h]`.
    public func callAsFunction(_ x: Variable) -> Variable {
        let z = inner(x)
        switch activation {
        case .relu: return outer(z.relu())
        case .swish: return outer(z.swish())
        }
    }
}
