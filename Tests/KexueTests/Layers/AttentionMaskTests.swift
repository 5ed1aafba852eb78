import Testing

@testable import Kexue

@Suite struct AttentionMaskTests {
    let mask = Tensor(shape: [2, 3], scalars: [1, 1, 0, 0, 0, 0])

    @Test func lengthsCountUnpaddedTokens() {
        #expect(AttentionMask.lengths(mask, batch: 2, length: 3) == [2, 0])
        #expect(AttentionMask.lengths(nil, batch: 2, length: 3) == [3, 3])
    }

    @Test func keyShapesBroadcastOverQueriesAndHeads() {
        #expect(AttentionMask.keyMultiplier(mask, scoreRank: 3).shape == [2, 1, 3])
        #expect(AttentionMask.keyBias(mask, scoreRank: 4).shape == [2, 1, 1, 3])
        let expected: [Float] = [0, 0, -.infinity, -.infinity, -.infinity, -.infinity]
        #expect(AttentionMask.keyBias(mask, scoreRank: 3).scalars == expected)
    }

    @Test func fullyPaddedSequenceGivesZeroWeightsNotNaN() {
        // Softmax over all −∞ is 0 (Kernels convention); relu² divides by max(l, 1).
        let scores = Variable(randomTensor([2, 3, 3], seed: 3))
        for normalization in [
            AttentionNormalization.softmax, .reluSquared(length: .actual),
            .entropyInvariantSoftmax(trainingLength: 512, minimumLength: nil),
        ] {
            let a = GatedAttentionUnit.normalize(scores, normalization, mask: mask, batch: 2, length: 3).value
            #expect(a.scalars.allSatisfy { $0.isFinite }, "\(normalization)")
            #expect(a[1..<2].scalars.allSatisfy { $0 == 0 }, "\(normalization)")
        }
    }
}
