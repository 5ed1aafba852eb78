/// A small GAU language model for the length experiments of chapter 6 ("attention goes better with softmax"):
///
///     x ← Norm(E[tokens]),   x ← Norm(x + GAU_l(x)) for l = 1…L,   logits = x W_out
///
/// with the gain-free RMS norm of GAU-α and RoFormerV2, GAUs with RoPE and without biases (GAU-α's
/// configuration), and the attention normalisation chosen by `AttentionNormalization`. Every weight is position-free
/// (RoPE sees only differences), so the model runs at any length.
///
/// `withNormalization(_:)` copies the trained weights into a model that normalises attention differently: relu²/n
/// with n = actual and with n fixed at the training length are the same model at the training length, and so are
/// softmax and the entropy-invariant softmax whose training length is the training length; they differ only at
/// other lengths, which is what chapter 6 measures.
///
/// Inside `Variable.withoutGradients` (which `SequenceTraining.accuracy` opens) every unit's A·V comes from the fused
/// Kernels `attention`, which never holds the `[n, n]` matrix; outside it (training, analysis code) the composed
/// graph is recorded, and a unit's `forward` always composes (it returns A). The two agree to Float rounding
/// (`GatedAttentionUnitFusedTests`); chapter 6's printed numbers are the same either way.
public final class GAUSequenceModel: SequenceModel {
    /// The token table E, `[inputVocabulary, d]`.
    public let embedding: Embedding
    /// The L GAUs in order, each inside `x ← Norm(x + GAU_l(x))`; all share one normalisation.
    public let units: [GatedAttentionUnit]
    /// The read-out W_out, `[d, classes]`, no bias.
    public let head: Dense
    /// ε of the norms.
    public let epsilon: Float

    public var parameters: [Variable] { embedding.parameters + units.flatMap(\.parameters) + head.parameters }
    /// The attention normalisation of every unit.
    public var normalization: AttentionNormalization { units[0].normalization }

    /// - Parameters:
    ///   - inputVocabulary / classes: the embedding's rows and the read-out's width.
    ///   - dimension, hiddenSize, keySize: d, e, s of each unit.
    ///   - rng: draws the embedding, the units in order, then the read-out.
    public init(
        inputVocabulary: Int, classes: Int, dimension: Int, hiddenSize: Int, keySize: Int, layers: Int,
        normalization: AttentionNormalization, epsilon: Float = 1e-12, rng: inout SeededRNG
    ) {
        require(layers >= 1, "GAUSequenceModel: layers \(layers) < 1")
        embedding = Embedding(
            vocabularySize: inputVocabulary, dimension: dimension,
            initializer: .normal(mean: 0, std: 1), rng: &rng)
        units = (0..<layers).map { l in
            GatedAttentionUnit(
                dimension: dimension, hiddenSize: hiddenSize, keySize: keySize,
                normalization: normalization, useRoPE: true, useBias: false,
                initializer: .lecunNormal, rng: &rng, name: "gau\(l)")
        }
        head = Dense(inputSize: dimension, outputSize: classes, useBias: false, initializer: .lecunNormal, rng: &rng)
        self.epsilon = epsilon
    }

    /// A model for `task`'s input and output vocabularies.
    public convenience init(
        task: SyntheticSequenceTask, dimension: Int, hiddenSize: Int, keySize: Int, layers: Int,
        normalization: AttentionNormalization, rng: inout SeededRNG
    ) {
        self.init(
            inputVocabulary: task.inputVocabularySize, classes: task.vocabularySize, dimension: dimension,
            hiddenSize: hiddenSize, keySize: keySize, layers: layers, normalization: normalization, rng: &rng)
    }

    /// The same architecture with copies of this model's current weights and another normalisation.
    public func withNormalization(_ normalization: AttentionNormalization) -> GAUSequenceModel {
        var rng = SeededRNG(seed: 0)  // the draws are overwritten below
        let copy = GAUSequenceModel(
            inputVocabulary: embedding.vocabularySize, classes: head.outputSize,
            dimension: embedding.dimension, hiddenSize: units[0].hiddenSize,
            keySize: units[0].keySize, layers: units.count, normalization: normalization,
            epsilon: epsilon, rng: &rng)
        for (target, source) in zip(copy.parameters, parameters) { target.value = source.value }
        return copy
    }

    /// The hidden states after each unit, `[size, length, d]` each (for looking at attention and activations).
    public func hiddenStates(tokens: [Int], size: Int, length: Int) -> [Variable] {
        var x = Variable.rmsNorm(embedding(tokens, shape: [size, length]), epsilon: epsilon)
        var states = [x]
        for unit in units {
            x = Variable.rmsNorm(x + unit(x), epsilon: epsilon)
            states.append(x)
        }
        return states
    }

    public func logits(tokens: [Int], size: Int, length: Int) -> Variable {
        head(hiddenStates(tokens: tokens, size: size, length: length).last!)
    }
}
