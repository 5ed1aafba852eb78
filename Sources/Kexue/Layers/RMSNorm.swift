/// RMS normalisation over the last axis with an optional gain γ; see `Variable.rmsNorm`. Without the gain this is
/// the parameter-free norm of RoFormerV2 (up to ε). Input and output `[..., dimension]`.
public final class RMSNorm: Layer {
    /// γ, `[dimension]`, initially ones; `nil` without `scale`.
    public let gain: Variable?
    /// The normalised (last) axis length.
    public let dimension: Int
    /// Added to the mean square.
    public let epsilon: Float
    /// `[gain]`, or empty without `scale`.
    public var parameters: [Variable] { gain.map { [$0] } ?? [] }

    /// - Parameters: `scale` (γ) default true; `epsilon` default 1e-12 (bert4keras).
    public init(dimension: Int, epsilon: Float = 1e-12, scale: Bool = true, name: String = "rmsNorm") {
        self.dimension = dimension
        self.epsilon = epsilon
        gain = scale ? Variable(.ones([dimension]), requiresGrad: true, name: name + ".gain") : nil
    }

    /// Normalises `x` of shape `[..., dimension]`.
    public func callAsFunction(_ x: Variable) -> Variable {
        require(
            x.rank >= 1 && x.shape[x.rank - 1] == dimension,
            "RMSNorm: input \(x.shape) and dimension \(dimension): last dimension must match")
        return Variable.rmsNorm(x, gain: gain, epsilon: epsilon)
    }
}
