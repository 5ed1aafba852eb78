/// Synthetic token-sequence tasks whose answer sits a *fixed, short distance* away, so that a model trained on
/// them needs local attention, and the same model can be run at any sequence length.
///
/// Content tokens are `0..<vocabularySize`; `maskToken == vocabularySize` (the model's input vocabulary is
/// `inputVocabularySize = vocabularySize + 1`). Targets are content tokens, or -1 at positions not scored.
public struct SyntheticSequenceTask: Sendable {
    /// Which task, with the fixed distance at which its answer sits (offset, period or window).
    public enum Kind: Sendable, Equatable {
        /// Tokens are i.i.d. uniform; at every position i ≥ `offset` the target is the token at i − `offset`.
        /// A perfect model attends exactly `offset` positions back; nothing else in the sequence helps.
        case copyBack(offset: Int)
        /// Masked language modelling over a noisy repeat: token i equals token i − `period` with probability
        /// 1 − `noise` and is a fresh uniform token otherwise (the first `period` tokens are uniform). A fraction
        /// `maskRate` of the positions (at least one per sequence) is replaced by `maskToken` and scored against
        /// the original. The best evidence is at distance ±`period`; a copy k periods away agrees with
        /// probability only about (1 − noise)^k, so attention stays local at every length.
        case maskedNoisyRepeat(period: Int, noise: Double, maskRate: Double)
        /// Tokens are i.i.d. uniform; at every position i ≥ `window` the target is the most frequent token among the
        /// `window` tokens before it (ties go to the smallest id; with two tokens and an odd window there are none).
        /// A perfect model spreads its attention evenly over a band of `window` keys behind the query.
        case localMajority(window: Int)
    }

    /// The task and its parameters.
    public let kind: Kind
    /// The number of content tokens (classes of the output).
    public let vocabularySize: Int

    /// A task of `kind` over `vocabularySize` content tokens. Preconditions: `vocabularySize` ≥ 2; `offset`, `window`
    /// and `period` ≥ 1; `noise` in [0, 1]; `maskRate` in (0, 1].
    public init(kind: Kind, vocabularySize: Int) {
        require(vocabularySize >= 2, "SyntheticSequenceTask: vocabulary \(vocabularySize) < 2")
        switch kind {
        case .copyBack(let offset): require(offset >= 1, "SyntheticSequenceTask: offset \(offset) < 1")
        case .localMajority(let window): require(window >= 1, "SyntheticSequenceTask: window \(window) < 1")
        case .maskedNoisyRepeat(let period, let noise, let maskRate):
            require(
                period >= 1 && (0...1).contains(noise) && maskRate > 0 && maskRate <= 1,
                "SyntheticSequenceTask: bad period \(period), noise \(noise) or mask rate \(maskRate)")
        }
        self.kind = kind
        self.vocabularySize = vocabularySize
    }

    /// The id that marks a masked input position.
    public var maskToken: Int { vocabularySize }
    /// Ids an input can hold: content tokens and the mask.
    public var inputVocabularySize: Int { vocabularySize + 1 }

    /// `size` sequences of `length` tokens, drawn from `rng`.
    public func batch(size: Int, length: Int, rng: inout SeededRNG) -> SequenceBatch {
        require(size >= 1 && length >= 1, "SyntheticSequenceTask.batch: size \(size) and length \(length) must be ≥ 1")
        var tokens = [Int](), targets = [Int]()
        tokens.reserveCapacity(size * length); targets.reserveCapacity(size * length)
        for _ in 0..<size {
            switch kind {
            case .copyBack(let offset):
                let row = (0..<length).map { _ in rng.uniformInt(below: vocabularySize) }
                tokens += row
                targets += (0..<length).map { $0 >= offset ? row[$0 - offset] : -1 }
            case .localMajority(let window):
                let row = (0..<length).map { _ in rng.uniformInt(below: vocabularySize) }
                tokens += row
                for i in 0..<length {
                    guard i >= window else { targets.append(-1); continue }
                    var counts = [Int](repeating: 0, count: vocabularySize)
                    for j in (i - window)..<i { counts[row[j]] += 1 }
                    targets.append(
                        counts.indices.max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) }!)
                }
            case .maskedNoisyRepeat(let period, let noise, let maskRate):
                var row = [Int](repeating: 0, count: length)
                for i in 0..<length {
                    let fresh = rng.uniformInt(below: vocabularySize)
                    row[i] = i >= period && rng.uniformDouble() >= noise ? row[i - period] : fresh
                }
                var masked = (0..<length).map { _ in rng.uniformDouble() < maskRate }
                if !masked.contains(true) { masked[rng.uniformInt(below: length)] = true }
                tokens += (0..<length).map { masked[$0] ? maskToken : row[$0] }
                targets += (0..<length).map { masked[$0] ? row[$0] : -1 }
            }
        }
        return SequenceBatch(tokens: tokens, targets: targets, size: size, length: length)
    }

    /// Mean softmax cross-entropy over the scored positions.
    /// - Parameter logits: `[size, length, vocabularySize]` for `batch`.
    public func loss(logits: Variable, batch: SequenceBatch) -> Variable {
        let scored = checkedScored(logits.shape, batch)
        return Loss.softmaxCrossEntropy(
            logits: logits.reshaped([-1, vocabularySize]).gatherRows(scored),
            labels: scored.map { batch.targets[$0] })
    }

    /// (correct, scored): how many scored positions have their target as the arg-max of the logits.
    public func correct(logits: Tensor, batch: SequenceBatch) -> (correct: Int, scored: Int) {
        let scored = checkedScored(logits.shape, batch)
        let predictions = logits.reshaped([-1, vocabularySize]).argmaxLastAxis()
        return (scored.filter { predictions[$0] == batch.targets[$0] }.count, scored.count)
    }

    /// The scored positions of `batch`, after checking that logits of `shape` belong to it.
    private func checkedScored(_ shape: [Int], _ batch: SequenceBatch) -> [Int] {
        require(
            shape == [batch.size, batch.length, vocabularySize],
            "SyntheticSequenceTask: logits \(shape) must be [\(batch.size), \(batch.length), \(vocabularySize)]")
        return batch.scoredPositions
    }
}

/// A batch of token sequences with per-position targets.
public struct SequenceBatch: Sendable {
    /// Input ids, row-major `[size, length]`.
    public var tokens: [Int]
    /// Target ids, row-major `[size, length]`; -1 where nothing is scored.
    public var targets: [Int]
    /// The number of sequences.
    public var size: Int
    /// Tokens per sequence.
    public var length: Int
    /// Flat indices of the scored positions.
    public var scoredPositions: [Int] { targets.indices.filter { targets[$0] >= 0 } }
}
