/// A small Transformer encoder to put under the span heads: token embedding, then `layers` pre-LN blocks of
/// softmax multi-head self-attention with RoPE and a ReLU feed-forward, then a final layer norm.
///
///     x₀ = E[ids];  x ← x + W_o·Attn(LN x);  x ← x + W₂·relu(W₁·LN x);  h = LN x
///
/// Attention per head: softmax(RoPE(q)·RoPE(k)ᵀ/√(D/heads) + mask) v, with padded keys masked by −∞ (a padded
/// *query* row still sees the real keys, so no row is fully masked and nothing is NaN; its output is ignored by the
/// heads' masks). RoPE makes the encoder see relative positions, which is what "the start is right after a
/// trigger" needs. Deliberately plain: its job is to be small and train in seconds, not to mirror BERT.
///
/// Shapes: ids `[b·n]` (row-major) → hidden states `[b, n, D]`.
/// Parameters: `V·D + layers·(4D² + 4D + 2·D·F + F + D + 4D) + 2D` (F = `ffnSize`; biases and norms included).
public final class TinyEncoder: Layer {
    public let embedding: Embedding
    public let blocks: [TinyEncoderBlock]
    public let finalNorm: LayerNorm
    public var hiddenSize: Int { embedding.dimension }

    public var parameters: [Variable] {
        embedding.parameters + blocks.flatMap(\.parameters) + finalNorm.parameters
    }

    /// - Parameters: `hiddenSize` D divisible by `heads`, with D/heads even (RoPE); `ffnSize` default 2D.
    public init(vocabularySize: Int, hiddenSize: Int, heads: Int, layers: Int, ffnSize: Int? = nil,
                rng: inout SeededRNG) {
        require(heads >= 1 && hiddenSize % heads == 0 && (hiddenSize / heads) % 2 == 0,
                "TinyEncoder: hiddenSize \(hiddenSize) must split into \(heads) heads of even size")
        embedding = Embedding(vocabularySize: vocabularySize, dimension: hiddenSize,
                              initializer: .normal(mean: 0, std: 1), rng: &rng, name: "encoder.embedding")
        blocks = (0..<layers).map { l in
            TinyEncoderBlock(hiddenSize: hiddenSize, heads: heads, ffnSize: ffnSize ?? 2 * hiddenSize, rng: &rng,
                             name: "encoder.block\(l)")
        }
        finalNorm = LayerNorm(dimension: hiddenSize, epsilon: 1e-6, name: "encoder.finalNorm")
    }

    /// - Parameters:
    ///   - ids: `[batch·length]` token ids.
    ///   - mask: `[batch][length]`, `true` for real tokens; `nil` when there is no padding.
    /// - Returns: `[batch, length, D]`.
    public func callAsFunction(_ ids: [Int], batch: Int, length: Int, mask: [[Bool]]? = nil) -> Variable {
        var x = embedding(ids, shape: [batch, length])
        let table = RoPETable(positions: length, dim: hiddenSize / Swift.max(blocks.first?.heads ?? 1, 1))
        let keyMask = mask.map { rows in
            Tensor(shape: [batch, 1, 1, length],
                   scalars: rows.flatMap { $0.map { $0 ? Float(0) : -Float.infinity } })
        }
        for block in blocks { x = block(x, table: table, keyMask: keyMask) }
        return finalNorm(x)
    }
}

/// One pre-LN block of `TinyEncoder`: `x + W_o·MHA(LN x)`, then `x + W₂·relu(W₁·LN x + b₁) + b₂`.
/// Input and output `[b, n, D]`.
public final class TinyEncoderBlock: Layer {
    public let heads: Int
    public let attentionNorm: LayerNorm, qkv: Dense, output: Dense
    public let ffnNorm: LayerNorm, ffnIn: Dense, ffnOut: Dense

    public var parameters: [Variable] {
        ([attentionNorm, qkv, output, ffnNorm, ffnIn, ffnOut] as [any Layer]).parameters
    }

    public init(hiddenSize d: Int, heads: Int, ffnSize: Int, rng: inout SeededRNG, name: String) {
        self.heads = heads
        attentionNorm = LayerNorm(dimension: d, epsilon: 1e-6, name: name + ".attentionNorm")
        qkv = Dense(inputSize: d, outputSize: 3 * d, rng: &rng, name: name + ".qkv")
        output = Dense(inputSize: d, outputSize: d, rng: &rng, name: name + ".output")
        ffnNorm = LayerNorm(dimension: d, epsilon: 1e-6, name: name + ".ffnNorm")
        ffnIn = Dense(inputSize: d, outputSize: ffnSize, rng: &rng, name: name + ".ffnIn")
        ffnOut = Dense(inputSize: ffnSize, outputSize: d, rng: &rng, name: name + ".ffnOut")
    }

    /// - Parameters:
    ///   - x: `[b, n, D]`.
    ///   - table: RoPE for `n` positions and width D/heads.
    ///   - keyMask: `[b, 1, 1, n]` of 0 and −∞, or `nil`.
    public func callAsFunction(_ x: Variable, table: RoPETable, keyMask: Tensor?) -> Variable {
        let (b, n, d) = (x.shape[0], x.shape[1], x.shape[2])
        let dh = d / heads
        let parts = qkv(attentionNorm(x)).reshaped([b, n, 3 * heads, dh]).split(sizes: [heads, heads, heads],
                                                                                  alongAxis: 2)
        let q = parts[0].rope(table: table, headsAfterPositions: true).permuted([0, 2, 1, 3])   // [b, h, n, dh]
        let k = parts[1].rope(table: table, headsAfterPositions: true).permuted([0, 2, 1, 3])
        let v = parts[2].permuted([0, 2, 1, 3])
        var scores = Variable.matmul(q, k, transposeB: true) / Float(dh).squareRoot()           // [b, h, n, n]
        if let keyMask { scores = scores + keyMask }
        let attended = Variable.matmul(scores.softmax(), v).permuted([0, 2, 1, 3]).reshaped([b, n, d])
        let y = x + output(attended)
        return y + ffnOut(ffnIn(ffnNorm(y)).relu())
    }
}
