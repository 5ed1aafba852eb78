#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - The gated attention unit (GAU)
//
// Hua et al. 2022, "Transformer Quality in Linear Time" (FLASH), as read by Su Jianlin (kexue.fm/archives/8934,
// post B5) and analysed in "Does GAU still need warmup?" (kexue.fm/archives/8990, chapter 3). For X ∈ ℝ^{n×d}:
//
//     U = φ(X W_u),  V = φ(X W_v),  Z = φ(X W_z),  φ = Swish                  (chapter 3, eq:gau)
//     Q = γ_q ⊙ Z + β_q,  K = γ_k ⊙ Z + β_k          (per-dimension scale-offset; optional RoPE after it)
//     A = relu²(Q Kᵀ/√s) / n                        (or a softmax of Q Kᵀ/√s, see `AttentionNormalization`)
//     O = (U ⊙ A V) W_o
//
// with W_u, W_v ∈ ℝ^{d×e}, W_z ∈ ℝ^{d×s}, W_o ∈ ℝ^{e×d}. As in bert4keras (`GatedAttentionUnit`, March 2022) the
// three input projections are one `Dense(2e + s)` followed by Swish and split into u (e), v (e) and z (s).

/// Which length n divides relu² attention: A = relu(QKᵀ/√s)²/n.
public enum NormalizerLength: Sendable, Equatable {
    /// n = the number of unpadded tokens of each sequence (at least 1): bert4keras's `l`.
    case actual
    /// n fixed (e.g. the pre-training length 512, the fix of kexue.fm/archives/9019).
    case fixed(Int)
}

/// How the attention scores a = QKᵀ/√s become weights.
public enum AttentionNormalization: Sendable, Equatable {
    /// A = relu(a)²/n (= relu²(QKᵀ)/(n·s)), n by `length`; padded keys score 0, so they get weight 0. Rows do not sum
    /// to 1. Positively homogeneous: a temperature on a is not absorbed by the normalisation, only scaled.
    case reluSquared(length: NormalizerLength)
    /// A = softmax(a) over the unpadded keys (padded keys −∞). Rows sum to 1.
    case softmax
    /// A = softmax(a · log l / log trainingLength) (bert4keras `softmax_plus`, kexue.fm/archives/8823 and 9019):
    /// l the number of unpadded tokens, raised to `minimumLength` when given (the current reference: "a very short
    /// sequence should not be scaled down") or unclamped when nil (the 2022 code). Equals `.softmax` when
    /// l = trainingLength. l is always taken ≥ 1, so an empty sequence never produces log 0.
    case entropyInvariantSoftmax(trainingLength: Int = 512, minimumLength: Int? = 16)
}

/// A gated attention unit: `[batch, n, d]` → `[batch, n, d]` (no residual, no norm: wrap it as the chapter does).
///
/// Parameters, in order: the input projection (`[d, 2e+s]` and its bias), γ_q, β_q, γ_k, β_k (`[s]` each), the
/// output projection (`[e, d]` and its bias). Count: `d(2e+s) + ed + 4s`, plus `2e + s + d` with biases.
///
/// Properties: with A = I it is the GLU feed-forward `(U ⊙ V) W_o`; with U = 1 plain single-head attention. The
/// scale-offsets start at γ = 1, β = 0, so at initialisation Q = K = Z (the post's assumption). Not symmetric in
/// Q and K once γ_q ≠ γ_k. Padded keys get weight exactly 0 in every normalisation; padded queries still produce a
/// row. Differentiable through the `Variable` graph (checked by finite differences).
public final class GatedAttentionUnit: Layer {
    /// d, the model width (input and output).
    public let dimension: Int
    /// e, the width of U and V (the post's base setting uses e = 2d).
    public let hiddenSize: Int
    /// s, the width of Z, Q and K (128 in the post).
    public let keySize: Int
    /// How scores become weights.
    public let normalization: AttentionNormalization
    /// Whether Q and K are rotated by RoPE (interleaved pairs, bert4keras layout) after the scale-offset.
    public let useRoPE: Bool
    /// X ↦ X·[W_u | W_v | W_z] (+ bias), followed by Swish.
    public let inputDense: Dense
    /// γ_q, β_q, γ_k, β_k: `[s]` each, initially ones, zeros, ones, zeros.
    public let queryScale: Variable, queryOffset: Variable, keyScale: Variable, keyOffset: Variable
    /// (U ⊙ AV) ↦ (U ⊙ AV)·W_o (+ bias).
    public let outputDense: Dense

