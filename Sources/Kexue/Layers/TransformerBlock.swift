// MARK: - A standard Transformer encoder block
//
// Multi-head softmax self-attention followed by a two-layer feed-forward network, each a residual sublayer with a
// layer norm (Vaswani et al. 2017; BERT). Chapter 3 compares deep stacks of it with stacks of GAUs:
//
//     post-norm:  x ← LN(x + Attention(x));   x ← LN(x + FFN(x))            (chapter 3, eq:post-norm)
//     pre-norm:   x ← x + Attention(LN(x));   x ← x + FFN(LN(x))
//
// Attention(x) = concat_h softmax(Q_h K_hᵀ/√d_h + mask) V_h · W_o with Q = xW_q, K = xW_k, V = xW_v split into h heads
// of width d_h = d/h; FFN(x) = act(xW_1 + b_1)W_2 + b_2.

/// Where the layer norm of a residual sublayer sits.
public enum NormPosition: Sendable, Equatable {
    /// `LN(x + F(x))`: the original Transformer and BERT; known to need warmup when deep.
    case post
    /// `x + F(LN(x))`: the norm inside the branch; the residual stream itself is never normalised.
    case pre
}

/// The normalisation around a residual sublayer.
public enum NormKind: Sendable, Equatable {
    /// LayerNorm with gain γ and bias β (the original Transformer, BERT).
    case layerNorm
    /// `x / √(mean(x²) + ε)` with no parameters: T5's RMS norm without its gain (RoFormerV2).
    case rmsWithoutGain
}

/// One sublayer's norm as applied: a `LayerNorm` layer, or the parameter-free RMS normalisation.
public enum SublayerNorm {
    /// A `LayerNorm` with its gain γ and bias β.
    case layer(LayerNorm)
    /// `x / √(mean(x²) + ε)` over the last axis, with no parameters.
    case rmsWithoutGain(epsilon: Float)

    /// `x` normalised over its last axis.
    public func callAsFunction(_ x: Variable) -> Variable {
        switch self {
        case .layer(let norm): return norm(x)
        case .rmsWithoutGain(let epsilon): return Variable.rmsNorm(x, epsilon: epsilon)
        }
    }

    /// γ and β of a LayerNorm; none for the RMS norm.
    public var parameters: [Variable] {
        if case .layer(let norm) = self { return norm.parameters }
        return []
    }
}

/// The nonlinearity of a feed-forward network.
public enum FeedForwardActivation: Sendable, Equatable {
    /// max(x, 0) (the original Transformer).
    case relu
    /// x·σ(x) (the activation of GAU and of GLU variants).
    case swish

    func apply(_ x: Variable) -> Variable {
        switch self {
        case .relu: return x.relu()
        case .swish: return x.swish()
        }
    }
}

/// A Transformer encoder block: `[batch, n, d]` → `[batch, n, d]`, with a `[batch, n]` 0/1 key padding mask as in
/// `AttentionMask` (padded keys −∞ before the softmax; padded queries still produce a row).
///
/// Parameters, in order: W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o (each `[d, d]` and `[d]`), the attention norm's γ, β,
/// W_1 `[d, f]`, b_1 `[f]`, W_2 `[f, d]`, b_2 `[d]`, the FFN norm's γ, β. Count: `4d² + 2df` weights, plus
/// `4d + f + d` biases and `4d` norm parameters (with f = 4d: ≈ 12d², the post's comparison with two GAUs); with
/// `useBias: false` and `norm: .rmsWithoutGain` (RoFormerV2) the weights alone.
///
/// `residualScale` α weights both branches, `Norm(x + α·F(x))` (post) or `x + α·F(Norm(x))` (pre): RoFormerV2's
/// residual warmup raises it from 0 to 1 (`ResidualWarmup`); at 1 it costs nothing.
public final class TransformerBlock: Layer {
    /// d, the model width.
    public let dimension: Int
    /// h; d must be a multiple of it.
    public let heads: Int
    /// f, the hidden width of the FFN.
    public let feedForwardSize: Int
    /// Post-norm or pre-norm.
    public let normPosition: NormPosition
    /// Whether each head's Q and K are rotated by RoPE (interleaved pairs) before the scores.
    public let useRoPE: Bool
    /// The FFN nonlinearity.
    public let activation: FeedForwardActivation
    /// The attention projections, each `[d, d]` with an optional bias: W_q, W_k, W_v on the input, W_o on the
    /// concatenated heads.
    public let query: Dense, key: Dense, value: Dense, output: Dense
    /// LayerNorm or the gain-free RMS norm.
    public let norm: NormKind
    /// The attention sublayer's norm: on the residual sum (post-norm) or on the branch input (pre-norm).
    public let attentionNorm: SublayerNorm
    /// The FFN's two layers: W_1 `[d, f]` (+ b_1), then W_2 `[f, d]` (+ b_2).
    public let feedForwardIn: Dense, feedForwardOut: Dense
    /// The FFN sublayer's norm, placed as `attentionNorm` is.
    public let feedForwardNorm: SublayerNorm
    /// α, the weight of both residual branches (1 unless a residual warmup is running).
    public var residualScale: Float = 1

    public var parameters: [Variable] {
        [query, key, value, output].flatMap(\.parameters) + attentionNorm.parameters
            + feedForwardIn.parameters + feedForwardOut.parameters + feedForwardNorm.parameters
    }

