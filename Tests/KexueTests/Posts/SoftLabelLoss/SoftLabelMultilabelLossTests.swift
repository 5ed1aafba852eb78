import Testing

@testable import Kexue

#if canImport(Glibc)
    import Glibc
#endif

/// Chapter 7 (kexue.fm/archives/9064): the soft-label multilabel categorical cross-entropy and sigmoid BCE.
@Suite struct SoftLabelMultilabelLossTests {
    /// The post's formula as written, log(1 + Σ t e^{−s}) + log(1 + Σ (1 − t) e^{s}), naive (safe for |s| ≲ 30).
    func literal(_ s: [Double], _ t: [Double]) -> Double {
        var pos = 1.0, neg = 1.0
        for (si, ti) in zip(s, t) { pos += ti * exp(-si); neg += (1 - ti) * exp(si) }
        return log(pos) + log(neg)
    }

    func random(_ n: Int, _ rng: inout SeededRNG, spread: Double = 2) -> [Double] {
        (0..<n).map { _ in spread * rng.normalDouble() }
    }

    @Test func matchesTheFormulaLiterally() {
        var rng = SeededRNG(seed: 9064)
        for classes in [1, 2, 7, 33] {
            let s = random(3 * classes, &rng)
            let t = (0..<3 * classes).map { _ in rng.uniformDouble() }
            let loss = softLabelMultilabelCrossEntropy(scores: s, targets: t, classes: classes)
            for r in 0..<3 {
                let range = r * classes..<(r + 1) * classes
                let expected = literal(Array(s[range]), Array(t[range]))
                // Two Double evaluations (stable and naive) of two logsumexps of ≤ classes + 1 terms each.
                let magnitude = s[range].map(abs).max()!
                let bound =
                    4 * Tolerance.logSumExp(length: classes + 1, logitMagnitude: magnitude, unit: Tolerance.double)
                #expect(abs(loss[r] - expected) <= bound, "row \(r): \(loss[r]) vs \(expected)")
            }
        }
    }

    /// With t ∈ {0, 1} the soft loss is the hard one. The hard function runs in Float (its kernel) on inputs already
    /// rounded to Float, so the bound is its Float rounding: two logsumexps of ≤ 12 terms per row, then the mean.
    @Test func reducesToTheHardLoss() {
        var rng = SeededRNG(seed: 7359)
        let rows = 6, classes = 11
        let s = random(rows * classes, &rng).map { Double(Float($0)) }
        let y = (0..<rows * classes).map { _ in rng.uniformDouble() < 0.3 ? 1.0 : 0.0 }
        let soft = softLabelMultilabelCrossEntropy(scores: s, targets: y, classes: classes)
        let hard = Loss.multilabelCategoricalCrossEntropy(
            scores: Variable(Tensor(shape: [rows, classes], scalars: s.map(Float.init))),
            labels: Tensor(shape: [rows, classes], scalars: y.map(Float.init))
        ).value.scalar
        let mean = soft.reduce(0, +) / Double(rows)
        let bound =
            2 * Tolerance.logSumExp(length: classes + 1, logitMagnitude: s.map(abs).max()!)
            + Tolerance.relative(mean, roundings: rows + 1)
        #expect(abs(mean - Double(hard)) <= bound, "soft \(mean) vs hard \(hard)")
        // Targets within ε of 0 or 1 are snapped: the same value as the exact hard labels.
        let nearHard = y.map { $0 == 1 ? 1 - 1e-9 : 1e-9 }
        #expect(softLabelMultilabelCrossEntropy(scores: s, targets: nearHard, classes: classes) == soft)
    }

