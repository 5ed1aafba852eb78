/// Closed-form parameter and FLOP counts of one encoder layer, a BERT-style `TransformerBlock` against `RoFormerV2Layer`, for a
/// forward pass over `batch` sequences of `length` tokens (hidden size h, intermediate size i, `heads` heads).
///
/// What is counted (one FLOP per scalar multiply, add, compare or exp):
/// - `matmulFLOPs`: 2·m·n·k per product — the Q, K, V, O projections (4·2nh²), the FFN (2·2nhi), the scores QKᵀ
///   and the mixing AV (2·2n²h), per sequence.
/// - `elementwiseFLOPs`: bias adds (one per output of a biased projection: n(5h + i)); the score scale (1 per
///   score) and softmax (5 per score: max, subtract, exp, sum, divide); RoPE (3 per element of q and k); the FFN
///   activation (1 per intermediate element); the two residual adds (1 per element each); the norms — LayerNorm
///   8 per element (mean 1, variance 3, normalise 2, gain and bias 2), the gain-free RMS norm 3 (square, sum,
///   scale).
/// - Not counted: memory traffic, reshapes and permutations, the α multiply of `ResidualWarmup` (1 at inference).
/// The counts are exact for these rules, not for any particular kernel; they say how little the bias and gain
/// removal changes the arithmetic, not how long it takes.
public struct TransformerLayerCost: Sendable, Equatable {
    /// Trainable scalars of the layer.
    public var parameters: Int
    /// FLOPs in matrix products.
    public var matmulFLOPs: Int
    /// FLOPs in element-wise work (biases, softmax, RoPE, activation, residuals, norms).
    public var elementwiseFLOPs: Int
    /// `matmulFLOPs + elementwiseFLOPs`.
    public var totalFLOPs: Int { matmulFLOPs + elementwiseFLOPs }

    /// A BERT-style layer (a post-norm `TransformerBlock` with biases): biases everywhere, two LayerNorms with gain and bias; RoPE if `rotary`
    /// (RoFormer v1). Parameters `4h² + 4h + 2hi + i + h + 4h`, i.e. `12h² + 13h` for `i = 4h`.
    public static func bert(
        hiddenSize h: Int, heads: Int, intermediateSize: Int? = nil, rotary: Bool = false,
        batch: Int = 1, length n: Int = 512
    ) -> TransformerLayerCost {
        let i = intermediateSize ?? 4 * h
        var cost = shared(h: h, heads: heads, i: i, rotary: rotary, batch: batch, n: n)
        cost.parameters += 4 * h + i + h + 4 * h
        cost.elementwiseFLOPs += batch * n * (5 * h + i) + batch * n * h * 2 * 8
        return cost
    }

    /// A RoFormerV2 layer (`RoFormerV2Layer`): no biases, two gain-free RMS norms, RoPE. Parameters
    /// `4h² + 2hi`, i.e. `12h²` for `i = 4h`.
    public static func roFormerV2(
        hiddenSize h: Int, heads: Int, intermediateSize: Int? = nil,
        batch: Int = 1, length n: Int = 512
    ) -> TransformerLayerCost {
        let i = intermediateSize ?? 4 * h
        var cost = shared(h: h, heads: heads, i: i, rotary: true, batch: batch, n: n)
        cost.elementwiseFLOPs += batch * n * h * 2 * 3
        return cost
    }

    /// What both layers share: the weight matrices and their products, attention, activation, residuals.
    private static func shared(h: Int, heads: Int, i: Int, rotary: Bool, batch: Int, n: Int) -> TransformerLayerCost {
        let tokens = batch * n
        let projections = 4 * 2 * tokens * h * h + 2 * 2 * tokens * h * i
        let attention = 2 * 2 * batch * n * n * h  // QKᵀ and AV over all heads: heads·(n²·h/heads) each
        let scores = batch * heads * n * n
        var elementwise = scores * (1 + 5) + tokens * i + 2 * tokens * h
        if rotary { elementwise += 2 * 3 * tokens * h }
        return TransformerLayerCost(
            parameters: 4 * h * h + 2 * h * i, matmulFLOPs: projections + attention,
            elementwiseFLOPs: elementwise)
    }
}
