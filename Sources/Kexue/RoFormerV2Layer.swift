/// A RoFormerV2 encoder layer (Su, kexue.fm/archives/8998; bert4keras `RoFormerV2`), post-norm:
///
///     x ← Norm(x + α·Attention(x)),   x ← Norm(x + α·FFN(x)),   Norm(x) = x / √(mean(x²) + ε)
///
/// - No bias anywhere: Q, K, V, O and both FFN projections are bias-free.
/// - Norm is RMS normalisation *without* a gain (T5-style with γ removed): no parameters at all.
/// - RoPE rotates q and k in every head (there is no absolute position embedding in RoFormerV2).
/// - Weights start from a truncated normal with std 1.13684723/√fan (`initializer(for:layers:)`).
/// - α (`residualScale`) is 1 for inference; `ResidualWarmup` raises it from 0 during training from scratch.
///
/// Input and output `[b, n, h]`. Parameter count `4h² + 2hi`, `12h²` for `i = 4h` (`TransformerLayerCost`).
public final class RoFormerV2Layer: Layer {
    public let attention: MultiHeadAttention
    public let feedForward: PositionwiseFeedForward
    /// ε of the norm (default 1e-12, the 2022-03 bert4keras value).
    public let epsilon: Float
    /// α, the weight of both residual branches.
    public var residualScale: Float = 1
    /// The six weight matrices; there is nothing else.
    public var parameters: [Variable] { attention.parameters + feedForward.parameters }

    /// 1/std of a standard normal truncated at ±2, i.e. `1 / Initializer.truncatedStdCorrection`: multiplying a
    /// ±2-truncated normal's parameter by it makes the *actual* std equal 1/√fan (the LeCun variance).
    public static let truncatedNormalConstant: Double = 1.13684723

    /// bert4keras's RoFormerV2 initialiser for a weight of `shape`: a normal truncated at ±2 std with parameter
    /// `1.13684723/√fan · gain`. `fan = shape[0]` (the input width of a `[in, out]` kernel), except that shapes
    /// whose first axis is above 10000 or below 10 (embedding tables, tiny inputs) use `shape[1]`.
    /// `gain` is 1 in the March 2022 release; `layers: L` gives the later `L^(-1/2)` (bert4keras `ff75758`).
    public static func initializer(for shape: [Int], layers: Int? = nil) -> Initializer {
        require(shape.count == 2, "RoFormerV2Layer.initializer: shape \(shape) is not 2-D")
        let fan = (shape[0] > 10000 || shape[0] < 10) ? shape[1] : shape[0]
        let gain = layers.map { 1 / Double($0).squareRoot() } ?? 1
        return .truncatedNormal(std: Float(truncatedNormalConstant / Double(fan).squareRoot() * gain))
    }

    /// - Parameters:
    ///   - intermediateSize: i (default 4h).
    ///   - layers: depth for the `L^(-1/2)` gain of the later initialiser; `nil` (default) for the original one.
    public init(hiddenSize: Int, heads: Int, intermediateSize: Int? = nil,
                activation: PositionwiseFeedForward.Activation = .relu, layers: Int? = nil,
                epsilon: Float = 1e-12, rng: inout SeededRNG, name: String = "roformerV2") {
        let i = intermediateSize ?? 4 * hiddenSize
        let initializer = { (shape: [Int]) in RoFormerV2Layer.initializer(for: shape, layers: layers) }
        attention = MultiHeadAttention(hiddenSize: hiddenSize, heads: heads, useBias: false, rotary: true,
                                       initializer: initializer, rng: &rng, name: name + ".attention")
        feedForward = PositionwiseFeedForward(hiddenSize: hiddenSize, intermediateSize: i, activation: activation,
                                              useBias: false, initializer: initializer, rng: &rng,
                                              name: name + ".ffn")
        self.epsilon = epsilon
    }

    /// The layer applied to `x` of shape `[b, n, h]`.
    public func callAsFunction(_ x: Variable) -> Variable {
        let y = Variable.rmsNorm(x + branch(attention(x)), epsilon: epsilon)
        return Variable.rmsNorm(y + branch(feedForward(y)), epsilon: epsilon)
    }

    /// α·F(x); at α = 1 (inference) the multiplication is skipped, so it costs nothing.
    private func branch(_ f: Variable) -> Variable { residualScale == 1 ? f : residualScale * f }
}
