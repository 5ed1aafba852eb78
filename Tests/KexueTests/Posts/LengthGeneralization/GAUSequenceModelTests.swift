import Testing

@testable import Kexue

@Suite struct GAUSequenceModelTests {
    let task = SyntheticSequenceTask(kind: .localMajority(window: 3), vocabularySize: 3)

    func model(_ normalization: AttentionNormalization, seed: UInt64 = 1) -> GAUSequenceModel {
        var rng = SeededRNG(seed: seed)
        return GAUSequenceModel(
            task: task, dimension: 8, hiddenSize: 8, keySize: 4, layers: 2,
            normalization: normalization, rng: &rng)
    }

    @Test func normalisationsCoincideAtTheTrainingLengthOnly() {
        let pairs: [(AttentionNormalization, AttentionNormalization)] = [
            (.reluSquared(length: .actual), .reluSquared(length: .fixed(12))),
            (.softmax, .entropyInvariantSoftmax(trainingLength: 12, minimumLength: nil)),
        ]
        for (a, b) in pairs {
            let trained = model(a)
            let other = trained.withNormalization(b)
            #expect(other.normalization == b)
            for (length, same) in [(12, true), (7, false), (20, false)] {
                var rng = SeededRNG(seed: 2)
                let batch = task.batch(size: 2, length: length, rng: &rng)
                let x = trained.logits(tokens: batch.tokens, size: 2, length: length).value
                let y = other.logits(tokens: batch.tokens, size: 2, length: length).value
                let gap = maxAbsDifference(x, y)
                // At the training length the two normalisations compute the same numbers (n = 12 divides both
                // relu²s; log 12/log 12 is exactly 1), so the logits are identical; elsewhere they differ by
                // O(0.01–1), and 1e-4 only rules out a rounding-level difference.
                #expect(same ? gap == 0 : gap > 1e-4, "\(a) vs \(b) at n = \(length): gap \(gap)")
            }
        }
    }

    @Test func parameterGradientsMatchFiniteDifferences() {
        for normalization: AttentionNormalization in [.reluSquared(length: .actual), .softmax] {
            let m = model(normalization, seed: 3)
            var rng = SeededRNG(seed: 4)
            let batch = task.batch(size: 2, length: 5, rng: &rng)
            let r = checkParameterGradients(m.parameters) {
                m.logits(tokens: batch.tokens, size: 2, length: 5)
            }
            #expect(r.ok, "\(normalization): \(r.message)")
        }
    }

    @Test func trainingLowersTheLoss() {
        let m = model(.softmax, seed: 5)
        let adam = Adam(parameters: m.parameters, learningRate: 1e-2)
        var rng = SeededRNG(seed: 6)
        let losses = SequenceTraining.train(
            m, task: task, optimizer: adam, steps: 60, batchSize: 8, length: 12,
            rng: &rng)
        let first = losses.prefix(10).reduce(0, +) / 10, last = losses.suffix(10).reduce(0, +) / 10
        #expect(last < first - 0.1, "loss \(first) → \(last)")
    }
}
