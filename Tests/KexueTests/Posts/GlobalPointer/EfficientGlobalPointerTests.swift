import Testing

@testable import Kexue

@Suite struct EfficientGlobalPointerTests {
    let mask: [[Bool]] = [[true, true, true, true, true], [true, true, true, false, false]]

    @Test(arguments: [(true, true), (true, false), (false, true), (false, false)])
    func matchesTheFormulaLiterally(rope: Bool, triangle: Bool) {
        var rng = SeededRNG(seed: 1)
        let egp = EfficientGlobalPointer(
            hiddenSize: 7, types: 3, headSize: 4, rope: rope, triangleMask: triangle,
            rng: &rng)
        egp.projection.bias!.value = randomTensor([8], seed: 2)
        egp.typeBias.bias!.value = randomTensor([6], seed: 3)
        let h = randomTensor([2, 5, 7], seed: 4)
        let scores = egp(Variable(h), mask: mask).value
        #expect(scores.shape == [2, 3, 5, 5])
        let oracle = SpanHeadOracle.efficientGlobalPointer(egp, h, mask: mask)
        let r = SpanHeadOracle.maxDifference(scores, oracle)
        #expect(r.infMismatch == 0)
        let ratio = SpanHeadOracle.maxRatio(scores, oracle, bound: SpanHeadOracle.efficientGlobalPointerBound(egp, h))
        #expect(ratio <= 1, "max |Δ| \(r.difference), max |Δ|/bound \(ratio)")
    }

    @Test func oddUnitFollowsTheStartEvenUnitTheEnd() {
        // Changing the kernel column of unit 1 (odd: type 0's start term) must move type 0's scores by an amount
        // that depends on the row i only, and leave type 1 alone.
        var rng = SeededRNG(seed: 5)
        let egp = EfficientGlobalPointer(hiddenSize: 3, types: 2, headSize: 2, triangleMask: false, rng: &rng)
        let h = Variable(randomTensor([1, 4, 3], seed: 6))
        let before = egp(h).value
        var w = egp.typeBias.weight.value
        w.withUnsafeMutableBufferPointer { p in for r in 0..<4 { p[r * 4 + 1] += Float(r + 1) } }
        egp.typeBias.weight.value = w
        let after = egp(h).value
        let delta = after - before  // [1, 2, 4, 4]
        for i in 0..<4 {
            for j in 0..<4 {
                // Depends on the row only: each score sums three terms in Float (two roundings at its own size),
                // so each of the four scores involved carries 2u·|score|.
                let roundings = [
                    after[at: 0, 0, i, j], before[at: 0, 0, i, j], after[at: 0, 0, i, 0], before[at: 0, 0, i, 0],
                ]
                .reduce(0.0) { $0 + 2 * Tolerance.float * abs(Double($1)) }
                #expect(abs(Double(delta[at: 0, 0, i, j]) - Double(delta[at: 0, 0, i, 0])) <= roundings)
                #expect(delta[at: 0, 1, i, j] == 0)  // type 1 untouched
            }
        }
        #expect(abs(delta[at: 0, 0, 0, 0] - delta[at: 0, 0, 3, 0]) > 1e-3)  // and it does vary with the row
    }

    @Test func parameterCountMatchesTheReference() {
        var rng = SeededRNG(seed: 7)
        let egp = EfficientGlobalPointer(hiddenSize: 10, types: 3, headSize: 4, rng: &rng)
        #expect(egp.parameterCount == (10 + 1) * 2 * 4 + (2 * 4 + 1) * 2 * 3)
        #expect(EfficientGlobalPointer.parameterCount(hiddenSize: 10, types: 3, headSize: 4) == egp.parameterCount)
        // One more type costs 4d + 2 (the post's 4d plus the two biases).
        #expect(
            EfficientGlobalPointer.parameterCount(hiddenSize: 768, types: 10, headSize: 64)
                - EfficientGlobalPointer.parameterCount(hiddenSize: 768, types: 9, headSize: 64) == 4 * 64 + 2)
    }

    @Test func gradientsOfParametersAndInput() {
        var rng = SeededRNG(seed: 8)
        let egp = EfficientGlobalPointer(hiddenSize: 4, types: 2, headSize: 4, rng: &rng)
        egp.projection.bias!.value = randomTensor([8], seed: 9)
        egp.typeBias.bias!.value = randomTensor([4], seed: 10)
        let h = Variable(randomTensor([2, 3, 4], seed: 11), requiresGrad: true)
        let r = checkParameterGradients(egp.parameters + [h]) {
            egp(h, mask: [[true, true, true], [true, false, false]])
        }
        #expect(r.ok, "\(r.message)")
    }
}

@Suite struct EfficientGlobalPointerComponentTests {
    @Test func componentsAddUpToTheScores() {
        var rng = SeededRNG(seed: 12)
        let egp = EfficientGlobalPointer(hiddenSize: 5, types: 3, headSize: 4, triangleMask: false, rng: &rng)
        let h = Variable(randomTensor([2, 4, 5], seed: 13))
        let s = egp(h).value, c = egp.components(h)
        for b in 0..<2 {
            for a in 0..<3 {
                for i in 0..<4 {
                    for j in 0..<4 {
                        let sum = c.shared.value[at: b, i, j] + c.start.value[at: b, a, i] + c.end.value[at: b, a, j]
                        // Three terms added in Float on each side, possibly in another order: 2 roundings each, at most
                        // relative to |shared| + |start| + |end|.
                        let magnitude = Double(
                            abs(c.shared.value[at: b, i, j]) + abs(c.start.value[at: b, a, i])
                                + abs(c.end.value[at: b, a, j]))
                        #expect(
                            abs(Double(s[at: b, a, i, j]) - Double(sum)) <= Tolerance.relative(magnitude, roundings: 4))
                    }
                }
            }
        }
    }
}
