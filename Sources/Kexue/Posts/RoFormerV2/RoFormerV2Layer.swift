/// A RoFormerV2 encoder layer (Su, kexue.fm/archives/8998; bert4keras `RoFormerV2`), post-norm:
///
///     x ← Norm(x + α·Attention(x)),   x ← Norm(x + α·FFN(x)),   Norm(x) = x / √(mean(x²) + ε)
///
/// - No bias anywhere: Q, K, V, O and both FFN projections are bias-free.
/// - Norm is RMS normalisation *without* a gain (T5-style with γ removed): no parameters at all.
/// - RoPE rotates q and k in every head (RoFormerV2 has no absolute position embedding).
/// - Weights start from a truncated normal with std 1.13684723/√fan (`initializer(for:layers:)`), which for the
///   layer's matrices is exactly Keras's LeCun normal.
/// - α (`residualScale`) is 1 for inference; `ResidualWarmup` raises it from 0 during training from scratch.
///
/// The layer is a `TransformerBlock` configured so (`useBias: false`, `norm: .rmsWithoutGain`, `useRoPE: true`): the
/// same multi-head attention and FFN code as the BERT-style block it is compared with. Input and output `[b, n, h]`,
/// with the block's optional `[b, n]` padding mask. Parameter count `4h² + 2hi`, `12h²` for `i = 4h`
/// (`TransformerLayerCost.roFormerV2`).
public final class RoFormerV2Layer: Layer {
    /// The configured block.
    public let block: TransformerBlock
    /// ε of the norm (default 1e-12, the 2022-03 bert4keras value).
    public let epsilon: Float
    /// α, the weight of both residual branches.
    public var residualScale: Float {
        get { block.residualScale }
        set { block.residualScale = newValue }
    }
    /// The six weight matrices W_q, W_k, W_v, W_o, W₁, W₂; there is nothing else.
    public var parameters: [Variable] { block.parameters }

    /// 1/std of a standard normal truncated at ±2, i.e. `1 / Initializer.truncatedStdCorrection`: multiplying a
    /// ±2-truncated normal's parameter by it makes the *actual* std equal 1/√fan (the LeCun variance).
    public static let truncatedNormalConstant: Double = 1.13684723

    /// bert4keras's RoFormerV2 initialiser for a weight of `shape`, literally: a normal truncated at ±2 std with
    /// parameter `1.13684723/√fan · gain`. `fan = shape[0]` (the input width of a `[in, out]` kernel), except that
    /// shapes whose first axis is above 10000 or below 10 (embedding tables, tiny inputs) use `shape[1]`. `gain` is
    /// 1 in the March 2022 release; `layers: L` gives the later `L^(-1/2)` (bert4keras `ff75758`).
    public static func initializer(for shape: [Int], layers: Int? = nil) -> Initializer {
        require(shape.count == 2, "RoFormerV2Layer.initializer: shape \(shape) is not 2-D")
        let fan = (shape[0] > 10000 || shape[0] < 10) ? shape[1] : shape[0]
        let gain = layers.map { 1 / Double($0).squareRoot() } ?? 1
        return .truncatedNormal(std: Float(truncatedNormalConstant / Double(fan).squareRoot() * gain))
    }

    /// - Parameters:
    ///   - intermediateSize: i (default 4h).
    ///   - layers: depth for the `L^(-1/2)` gain of the later initialiser; `nil` (default) for the original one.
    ///   - rng: draws W_q, W_k, W_v, W_o, W₁, W₂ in that order.
    public init(
        hiddenSize: Int, heads: Int, intermediateSize: Int? = nil, activation: FeedForwardActivation = .relu,
        layers: Int? = nil, epsilon: Float = 1e-12, rng: inout SeededRNG, name: String = "roformerV2"
    ) {
        // For every matrix of the layer 10 ≤ fan-in ≤ 10000, where `initializer(for:)` is Keras's LeCun normal:
        // the same truncated normal with parameter (1/√fanIn)/0.8796… = 1.13684723/√fanIn (tested draw for draw).
        let lecun: Initializer =
            layers.map { .scaled(.lecunNormal, by: Float(1 / Double($0).squareRoot())) }
            ?? .lecunNormal
        block = TransformerBlock(
            dimension: hiddenSize, heads: heads, feedForwardSize: intermediateSize,
            normPosition: .post, useRoPE: true, activation: activation, useBias: false,
            norm: .rmsWithoutGain, initializer: lecun, epsilon: epsilon, rng: &rng, name: name)
        self.epsilon = epsilon
    }

    /// The layer applied to `x` of shape `[b, n, h]`, with an optional `[b, n]` 0/1 key padding mask:
    /// `Norm(x + α·Attention(x))`, then `Norm(x + α·FFN(x))`.
    public func callAsFunction(_ x: Variable, mask: Tensor? = nil) -> Variable { block(x, mask: mask) }
}