    /// Central differences in Double (`Tolerance.centralDifference`): along one score both losses are sums of
    /// terms log(1 + w·e^{±s}) (or BCE's log σ), whose third derivative is p(1 − p)(1 − 2p), at most 1/(6√3) in size,
    /// once per side; the summed loss is evaluated to its logsumexps' Double error (the masked −1e12 score adds
    /// exactly 0, so the magnitude is that of the finite scores).
    @Test func gradientMatchesCentralDifferences() {
        var rng = SeededRNG(seed: 1)
        let classes = 9
        var s = random(2 * classes, &rng)
        var t = (0..<2 * classes).map { _ in rng.uniformDouble() }
        t[0] = 0; t[1] = 1; t[classes] = 0.5  // hard entries mixed in
        s[3] = -1e12  // a masked score: gradient 0
        let g = softLabelMultilabelCrossEntropyGradient(scores: s, targets: t, classes: classes)
        let h = 1e-5
        let finite = s.indices.filter { $0 != 3 }.map { abs(s[$0]) }.max()!
        let evaluation =
            2 * 2 * Tolerance.logSumExp(length: classes + 1, logitMagnitude: finite + h, unit: Tolerance.double)
        let bound = Tolerance.centralDifference(
            h: h, thirdDerivative: 2 / (6 * 3.0.squareRoot()), evaluationError: evaluation)
        for j in s.indices where j != 3 {
            var plus = s, minus = s
            plus[j] += h; minus[j] -= h
            let lp = softLabelMultilabelCrossEntropy(scores: plus, targets: t, classes: classes).reduce(0, +)
            let lm = softLabelMultilabelCrossEntropy(scores: minus, targets: t, classes: classes).reduce(0, +)
            let numeric = (lp - lm) / (2 * h)
            #expect(abs(g[j] - numeric) <= bound, "index \(j): analytic \(g[j]) numeric \(numeric), bound \(bound)")
        }
        #expect(g[3] == 0)
        // BCE gradient, same check.
        let gb = sigmoidBinaryCrossEntropyGradient(scores: s, targets: t, classes: classes)
        for j in s.indices where j != 3 {
            var plus = s, minus = s
            plus[j] += h; minus[j] -= h
            let numeric =
                (sigmoidBinaryCrossEntropy(scores: plus, targets: t, classes: classes).reduce(0, +)
                    - sigmoidBinaryCrossEntropy(scores: minus, targets: t, classes: classes).reduce(0, +)) / (2 * h)
            #expect(
                abs(gb[j] - numeric) <= bound, "BCE index \(j): analytic \(gb[j]) numeric \(numeric), bound \(bound)")
        }
    }

    @Test func gradientVanishesAtSigmaTwoSEqualsT() {
        let t = [0.05, 0.2, 0.5, 0.7, 0.99]
        let sStar = t.map { 0.5 * log($0 / (1 - $0)) }  // σ(2s) = t
        let g = softLabelMultilabelCrossEntropyGradient(scores: sStar, targets: t, classes: t.count)
        // The gradient is a difference of two softmax weights over ≤ 6 logits of size ≤ |s*|, each within
        // `Tolerance.softmax` in Double; s* itself is rounded (u|s*|, times the weights' slope ≤ 1).
        let magnitude = sStar.map(abs).max()!
        let weight = Tolerance.softmax(length: t.count + 1, logitMagnitude: magnitude, unit: Tolerance.double)
        #expect(g.allSatisfy { abs($0) <= 2 * weight + Tolerance.double * magnitude }, "\(g)")
        let l = softLabelMultilabelCrossEntropy(scores: sStar, targets: t, classes: t.count)[0]
        // Two Double evaluations of two logsumexps each.
        let lse = Tolerance.logSumExp(length: t.count + 1, logitMagnitude: magnitude, unit: Tolerance.double)
        #expect(abs(l - softLabelMultilabelMinimum(targets: t)) <= 4 * lse)
        // At σ(s) = t (the BCE optimum) the gradient does not vanish.
        let sBCE = t.map { log($0 / (1 - $0)) }
        let gBCE = softLabelMultilabelCrossEntropyGradient(scores: sBCE, targets: t, classes: t.count)
        // Not a rounding bound: there the gradient is O(0.1) for these t (far above rounding, ~1e-15).
        #expect(gBCE.map(abs).max()! > 1e-2)
        // BCE's gradient σ(s) − t at s = logit(t): the log, the division, exp and σ's two roundings, relative to 1.
        #expect(
            sigmoidBinaryCrossEntropyGradient(scores: sBCE, targets: t, classes: t.count)
                .allSatisfy { abs($0) <= Tolerance.relative(1, roundings: 4, elementary: 2, unit: Tolerance.double) })
    }

    @Test func maskedScoresAreFinite() {
        for masked in [-Double.infinity, -1e12, -1e7 * 1e5] {
            let s = [masked, 0.3, -1.2], t = [0.0, 1, 0.4]
            let l = softLabelMultilabelCrossEntropy(scores: s, targets: t, classes: 3)[0]
            let g = softLabelMultilabelCrossEntropyGradient(scores: s, targets: t, classes: 3)
            #expect(l.isFinite && g.allSatisfy { $0.isFinite } && g[0] == 0, "masked \(masked): \(l) \(g)")
            // The masked entry is simply absent: same as the row without it.
            let without = softLabelMultilabelCrossEntropy(scores: [0.3, -1.2], targets: [1, 0.4], classes: 2)[0]
            #expect(l == without)
            // And BCE skips it as well.
            #expect(sigmoidBinaryCrossEntropy(scores: s, targets: t, classes: 3)[0].isFinite)
        }
        // A fully masked row costs 0.
        #expect(softLabelMultilabelCrossEntropy(scores: [-.infinity, -1e12], targets: [0, 1], classes: 2) == [0])
    }

    @Test func stableForLargeScoresAndBCEMatchesItsDefinition() {
        let l = softLabelMultilabelCrossEntropy(scores: [1e4, -1e4, 3], targets: [0.5, 0.5, 1], classes: 3)[0]
        // Both sides are dominated by one term of size ½e^{1e4}: l = 2·(1e4 + log ½) up to e^{−1e4}.
        #expect(
            l.isFinite
                && abs(l - 2 * (1e4 + log(0.5)))
                    <= 2 * Tolerance.logSumExp(length: 4, logitMagnitude: 1e4, unit: Tolerance.double) + Tolerance
                    .double * 2e4
        )
        var rng = SeededRNG(seed: 3)
        let s = random(12, &rng), t = (0..<12).map { _ in rng.uniformDouble() }
        let literal = zip(s, t).map { si, ti in
            let p = 1 / (1 + exp(-si))
            return -ti * log(p) - (1 - ti) * log(1 - p)
        }.reduce(0, +)
        let bce = sigmoidBinaryCrossEntropy(scores: s, targets: t, classes: 12)[0]
        // The literal's 1 − p cancels: p's relative error (exp, two roundings) reaches log(1 − p) multiplied by
        // p/(1 − p) ≤ e^{|s|}; each term carries (1 + e^{|s|})·γ_8 relative-to-1 error in Double, on both sides.
        let bound =
            2
            * s.reduce(0.0) {
                $0 + (1 + exp(abs($1))) * Tolerance.relative(1, roundings: 4, elementary: 1, unit: Tolerance.double)
            }
        #expect(abs(bce - literal) <= bound)
        #expect(sigmoidBinaryCrossEntropy(scores: [800, -800], targets: [1, 0], classes: 2)[0] == 0)
    }

    @Test func minimumIsTheInfimumForHardTargets() {
        #expect(softLabelMultilabelMinimum(targets: [0, 1, 1, 0]) == 0)
        #expect(
            abs(softLabelMultilabelMinimum(targets: [0.5]) - 2 * log(1.5))
                <= Tolerance.relative(2 * log(1.5), roundings: 3, elementary: 1, unit: Tolerance.double))
    }
}
