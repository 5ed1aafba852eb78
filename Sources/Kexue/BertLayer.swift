/// A BERT-style Transformer encoder layer (Devlin et al. 2019), post-norm, for comparison with `RoFormerV2Layer`:
///
///     x ← LN(x + Attention(x)),   x ← LN(x + FFN(x))
///
/// with biases in all six projections and LayerNorm with gain and bias. With `rotary: true` the attention applies
/// RoPE to every head and the layer is a RoFormer (v1) layer; BERT proper adds absolute position embeddings once,
/// below the first layer, which is not part of a layer.
///
/// Input and output `[b, n, h]`. Parameter count `12h² + 13h` for `i = 4h` (see `TransformerLayerCost.bert`):
/// 4h² + 4h in attention, 2hi + i + h in the FFN, 4h in the two LayerNorms.
public final class BertLayer: Layer {
    public let attention: MultiHeadAttention
    public let feedForward: PositionwiseFeedForward
    public let attentionNorm: LayerNorm, feedForwardNorm: LayerNorm
    /// Attention, FFN, then the two norms' parameters.
    public var parameters: [Variable] {
        attention.parameters + feedForward.parameters + attentionNorm.parameters + feedForwardNorm.parameters
    }

    /// - Parameters:
    ///   - intermediateSize: i (default 4h).
    ///   - initializer: of the weights (default BERT's truncated normal, std 0.02); biases start at zero,
    ///     LayerNorm gains at one.
    ///   - epsilon: LayerNorm's ε (default 1e-12, BERT's).
    public init(hiddenSize: Int, heads: Int, intermediateSize: Int? = nil, rotary: Bool = false,
                activation: PositionwiseFeedForward.Activation = .relu,
                initializer: Initializer = .truncatedNormal(std: 0.02), epsilon: Float = 1e-12,
                rng: inout SeededRNG, name: String = "bert") {
        let i = intermediateSize ?? 4 * hiddenSize
        attention = MultiHeadAttention(hiddenSize: hiddenSize, heads: heads, useBias: true, rotary: rotary,
                                       initializer: { _ in initializer }, rng: &rng, name: name + ".attention")
        feedForward = PositionwiseFeedForward(hiddenSize: hiddenSize, intermediateSize: i, activation: activation,
                                              useBias: true, initializer: { _ in initializer }, rng: &rng,
                                              name: name + ".ffn")
        attentionNorm = LayerNorm(dimension: hiddenSize, epsilon: epsilon, name: name + ".attentionNorm")
        feedForwardNorm = LayerNorm(dimension: hiddenSize, epsilon: epsilon, name: name + ".ffnNorm")
    }

    /// The layer applied to `x` of shape `[b, n, h]`.
    public func callAsFunction(_ x: Variable) -> Variable {
        let y = attentionNorm(x + attention(x))
        return feedForwardNorm(y + feedForward(y))
    }
}
