import Testing

@testable import Kexue

@Suite struct GlobalPointerTests {
    let mask: [[Bool]] = [[true, true, true, true, true], [true, true, true, false, false]]

    @Test(arguments: [(true, true), (true, false), (false, true), (false, false)])
    func matchesTheFormulaLiterally(rope: Bool, triangle: Bool) {
        var rng = SeededRNG(seed: 1)
        let gp = GlobalPointer(hiddenSize: 7, types: 3, headSize: 4, rope: rope, triangleMask: triangle, rng: &rng)
        // Nonzero biases, so the test sees them.
        gp.dense.bias!.value = randomTensor([24], seed: 2)
        let h = randomTensor([2, 5, 7], seed: 3)
        let scores = gp(Variable(h), mask: mask).value
        #expect(scores.shape == [2, 3, 5, 5])
        let oracle = SpanHeadOracle.globalPointer(gp, h, mask: mask)
        let r = SpanHeadOracle.maxDifference(scores, oracle)
        #expect(r.infMismatch == 0)
        let ratio = SpanHeadOracle.maxRatio(scores, oracle, bound: SpanHeadOracle.globalPointerBound(gp, h))
        #expect(ratio <= 1, "max |Δ| \(r.difference), max |Δ|/bound \(ratio)")
    }

    @Test func withoutMaskNothingIsInfinite() {
        var rng = SeededRNG(seed: 4)
        let gp = GlobalPointer(hiddenSize: 6, types: 2, headSize: 4, triangleMask: false, rng: &rng)
        let scores = gp(Variable(randomTensor([1, 4, 6], seed: 5)), mask: nil).value
        #expect(scores.scalars.allSatisfy { $0.isFinite })
    }

    @Test func parameterCountMatchesTheReference() {
        var rng = SeededRNG(seed: 6)
        let gp = GlobalPointer(hiddenSize: 10, types: 3, headSize: 4, rng: &rng)
        #expect(gp.parameterCount == (10 + 1) * 2 * 4 * 3)
        #expect(GlobalPointer.parameterCount(hiddenSize: 10, types: 3, headSize: 4) == gp.parameterCount)
        // The post's remark: 2·768·64·100 kernel parameters, "close to ten million".
        #expect(GlobalPointer.parameterCount(hiddenSize: 768, types: 100, headSize: 64) == 9_843_200)
    }

    @Test func gradientsOfParametersAndInput() {
        var rng = SeededRNG(seed: 7)
        let gp = GlobalPointer(hiddenSize: 4, types: 2, headSize: 4, rng: &rng)
        gp.dense.bias!.value = randomTensor([16], seed: 8)
        let h = Variable(randomTensor([2, 3, 4], seed: 9), requiresGrad: true)
        // Masked cells are −∞ constants: the probe skips them (their weight is set to 0 by the helper).
        let r = checkParameterGradients(gp.parameters + [h]) {
            gp(h, mask: [[true, true, true], [true, true, false]])
        }
        #expect(r.ok, "\(r.message)")
    }
}
