import Testing

@testable import Kexue

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct LossTests {
    @Test func meanSquaredError() {
        let p = randomTensor([3, 4], seed: 1), t = randomTensor([3, 4], seed: 2)
        let value = Loss.meanSquaredError(Variable(p), t).value.scalar
        let literal = zip(p.scalars, t.scalars).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +) / 12
        // Positive terms: the difference (rounded identically on both sides), the square (u), a 12-term sum (γ_12)
        // and the division (u), all relative to the value.
        #expect(abs(Double(value) - literal) <= Tolerance.relative(literal, roundings: 14))
        let r = checkGradients([p]) { Loss.meanSquaredError($0[0], t) }
        #expect(r.ok, "\(r.message)")
    }

    @Test func softmaxCrossEntropy() {
        let logits = randomTensor([2, 3, 5], seed: 3, std: 2)
        let labels = [0, 4, 2, 2, 1, 3]
        let value = Loss.softmaxCrossEntropy(logits: Variable(logits), labels: labels).value.scalar
        var literal = 0.0
        let rows = logits.reshaped([6, 5])
        for (r, y) in labels.enumerated() {
            let z = rows[r].scalars.map { Glibc.exp(Double($0)) }.reduce(0, +)
            literal += -Glibc.log(Glibc.exp(Double(rows[at: r, y])) / z)
        }
        // Each row is logsumexp − z_y (`Tolerance.logSumExp` plus u·|z_y|), then a mean of six (γ_7 relative).
        let magnitude = Double(logits.abs().max())
        let bound =
            Tolerance.logSumExp(length: 5, logitMagnitude: magnitude) + 2 * Tolerance.float * magnitude
            + Tolerance.relative(literal / 6, roundings: 7)
        #expect(abs(Double(value) - literal / 6) <= bound)
        let g = checkGradients([logits]) { Loss.softmaxCrossEntropy(logits: $0[0], labels: labels) }
        #expect(g.ok, "\(g.message)")
    }

    @Test func crossEntropyIsStableForHugeLogits() {
        let logits = Tensor([[1e4, -1e4, 0]])
        let v = Variable(logits, requiresGrad: true)
        let loss = Loss.softmaxCrossEntropy(logits: v, labels: [1])
        #expect(loss.value.scalar == 2e4)
        loss.backward()
        #expect(v.grad!.scalars == [1, -1, 0])
    }
}

@Suite struct MultilabelLossTests {
    /// The post's formula evaluated literally in Double.
    func literal(_ s: [Float], _ y: [Float]) -> Double {
        var neg = 1.0, pos = 1.0
        for (si, yi) in zip(s, y) {
            if yi > 0.5 { pos += Glibc.exp(-Double(si)) } else { neg += Glibc.exp(Double(si)) }
        }
        return Glibc.log(neg) + Glibc.log(pos)
    }

    @Test func matchesFormulaAndGradients() {
        let scores = randomTensor([2, 3, 7], seed: 1, std: 2)
        var rng = SeededRNG(seed: 2)
        let labels = Tensor.uniform([2, 3, 7], rng: &rng).map { $0 < 0.3 ? 1 : 0 }
        let value = Loss.multilabelCategoricalCrossEntropy(scores: Variable(scores), labels: labels).value.scalar
        let rows = scores.reshaped([6, 7]), ys = labels.reshaped([6, 7])
        let expected = (0..<6).map { literal(rows[$0].scalars, ys[$0].scalars) }.reduce(0, +) / 6
        // Each row is two logsumexps of at most 8 terms (the 0 of the "1 +" and ±s), then a mean of six rows.
        let magnitude = Double(scores.abs().max())
        let bound =
            2 * Tolerance.logSumExp(length: 8, logitMagnitude: magnitude) + Tolerance.relative(expected, roundings: 8)
        #expect(abs(Double(value) - expected) <= bound)
        let r = checkGradients([scores]) { Loss.multilabelCategoricalCrossEntropy(scores: $0[0], labels: labels) }
        #expect(r.ok, "\(r.message)")
    }

    @Test func maskedNegativesAndHugeScores() {
        let s = Variable(Tensor([[-.infinity, 1e4, -1e4, 0]]), requiresGrad: true)
        let y = Tensor([[0, 1, 0, 0]])
        let loss = Loss.multilabelCategoricalCrossEntropy(scores: s, labels: y)
        // e^{−1e4} and e^{−∞} are exactly 0, so the loss is log(1 + e⁰) + log(1 + 0) = log 2 up to the logsumexp's
        // rounding with logits of magnitude 0.
        #expect(
            abs(Double(loss.value.scalar) - Glibc.log(2.0)) <= 2 * Tolerance.logSumExp(length: 4, logitMagnitude: 0))
        loss.backward()
        #expect(s.grad!.scalars.allSatisfy { !$0.isNaN })
        #expect(s.grad!.scalars[0] == 0)
    }
}
