/// Layer normalisation over the last axis with optional gain γ (`scale`) and bias β (`center`); see
/// `Variable.layerNorm`. Input and output `[..., dimension]`. Parameter count `dimension·(scale + center)`.
/// γ starts at ones and β at zeros, so the layer starts as the plain normalisation.
public final class LayerNorm: Layer {
    /// γ, `[dimension]`, initially ones; `nil` without `scale`.
    public let gain: Variable?
    /// β, `[dimension]`, initially zeros; `nil` without `center`.
    public let bias: Variable?
    /// The normalised (last) axis length.
    public let dimension: Int
    /// Added to the variance.
    public let epsilon: Float
    /// `[gain, bias]` without the absent ones.
    public var parameters: [Variable] { [gain, bias].compactMap { $0 } }

    /// - Parameters: `scale` (γ) and `center` (β) default true; `epsilon` default 1e-12 (bert4keras; PyTorch uses 1e-5).
    public init(
        dimension: Int, epsilon: Float = 1e-12, scale: Bool = true, center: Bool = true,
        name: String = "layerNorm"
    ) {
        self.dimension = dimension
        self.epsilon = epsilon
        gain = scale ? Variable(.ones([dimension]), requiresGrad: true, name: name + ".gain") : nil
        bias = center ? Variable(.zeros([dimension]), requiresGrad: true, name: name + ".bias") : nil
    }

    /// Normalises `x` of shape `[..., dimension]`.
    public func callAsFunction(_ x: Variable) -> Variable {
        require(
            x.rank >= 1 && x.shape[x.rank - 1] == dimension,
            "LayerNorm: input \(x.shape) and dimension \(dimension): last dimension must match")
        return Variable.layerNorm(x, gain: gain, bias: bias, epsilon: epsilon)
    }
}
