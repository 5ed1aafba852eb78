/// A weight initialiser: a rule that fills a tensor of a given shape from a `SeededRNG`.
///
/// Fans follow the Keras convention: for shape `[fanIn, fanOut]` (our `Dense` weight layout, `y = x·W`) they are
/// the two dimensions; for rank > 2 the leading dimensions are a receptive field multiplying both
/// (`fanIn = shape[-2]·r`, `fanOut = shape[-1]·r`); for rank 1 both are `shape[0]`; for rank 0 both are 1.
///
/// Draws fill the tensor in row-major order, one draw per element, so a given seed and shape always give the
/// same tensor.
public indirect enum Initializer: Sendable {
    /// All zeros.
    case zeros
    /// All ones.
    case ones
    /// Every element equal to the value.
    case constant(Float)
    /// Uniform in [low, high).
    case uniform(low: Float, high: Float)
    /// Normal with the given mean and standard deviation.
    case normal(mean: Float, std: Float)
    /// Normal truncated at ±2 std (resampled), `std` being the untruncated parameter (TensorFlow and PyTorch
    /// convention; BERT uses `truncatedNormal(std: 0.02)`). Actual std ≈ 0.8796·std.
    case truncatedNormal(std: Float)
    /// Xavier/Glorot uniform: U(-a, a) with a = √(6 / (fanIn + fanOut)), so Var = 2 / (fanIn + fanOut).
    case glorotUniform
    /// Xavier/Glorot normal: N(0, 2 / (fanIn + fanOut)), untruncated (PyTorch `xavier_normal_`; Keras truncates).
    case glorotNormal
    /// LeCun normal as Keras defines it: a normal truncated at ±2 std whose parameter is divided by 0.8796 so
    /// that the actual variance is 1 / fanIn.
    case lecunNormal
    /// He (Kaiming) normal: N(0, 2 / fanIn), untruncated.
    case heNormal
    /// DeepNet's scaled init (Wang et al. 2022, torchscale `deepnorm`): Glorot normal multiplied by β, applied to the
    /// FFN, value and output projections; β = (8N)^(-1/4) for an N-layer encoder (`DeepNorm` constants in B6).
    case deepNet(beta: Float)
    /// Another initialiser whose values are multiplied by a factor (weight scaling by λ).
    case scaled(Initializer, by: Float)

    /// Kerasʼs correction for the std of a normal truncated at ±2: the std of N(0,1) restricted to [-2, 2].
    static let truncatedStdCorrection: Double = 0.87962566103423978

    /// (fanIn, fanOut) of a weight of the given shape, by the convention in the type's documentation.
    public static func fans(of shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        default:
            let receptive = shape.dropLast(2).reduce(1, *)
            return (shape[shape.count - 2] * receptive, shape[shape.count - 1] * receptive)
        }
    }

    /// The standard deviation (or the half-width `a` for uniform ones) the rule uses for this shape, for reports.
    public func scale(for shape: [Int]) -> Float {
        let (fi, fo) = Initializer.fans(of: shape)
        switch self {
        case .zeros, .ones, .constant: return 0
        case .uniform(let low, let high): return (high - low) / 2
        case .normal(_, let std): return std
        case .truncatedNormal(let std): return std
        case .glorotUniform: return Float((6.0 / Double(fi + fo)).squareRoot())
        case .glorotNormal: return Float((2.0 / Double(fi + fo)).squareRoot())
        case .lecunNormal: return Float((1.0 / Double(fi)).squareRoot())
        case .heNormal: return Float((2.0 / Double(fi)).squareRoot())
        case .deepNet(let beta): return beta * Initializer.glorotNormal.scale(for: shape)
        case .scaled(let inner, let factor): return factor * inner.scale(for: shape)
        }
    }

    /// Fills a new tensor of `shape` by this rule, drawing from `rng` in row-major order.
    public func make(_ shape: [Int], rng: inout SeededRNG) -> Tensor {
        let count = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        fill(&values, shape: shape, rng: &rng)
        return Tensor(shape: shape, scalars: values)
    }

    func fill(_ values: inout [Float], shape: [Int], rng: inout SeededRNG) {
        let n = values.count
        let (fi, fo) = Initializer.fans(of: shape)
        switch self {
        case .zeros: for i in 0..<n { values[i] = 0 }
        case .ones: for i in 0..<n { values[i] = 1 }
        case .constant(let c): for i in 0..<n { values[i] = c }
        case .uniform(let low, let high): for i in 0..<n { values[i] = rng.uniform(low, high) }
        case .normal(let mean, let std): for i in 0..<n { values[i] = rng.normal(mean: mean, std: std) }
        case .truncatedNormal(let std): for i in 0..<n { values[i] = rng.truncatedNormal(std: std) }
        case .glorotUniform:
            let a = Float((6.0 / Double(fi + fo)).squareRoot())
            for i in 0..<n { values[i] = rng.uniform(-a, a) }
        case .glorotNormal, .heNormal:
            let std = scale(for: shape)
            for i in 0..<n { values[i] = rng.normal(std: std) }
        case .lecunNormal:
            // Keras divides by the truncated normal's std so the variance after truncation is exactly 1/fanIn.
            let std = Float((1.0 / Double(fi)).squareRoot() / Initializer.truncatedStdCorrection)
            for i in 0..<n { values[i] = rng.truncatedNormal(std: std) }
        case .deepNet(let beta):
            Initializer.glorotNormal.fill(&values, shape: shape, rng: &rng)
            for i in 0..<n { values[i] *= beta }
        case .scaled(let inner, let factor):
            inner.fill(&values, shape: shape, rng: &rng)
            for i in 0..<n { values[i] *= factor }
        }
    }
}
