import Testing

@testable import Kexue

@Suite struct SpanDecodingTests {
    /// A hand-built [m, n, n] score tensor: −1 everywhere except the listed cells.
    func scores(types m: Int, length n: Int, positive cells: [(Int, Int, Int, Float)]) -> Tensor {
        var t = Tensor.full([m, n, n], -1)
        t.withUnsafeMutableBufferPointer { p in for (a, i, j, v) in cells { p[(a * n + i) * n + j] = v } }
        return t
    }

    @Test func nestedAndOverlappingSpansAllDecode() {
        // Type 1 spans 2…4 with a nested type-0 span 2…3 and a type-0 span 3…3 overlapping it; plus a cell at 0.0
        // that is not above the threshold.
        let s = scores(types: 2, length: 6, positive: [(1, 2, 4, 3), (0, 2, 3, 0.5), (0, 3, 3, 1e-3), (0, 1, 1, 0)])
        #expect(
            SpanDecoding.decode(s) == [
                LabeledSpan(type: 0, start: 2, end: 3), LabeledSpan(type: 1, start: 2, end: 4),
                LabeledSpan(type: 0, start: 3, end: 3),
            ])
    }

    @Test func excludedPositionsAndMaskedCellsNeverDecode() {
        var s = scores(types: 1, length: 5, positive: [(0, 0, 2, 5), (0, 1, 4, 5), (0, 1, 2, 5)])
        s.withUnsafeMutableBufferPointer { $0[3 * 5 + 3] = -.infinity }
        #expect(SpanDecoding.decode(s, excluding: [0, 4]) == [LabeledSpan(type: 0, start: 1, end: 2)])
        #expect(SpanDecoding.decode(s).count == 3)
    }

    @Test func batchDecodingAndTheThreshold() {
        let a = scores(types: 1, length: 3, positive: [(0, 1, 1, 2)])
        let b = scores(types: 1, length: 3, positive: [(0, 0, 2, 0.5)])
        let batch = Tensor.concatenate([a.expandingShape(at: 0), b.expandingShape(at: 0)], alongAxis: 0)
        #expect(
            SpanDecoding.decodeBatch(batch) == [
                [LabeledSpan(type: 0, start: 1, end: 1)],
                [LabeledSpan(type: 0, start: 0, end: 2)],
            ])
        #expect(SpanDecoding.decodeBatch(batch, threshold: 1) == [[LabeledSpan(type: 0, start: 1, end: 1)], []])
    }
}

@Suite struct PRFTests {
    @Test func countsAndRatios() {
        let gold = [[LabeledSpan(type: 0, start: 1, end: 2), LabeledSpan(type: 1, start: 1, end: 3)], []]
        let predicted = [
            [LabeledSpan(type: 0, start: 1, end: 2), LabeledSpan(type: 0, start: 1, end: 3)],
            [LabeledSpan(type: 2, start: 4, end: 4)],
        ]
        let prf = PRF.evaluate(predicted: predicted, gold: gold)
        #expect(prf == PRF(correct: 1, predicted: 3, gold: 2))
        // One correctly rounded division each (1/3, 1/2 and 2·1/5), as the literals: equal bit for bit.
        #expect(prf.precision == 1.0 / 3 && prf.recall == 0.5 && prf.f1 == 0.4)
        #expect(prf.description == "P 0.3333 R 0.5000 F1 0.4000 (1 correct / 3 predicted / 2 gold)")
    }

    @Test func emptyCases() {
        #expect(PRF().f1 == 1)
        #expect(PRF(correct: 0, predicted: 2, gold: 0).f1 == 0)
        #expect(PRF(predicted: ["a", "a"], gold: ["a"]) == PRF(correct: 1, predicted: 1, gold: 1))
    }
}
