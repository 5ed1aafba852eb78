import Testing

@testable import Kexue

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct SyntheticSequenceTaskTests {
    @Test func copyBackTargetsTheTokenOffsetPositionsEarlier() {
        let task = SyntheticSequenceTask(kind: .copyBack(offset: 3), vocabularySize: 7)
        var rng = SeededRNG(seed: 1)
        let b = task.batch(size: 2, length: 10, rng: &rng)
        for s in 0..<2 {
            for i in 0..<10 {
                let t = b.targets[s * 10 + i]
                #expect(i < 3 ? t == -1 : t == b.tokens[s * 10 + i - 3])
            }
        }
        #expect(b.scoredPositions.count == 14)
    }

    @Test func noiselessRepeatIsPeriodicAndMasksAreScored() {
        let task = SyntheticSequenceTask(
            kind: .maskedNoisyRepeat(period: 4, noise: 0, maskRate: 0.3), vocabularySize: 9)
        var rng = SeededRNG(seed: 2)
        let b = task.batch(size: 3, length: 20, rng: &rng)
        for s in 0..<3 {
            // The original sequence: the input where unmasked, the target where masked.
            let row = (0..<20).map { b.targets[s * 20 + $0] >= 0 ? b.targets[s * 20 + $0] : b.tokens[s * 20 + $0] }
            for i in 4..<20 { #expect(row[i] == row[i - 4]) }
            for i in 0..<20 { #expect((b.tokens[s * 20 + i] == task.maskToken) == (b.targets[s * 20 + i] >= 0)) }
        }
        #expect(!b.scoredPositions.isEmpty)
    }

    @Test func lossAndAccuracyOverScoredPositionsOnly() {
        let task = SyntheticSequenceTask(kind: .copyBack(offset: 1), vocabularySize: 3)
        let b = SequenceBatch(tokens: [0, 1, 2], targets: [-1, 0, 1], size: 1, length: 3)
        let logits = Tensor(shape: [1, 3, 3], scalars: [9, 9, 9, 2, 0, 0, 0, 0, 1])
        let loss = task.loss(logits: Variable(logits), batch: b).value.scalar
        let e = 2.718281828459045
        let row1: Double = -log(e * e / (e * e + 2)), row2: Double = -log(1 / (2 + e))
        // Two softmax cross-entropy rows with logits ≤ 2 (`Tolerance.logSumExp` plus u·|z_y| each), averaged.
        let bound =
            Tolerance.logSumExp(length: 3, logitMagnitude: 2) + 2 * Tolerance.float * 2
            + Tolerance.relative((row1 + row2) / 2, roundings: 3)
        #expect(abs(Double(loss) - (row1 + row2) / 2) <= bound)
        let r = task.correct(logits: logits, batch: b)
        #expect(r.correct == 1 && r.scored == 2)
    }
}

@Suite struct LocalMajorityTaskTests {
    @Test func targetIsTheMostFrequentTokenOfTheWindowBehind() {
        let task = SyntheticSequenceTask(kind: .localMajority(window: 5), vocabularySize: 3)
        var rng = SeededRNG(seed: 4)
        let b = task.batch(size: 2, length: 30, rng: &rng)
        for s in 0..<2 {
            for i in 0..<30 {
                let t = b.targets[s * 30 + i]
                guard i >= 5 else { #expect(t == -1); continue }
                let window = (i - 5..<i).map { b.tokens[s * 30 + $0] }
                let counts = (0..<3).map { c in window.filter { $0 == c }.count }
                #expect(counts[t] == counts.max()!)
                #expect(counts[..<t].allSatisfy { $0 < counts[t] }, "ties go to the smallest id")
            }
        }
    }
}