    public var parameters: [Variable] {
        inputDense.parameters + [queryScale, queryOffset, keyScale, keyOffset] + outputDense.parameters
    }

    /// - Parameters:
    ///   - dimension: d. `hiddenSize`: e. `keySize`: s (even when `useRoPE`; default 128 as the post).
    ///   - normalization: default relu²/n with n the actual length (bert4keras's `squared_relu`).
    ///   - useRoPE: rotate Q and K (bert4keras `p_bias='rotary'`; GAU-α uses it). Default true.
    ///   - useBias: biases in both projections (bert4keras default true; GAU-α uses false).
    ///   - initializer: for both projection weights; default Glorot uniform (bert4keras). The post's analysis
    ///     assumes `.lecunNormal`; `.scaled(_, by: λ)` scales the weights by λ.
    ///   - rng: the input weight is drawn first, then the output weight (biases start at zero).
    public init(
        dimension: Int, hiddenSize: Int, keySize: Int = 128,
        normalization: AttentionNormalization = .reluSquared(length: .actual), useRoPE: Bool = true,
        useBias: Bool = true, initializer: Initializer = .glorotUniform, rng: inout SeededRNG,
        name: String = "gau"
    ) {
        require(
            dimension > 0 && hiddenSize > 0 && keySize > 0,
            "GatedAttentionUnit: sizes d \(dimension), e \(hiddenSize), s \(keySize) must be positive")
        require(!useRoPE || keySize % 2 == 0, "GatedAttentionUnit: RoPE needs an even key size, got \(keySize)")
        switch normalization {
        case .reluSquared(.fixed(let n)):
            require(n > 0, "GatedAttentionUnit: fixed normaliser length \(n) must be positive")
        case .entropyInvariantSoftmax(let t, let m):
            require(t > 1, "GatedAttentionUnit: training length \(t) must exceed 1 (log t divides)")
            require(m.map { $0 >= 1 } ?? true, "GatedAttentionUnit: minimum length \(m!) must be at least 1")
        default: break
        }
        self.dimension = dimension; self.hiddenSize = hiddenSize; self.keySize = keySize
        self.normalization = normalization; self.useRoPE = useRoPE
        inputDense = Dense(
            inputSize: dimension, outputSize: 2 * hiddenSize + keySize, useBias: useBias,
            initializer: initializer, rng: &rng, name: name + ".input")
        queryScale = Variable(.ones([keySize]), requiresGrad: true, name: name + ".queryScale")
        queryOffset = Variable(.zeros([keySize]), requiresGrad: true, name: name + ".queryOffset")
        keyScale = Variable(.ones([keySize]), requiresGrad: true, name: name + ".keyScale")
        keyOffset = Variable(.zeros([keySize]), requiresGrad: true, name: name + ".keyOffset")
        outputDense = Dense(
            inputSize: hiddenSize, outputSize: dimension, useBias: useBias,
            initializer: initializer, rng: &rng, name: name + ".output")
    }

    /// The values of one forward pass, for analysis (chapter 3 looks at A's diagonal and at V's mean).
    public struct Intermediates {
        /// U = φ(XW_u), `[b, n, e]`.
        public var u: Variable
        /// V = φ(XW_v), `[b, n, e]`.
        public var v: Variable
        /// Z = φ(XW_z), `[b, n, s]`.
        public var z: Variable
        /// Q and K after the scale-offset (and RoPE), `[b, n, s]`.
        public var q: Variable, k: Variable
        /// A, `[b, n, n]` (row i: the weights query i gives every key).
        public var attention: Variable
        /// O = (U ⊙ AV)W_o, `[b, n, d]`.
        public var output: Variable
    }

    /// O for `x` of shape `[batch, n, d]` and an optional `[batch, n]` 0/1 padding mask.
    ///
    /// Inside `Variable.withoutGradients` (and whenever Q, K and V need no gradient) A·V comes from the fused Kernels
    /// `attention`, which never materialises the `[n, n]` matrix A; otherwise, and for masks that are not suffix
    /// padding, from the composed graph of `forward`. The two agree to rounding (`GatedAttentionUnitFusedTests`).
    public func callAsFunction(_ x: Variable, mask: Tensor? = nil) -> Variable {
        let p = projections(x, mask: mask)
        if let av = GatedAttentionUnit.fusedAttentionValues(
            q: p.q, k: p.k, v: p.v, normalization: normalization,
            mask: mask)
        {
            return outputDense(p.u * Variable(av))
        }
        return attend(p, mask: mask).output
    }

