import Testing

@testable import Kexue

/// The properties chapter 6 ("attention goes better with softmax") rests on, checked on the GAU's normalisations.
@Suite struct AttentionNormalizationTests {
    @Test func entropyInvariantSoftmaxEqualsSoftmaxAtTheTrainingLength() {
        // log n / log t is exactly 1 in Double when n = t, and scaling by 1 is exact: the same output bit for bit.
        for (training, n) in [(512, 512), (64, 64)] {
            var r1 = SeededRNG(seed: 7), r2 = SeededRNG(seed: 7)
            let plain = GatedAttentionUnit(dimension: 4, hiddenSize: 4, keySize: 4, normalization: .softmax, rng: &r1)
            let invariant = GatedAttentionUnit(
                dimension: 4, hiddenSize: 4, keySize: 4,
                normalization: .entropyInvariantSoftmax(trainingLength: training),
                rng: &r2)
            let x = Variable(randomTensor([1, n, 4], seed: 8))
            #expect(plain(x).value == invariant(x).value, "n = \(n)")
            // …and not at another length: a temperature of log(n/2)/log n ≈ 0.9 moves outputs by O(0.01–0.1), far
            // above any rounding; 1e-5 only rules out a rounding-level difference.
            let y = Variable(randomTensor([1, n / 2, 4], seed: 9))
            #expect(maxAbsDifference(plain(y).value, invariant(y).value) > 1e-5, "n = \(n / 2)")
        }
    }

    /// Each row divided by its sum (rows summing to 0 left at 0).
    func rowNormalized(_ a: Tensor) -> Tensor {
        let n = a.shape[a.rank - 1]
        return Tensor(
            shape: a.shape,
            scalars: stride(from: 0, to: a.count, by: n).flatMap { start -> [Float] in
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
                let a = GatedAttentionUnit.normalize(
                    scores, .reluSquared(length: length), mask: nil, batch: 2, length: 6
                ).value
                let b = GatedAttentionUnit.normalize(
                    scaled, .reluSquared(length: length), mask: nil, batch: 2, length: 6
                ).value
                // Float: λa, the square and 1/n round once each on one side, λ² and the product on the other
                // (powers of two are exact): γ_5 relative. Normalising a row by its sum adds the 6-term sum and the
                // division on each side, and each side's γ_5 passes through: γ_(2·5+2·7) relative.
                let expected = a * (lambda * lambda)
                let r = boundRatio(b, expected) {
                    Tolerance.relative(Double(expected.scalars[$0]), roundings: 5) + .leastNonzeroMagnitude
                }
                #expect(r.ratio <= 1, "λ = \(lambda): \(r)")
                let na = rowNormalized(a)
                let rn = boundRatio(rowNormalized(b), na) {
                    Tolerance.relative(Double(na.scalars[$0]), roundings: 24) + .leastNonzeroMagnitude
                }
                #expect(rn.ratio <= 1, "λ = \(lambda): \(rn)")
            }
            let s = GatedAttentionUnit.normalize(scores, .softmax, mask: nil, batch: 2, length: 6).value
            let t = GatedAttentionUnit.normalize(scaled, .softmax, mask: nil, batch: 2, length: 6).value
            // Not a rounding bound: for scores of sd 2 a temperature λ ≠ 1 moves softmax weights by O(0.1), while
            // rounding moves them by `Tolerance.softmax` ≈ 1e-6; 1e-2 separates the two.
            #expect(maxAbsDifference(s, t) > 1e-2, "softmax is not temperature-invariant, λ = \(lambda)")
        }
    }
}
