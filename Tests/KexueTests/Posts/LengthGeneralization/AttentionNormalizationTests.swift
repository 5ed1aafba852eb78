import Testing
@testable import Kexue

/// The properties chapter 6 ("attention goes better with softmax") rests on, checked on the GAU's normalisations.
@Suite struct AttentionNormalizationTests {
    @Test func entropyInvariantSoftmaxEqualsSoftmaxAtTheTrainingLength() {
        // log n / log 512 = 1 at n = 512: the whole unit gives the same output, bit for bit up to rounding.
        for (training, n) in [(512, 512), (64, 64)] {
            var r1 = SeededRNG(seed: 7), r2 = SeededRNG(seed: 7)
            let plain = GatedAttentionUnit(dimension: 4, hiddenSize: 4, keySize: 4, normalization: .softmax, rng: &r1)
            let invariant = GatedAttentionUnit(dimension: 4, hiddenSize: 4, keySize: 4,
                                               normalization: .entropyInvariantSoftmax(trainingLength: training),
                                               rng: &r2)
            let x = Variable(randomTensor([1, n, 4], seed: 8))
            #expect(maxAbsDifference(plain(x).value, invariant(x).value) < 1e-6, "n = \(n)")
            // …and not at another length.
            let y = Variable(randomTensor([1, n / 2, 4], seed: 9))
            #expect(maxAbsDifference(plain(y).value, invariant(y).value) > 1e-5, "n = \(n / 2)")
        }
    }

    /// Each row divided by its sum (rows summing to 0 left at 0).
    func rowNormalized(_ a: Tensor) -> Tensor {
        let n = a.shape[a.rank - 1]
        return Tensor(shape: a.shape, scalars: stride(from: 0, to: a.count, by: n).flatMap { start -> [Float] in
            let row = Array(a.scalars[start..<(start + n)])
            let total = row.reduce(0, +)
            return row.map { total > 0 ? $0 / total : 0 }
        })
    }

    @Test func reluSquaredIsHomogeneousSoATemperatureCancels() {
        // relu(λa)² = λ²relu(a)² for λ > 0: the weights scale by λ², so once each row is normalised by its own sum
        // (the "learned normaliser" of the post) a temperature has no effect at all. Softmax's weights do change.
        let scores = Variable(randomTensor([2, 6, 6], seed: 10, std: 2))
        for lambda: Float in [0.25, 0.5, 2, 7] {
            let scaled = Variable(scores.value * lambda)
            for length in [NormalizerLength.actual, .fixed(512)] {
                let a = GatedAttentionUnit.normalize(scores, .reluSquared(length: length), mask: nil, batch: 2, length: 6).value
                let b = GatedAttentionUnit.normalize(scaled, .reluSquared(length: length), mask: nil, batch: 2, length: 6).value
                #expect(b.isClose(to: a * (lambda * lambda), atol: 1e-6, rtol: 1e-5), "λ = \(lambda)")
                #expect(rowNormalized(b).isClose(to: rowNormalized(a), atol: 1e-6, rtol: 1e-5), "λ = \(lambda)")
            }
            let s = GatedAttentionUnit.normalize(scores, .softmax, mask: nil, batch: 2, length: 6).value
            let t = GatedAttentionUnit.normalize(scaled, .softmax, mask: nil, batch: 2, length: 6).value
            #expect(maxAbsDifference(s, t) > 1e-2, "softmax is not temperature-invariant, λ = \(lambda)")
        }
    }
}