    /// The forward pass, keeping every intermediate (see `Intermediates`). Always the composed graph: A is one of
    /// the intermediates.
    public func forward(_ x: Variable, mask: Tensor? = nil) -> Intermediates {
        attend(projections(x, mask: mask), mask: mask)
    }

    /// U, V, Z, Q and K for `x` (shape and mask checked); internal for the fused-path tests.
    func projections(_ x: Variable, mask: Tensor?) -> (
        u: Variable, v: Variable, z: Variable, q: Variable,
        k: Variable
    ) {
        require(
            x.rank == 3 && x.shape[2] == dimension,
            "GatedAttentionUnit: input \(x.shape) must be [batch, length, \(dimension)]")
        let (b, n) = (x.shape[0], x.shape[1])
        if let mask { AttentionMask.validate(mask, batch: b, length: n, "GatedAttentionUnit") }
        let parts = inputDense(x).swish().split(sizes: [hiddenSize, hiddenSize, keySize])
        let (u, v, z) = (parts[0], parts[1], parts[2])
        var q = z * queryScale + queryOffset
        var k = z * keyScale + keyOffset
        if useRoPE {
            let table = RoPETable(positions: n, dim: keySize)
            q = q.rope(table: table)
            k = k.rope(table: table)
        }
        return (u, v, z, q, k)
    }

    /// A and O by the composed, differentiable graph.
    private func attend(
        _ p: (u: Variable, v: Variable, z: Variable, q: Variable, k: Variable),
        mask: Tensor?
    ) -> Intermediates {
        let (b, n) = (p.q.shape[0], p.q.shape[1])
        // a = QKᵀ/√s: the 1/√s of the later bert4keras code; relu(a)²/n then equals the post's relu²(QKᵀ)/(ns).
        let scores = Variable.matmul(p.q, p.k, transposeB: true) * GatedAttentionUnit.scoreScale(keySize: keySize)
        let a = GatedAttentionUnit.normalize(scores, normalization, mask: mask, batch: b, length: n)
        let o = outputDense(p.u * Variable.matmul(a, p.v))
        return Intermediates(u: p.u, v: p.v, z: p.z, q: p.q, k: p.k, attention: a, output: o)
    }

    /// 1/√s, the scale of the scores a = QKᵀ/√s.
    static func scoreScale(keySize: Int) -> Float { Float(1 / Double(keySize).squareRoot()) }

    /// n of relu²/n for a sequence of `length` unpadded tokens (at least 1: an all-padding row stays 0, not NaN).
    static func reluDivisor(_ normalizerLength: NormalizerLength, length l: Int) -> Float {
        switch normalizerLength {
        case .actual: return Float(max(l, 1))
        case .fixed(let fixed): return Float(fixed)
        }
    }

    /// log l / log t of the entropy-invariant softmax for `length` l unpadded tokens (l ≥ 1, so log l ≥ 0).
    static func entropyInvariantTemperature(training: Int, minimum: Int?, length l: Int) -> Float {
        let effective = max(minimum.map { max(l, $0) } ?? l, 1)
        return Float(log(Double(effective)) / log(Double(training)))
    }

    /// Scores `[b, n, n]` (already divided by √s) → attention weights, masking padded keys.
    static func normalize(
        _ scores: Variable, _ normalization: AttentionNormalization, mask: Tensor?,
        batch b: Int, length n: Int
    ) -> Variable {
        let lengths = AttentionMask.lengths(mask, batch: b, length: n)
        switch normalization {
        case .reluSquared(let length):
            // Padded keys are multiplied to 0 before relu², so their weight is exactly 0 (bert4keras sets them to 0).
            let masked = mask.map { scores * AttentionMask.keyMultiplier($0, scoreRank: 3) } ?? scores
            let divisors = lengths.map { reluDivisor(length, length: $0) }
            return masked.relu().squared() * Tensor(shape: [b, 1, 1], scalars: divisors.map { 1 / $0 })
        case .softmax:
            let masked = mask.map { scores + AttentionMask.keyBias($0, scoreRank: 3) } ?? scores
            return masked.softmax()
        case .entropyInvariantSoftmax(let training, let minimum):
            // The temperature log l / log t (l ≥ 1, so log l ≥ 0) is applied before the −∞ bias, never to it.
            let temperatures = lengths.map {
                entropyInvariantTemperature(training: training, minimum: minimum, length: $0)
            }
            let scaled = scores * Tensor(shape: [b, 1, 1], scalars: temperatures)
            let masked = mask.map { scaled + AttentionMask.keyBias($0, scoreRank: 3) } ?? scaled
            return masked.softmax()
        }
    }
}