    /// d_h = d/h.
    public var headSize: Int { dimension / heads }

    /// - Parameters:
    ///   - dimension: d; `heads`: h (d % h == 0, and d/h even with RoPE); `feedForwardSize`: f (default 4d).
    ///   - normPosition: default `.post`.
    ///   - initializer: every weight matrix (default Glorot uniform, Keras's default; BERT uses a truncated normal
    ///     of std 0.02). Biases start at 0, norms at γ = 1, β = 0.
    ///   - norm: `.layerNorm` (default) or `.rmsWithoutGain`.
    ///   - epsilon: of both norms (default 1e-12, bert4keras).
    ///   - rng: weights are drawn in the order of `parameters`.
    public init(
        dimension: Int, heads: Int, feedForwardSize: Int? = nil, normPosition: NormPosition = .post,
        useRoPE: Bool = false, activation: FeedForwardActivation = .relu, useBias: Bool = true,
        norm: NormKind = .layerNorm, initializer: Initializer = .glorotUniform, epsilon: Float = 1e-12,
        rng: inout SeededRNG,
        name: String = "block"
    ) {
        require(
            dimension > 0 && heads > 0 && dimension % heads == 0,
            "TransformerBlock: dimension \(dimension) must be a positive multiple of heads \(heads)")
        require(
            !useRoPE || (dimension / heads) % 2 == 0,
            "TransformerBlock: RoPE needs an even head size, got \(dimension / heads)")
        let f = feedForwardSize ?? 4 * dimension
        self.dimension = dimension; self.heads = heads; self.feedForwardSize = f
        self.normPosition = normPosition; self.useRoPE = useRoPE; self.activation = activation; self.norm = norm
        func sublayerNorm(_ n: String) -> SublayerNorm {
            norm == .layerNorm
                ? .layer(LayerNorm(dimension: dimension, epsilon: epsilon, name: name + n))
                : .rmsWithoutGain(epsilon: epsilon)
        }
        func dense(_ i: Int, _ o: Int, _ n: String) -> Dense {
            Dense(inputSize: i, outputSize: o, useBias: useBias, initializer: initializer, rng: &rng, name: name + n)
        }
        query = dense(dimension, dimension, ".query")
        key = dense(dimension, dimension, ".key")
        value = dense(dimension, dimension, ".value")
        output = dense(dimension, dimension, ".output")
        attentionNorm = sublayerNorm(".attentionNorm")
        feedForwardIn = dense(dimension, f, ".ffnIn")
        feedForwardOut = dense(f, dimension, ".ffnOut")
        feedForwardNorm = sublayerNorm(".ffnNorm")
    }

    /// The block on `x` `[batch, n, d]` with an optional `[batch, n]` padding mask.
    public func callAsFunction(_ x: Variable, mask: Tensor? = nil) -> Variable {
        require(
            x.rank == 3 && x.shape[2] == dimension,
            "TransformerBlock: input \(x.shape) must be [batch, length, \(dimension)]")
        if let mask { AttentionMask.validate(mask, batch: x.shape[0], length: x.shape[1], "TransformerBlock") }
        switch normPosition {
        case .post:
            let h = attentionNorm(x + scaled(attention(x, mask: mask)))
            return feedForwardNorm(h + scaled(feedForward(h)))
        case .pre:
            let h = x + scaled(attention(attentionNorm(x), mask: mask))
            return h + scaled(feedForward(feedForwardNorm(h)))
        }
    }

    /// α·F; skipped at α = 1, so a block without warmup computes exactly `x + F`.
    private func scaled(_ branch: Variable) -> Variable { residualScale == 1 ? branch : residualScale * branch }

    /// Multi-head softmax self-attention `[b, n, d]` → `[b, n, d]` (the first sublayer's branch, without residual).
    public func attention(_ x: Variable, mask: Tensor? = nil) -> Variable {
        let (b, n, dh) = (x.shape[0], x.shape[1], headSize)
        let table = useRoPE ? RoPETable(positions: n, dim: dh) : nil
        // [b, n, d] → [b, n, h, d_h] (RoPE rotates each head alike) → [b, h, n, d_h].
        func heads(_ t: Variable, rotate: Bool) -> Variable {
            var t = t.reshaped([b, n, self.heads, dh])
            if rotate, let table { t = t.rope(table: table, headsAfterPositions: true) }
            return t.permuted([0, 2, 1, 3])
        }
        let q = heads(query(x), rotate: true), k = heads(key(x), rotate: true), v = heads(value(x), rotate: false)
        var scores = Variable.matmul(q, k, transposeB: true) * attentionScale(headDim: dh)  // 1/√d_h
        if let mask { scores = scores + AttentionMask.keyBias(mask, scoreRank: 4) }
        let context = Variable.matmul(scores.softmax(), v)  // [b, h, n, d_h]
        return output(context.permuted([0, 2, 1, 3]).reshaped([b, n, dimension]))
    }

    /// The feed-forward branch `act(xW_1 + b_1)W_2 + b_2`, `[b, n, d]` → `[b, n, d]`.
    public func feedForward(_ x: Variable) -> Variable {
        feedForwardOut(activation.apply(feedForwardIn(x)))
    }
}
