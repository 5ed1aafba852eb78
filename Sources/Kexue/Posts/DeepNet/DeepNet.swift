#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - DeepNet: DeepNorm residuals and their constants
//
// Wang et al. 2022, "DeepNet: Scaling Transformers to 1,000 Layers" (arXiv 2203.00555), as read by Su Jianlin in
// "What makes training a 1000-layer Transformer hard?" (kexue.fm/archives/8978, post B6) and "Why do we need
// residuals? A view from DeepNet" (kexue.fm/archives/8994, chapter 4). A post-LN residual becomes
//
//     x_{l+1} = LN(α·x_l + F(x_l)) = LN(x_l + F(x_l)/α)                  (chapter 4, eq:deepnorm)
//
// with α > 1 multiplying the *skip* x_l (not F), and the weights inside F initialised smaller by a factor β (or λ in
// Su's notation). The second form holds because LN is invariant to a positive rescaling of its input (exactly when
// ε = 0). The increment argument asks for λ/α = 1/√(2N) over the 2N sublayers of an N-layer encoder; the paper's
// looser bound gives β/α = 1/√(4N).

/// DeepNet's constants, as functions of the number of layers N of an encoder (2N sublayers: N attention, N FFN).
public enum DeepNet {
    /// The update rules of the post's table (B6): how a step Δθ relates to the gradient.
    public enum UpdateRule: String, CaseIterable, Sendable {
        /// Δθ = −η∇, so ΔL ≈ −η‖∇‖².
        case sgd
        /// Δθ ≈ −η·sign(∇) (Adam's update, per coordinate of unit size), so ΔL ≈ −η‖∇‖₁.
        case adam
        /// Δθ ≈ −η‖θ‖·sign(∇) (a layer-wise relative step), so ΔL ≈ −η‖θ‖‖∇‖₁.
        case lamb
    }

    /// The residual scale α (skip multiplier) and the weight scale λ of the branch initialisation.
    public struct Scaling: Sendable, Equatable {
        /// Multiplies the skip connection: `LN(α·x + F(x))`.
        public var alpha: Double
        /// Multiplies the initial weights inside F (Su's λ; the paper's β).
        public var lambda: Double
    }

    /// The post's α/λ table (B6) for an N-layer encoder (2N sublayers):
    ///
    /// | rule | α          | λ           |
    /// |------|------------|-------------|
    /// | SGD  | (2N)^(1/4) | (2N)^(−1/4) |
    /// | Adam | (2N)^(1/2) | (2N)^(−1/2) |
    /// | LAMB | 1          | (2N)^(−1/2) |
    ///
    /// Properties: for SGD and Adam λ = 1/α (the post's symmetric choice); for SGD λ/α = 1/√(2N), which makes the
    /// first-order loss change of one step independent of depth; for Adam λ/α = 1/(2N) because ΔL is linear, not
    /// quadratic, in the gradient. Precondition: N ≥ 1.
    public static func scaling(for rule: UpdateRule, layers n: Int) -> Scaling {
        require(n >= 1, "DeepNet.scaling: layers \(n) must be at least 1")
        let m = 2 * Double(n)
        switch rule {
        case .sgd: return Scaling(alpha: pow(m, 0.25), lambda: pow(m, -0.25))
        case .adam: return Scaling(alpha: pow(m, 0.5), lambda: pow(m, -0.5))
        case .lamb: return Scaling(alpha: 1, lambda: pow(m, -0.5))
        }
    }

    /// The paper's encoder α = (2N)^(1/4) (the SGD row of the table). Precondition: N ≥ 1.
    public static func encoderAlpha(layers n: Int) -> Double {
        require(n >= 1, "DeepNet.encoderAlpha: layers \(n) must be at least 1")
        return pow(2 * Double(n), 0.25)
    }

    /// The paper's encoder init scale β = (8N)^(−1/4): the FFN, value and output projections are initialised
    /// (Xavier normal) and multiplied by β; the query and key projections are not scaled. Property:
    /// β/α = (16N²)^(−1/4) = 1/√(4N). Precondition: N ≥ 1.
    public static func encoderBeta(layers n: Int) -> Double {
        require(n >= 1, "DeepNet.encoderBeta: layers \(n) must be at least 1")
        return pow(8 * Double(n), -0.25)
    }

    /// Multiplies the values of `parameters` in place by `factor` (weight scaling by λ or β after an ordinary
    /// initialisation, as torchscale does). Gradients are left alone.
    public static func scaleWeights(_ parameters: [Variable], by factor: Float) {
        for p in parameters { p.value = p.value * factor }
    }
}

// MARK: - The DeepNorm residual as an operation and as a layer

extension Variable {
    /// The DeepNorm residual `LN(α·x + F(x))` over the last axis, with `branch` the already computed F(x).
    ///
    /// - Parameters:
    ///   - x: the skip input, `[..., d]`.
    ///   - branch: F(x), the same shape as `x`.
    ///   - alpha: multiplies the skip `x` (not the branch); α = 1 is the ordinary post-LN residual.
    ///   - gain, bias, epsilon: as in `Variable.layerNorm`.
    /// - Returns: `[..., d]`. Equals `LN(x + F(x)/α)` up to the effect of ε (LN ignores a positive scale of its
    ///   input), so a larger α weighs the branch down. Differentiable in all inputs (composed of `*`, `+` and
    ///   `layerNorm`).
    public static func deepNorm(
        _ x: Variable, branch: Variable, alpha: Float, gain: Variable? = nil,
        bias: Variable? = nil, epsilon: Float = 1e-12
    ) -> Variable {
        require(x.shape == branch.shape, "deepNorm: skip \(x.shape) and branch \(branch.shape) shapes differ")
        require(alpha > 0, "deepNorm: alpha \(alpha) must be positive")
        // α multiplies the skip, exactly as the paper's equation; a common slip multiplies F(x) instead.
        return layerNorm(alpha * x + branch, gain: gain, bias: bias, epsilon: epsilon)
    }
}

/// A DeepNorm residual connection around a sublayer: `y = LN(α·x + F(x))`, post-LN with the skip scaled by α.
///
/// Input and output `[..., dimension]`; the parameters are the norm's gain and bias (`2·dimension`). The sublayer F
/// is passed at call time, so any layer (or closure) can be wrapped; initialise its weights with
/// `Initializer.deepNet(beta:)` or scale them with `DeepNet.scaleWeights`.
public final class DeepNormResidual: Layer {
    /// The skip multiplier α.
    public let alpha: Float
    /// The layer norm applied after the sum.
    public let norm: LayerNorm
    /// The norm's `[gain, bias]`.
    public var parameters: [Variable] { norm.parameters }

    /// - Parameters: `alpha` (e.g. `DeepNet.encoderAlpha(layers:)`); `epsilon` of the norm (default 1e-12).
    public init(dimension: Int, alpha: Float, epsilon: Float = 1e-12, name: String = "deepNorm") {
        require(alpha > 0, "DeepNormResidual: alpha \(alpha) must be positive")
        self.alpha = alpha
        norm = LayerNorm(dimension: dimension, epsilon: epsilon, name: name + ".norm")
    }

    /// `LN(α·x + F(x))` with `sublayer` as F.
    public func callAsFunction(_ x: Variable, _ sublayer: (Variable) -> Variable) -> Variable {
        Variable.deepNorm(
            x, branch: sublayer(x), alpha: alpha, gain: norm.gain, bias: norm.bias,
            epsilon: norm.epsilon)
    }
}
