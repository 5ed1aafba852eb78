/// A small Transformer encoder to put under the span heads: token embedding, then `layers` pre-norm
/// `TransformerBlock`s (softmax multi-head self-attention with RoPE, ReLU feed-forward, biases, LayerNorm ε = 1e-6),
/// then a final layer norm.
///
///     x₀ = E[ids];  x ← x + Attn(LN x);  x ← x + FFN(LN x);  h = LN x
///
/// Attention per head: softmax(RoPE(q)·RoPE(k)ᵀ/√(D/heads) + mask) v, with padded keys masked by −∞ (a padded
/// *query* row still sees the real keys, so no row is fully masked and nothing is NaN; its output is ignored by the
/// heads' masks). RoPE makes the encoder see relative positions, which is what "the start is right after a
/// trigger" needs. Pre-norm because it trains from scratch at a high learning rate without warmup. Deliberately
/// plain: its job is to be small and train in seconds, not to mirror BERT.
///
/// Shapes: ids `[b·n]` (row-major) → hidden states `[b, n, D]`.
/// Parameters: `V·D + layers·(4D² + 4D + 2·D·F + F + D + 4D) + 2D` (F = `ffnSize`; biases and norms included).
public final class TinyEncoder: Layer {
    /// The token table, `[V, D]`.
    public let embedding: Embedding
    /// The `layers` pre-norm blocks, applied in order.
    public let blocks: [TransformerBlock]
    /// The layer norm on the last block's output (ε = 1e-6).
    public let finalNorm: LayerNorm
    /// D, the width of the embeddings and of every hidden state.
    public var hiddenSize: Int { embedding.dimension }

    public var parameters: [Variable] {
        embedding.parameters + blocks.flatMap(\.parameters) + finalNorm.parameters
    }

    /// - Parameters: `hiddenSize` D divisible by `heads`, with D/heads even (RoPE); `ffnSize` default 2D.
    public init(
        vocabularySize: Int, hiddenSize: Int, heads: Int, layers: Int, ffnSize: Int? = nil,
        rng: inout SeededRNG
    ) {
        require(
            heads >= 1 && hiddenSize % heads == 0 && (hiddenSize / heads) % 2 == 0,
            "TinyEncoder: hiddenSize \(hiddenSize) must split into \(heads) heads of even size")
        embedding = Embedding(
            vocabularySize: vocabularySize, dimension: hiddenSize,
            initializer: .normal(mean: 0, std: 1), rng: &rng, name: "encoder.embedding")
        blocks = (0..<layers).map { l in
            TransformerBlock(
                dimension: hiddenSize, heads: heads, feedForwardSize: ffnSize ?? 2 * hiddenSize,
                normPosition: .pre, useRoPE: true, activation: .relu, useBias: true,
                initializer: .glorotUniform, epsilon: 1e-6, rng: &rng, name: "encoder.block\(l)")
        }
        finalNorm = LayerNorm(dimension: hiddenSize, epsilon: 1e-6, name: "encoder.finalNorm")
    }

    /// - Parameters:
    ///   - ids: `[batch·length]` token ids.
    ///   - mask: `[batch][length]`, `true` for real tokens; `nil` when there is no padding.
    /// - Returns: `[batch, length, D]`.
    public func callAsFunction(_ ids: [Int], batch: Int, length: Int, mask: [[Bool]]? = nil) -> Variable {
        var x = embedding(ids, shape: [batch, length])
        // The blocks' `AttentionMask` convention: `[batch, length]`, 1 for a real token.
        let keyMask = mask.map { rows in
            Tensor(shape: [batch, length], scalars: rows.flatMap { $0.map { $0 ? Float(1) : 0 } })
        }
        for block in blocks { x = block(x, mask: keyMask) }
        return finalNorm(x)
    }
}
