import Testing

@testable import Kexue

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct SparseMultilabelLossTests {
    /// The bound on |sparse − dense| for rows of scores with the given positives, derived: both are sums of
    /// logsumexps of at most classes + 1 logits (`Tolerance.logSumExp` each), but the sparse form gets its negative
    /// part as a + log(1 − e^{b−a}) (a over all classes, b over the positives), which multiplies the errors of a and
    /// b by the condition 1 + e^{b−a}/(1 − e^{b−a}); averaged over the rows, plus γ_rows for the mean.
    func sparseVersusDenseBound(_ rows: [[Float]], positives: [[Int]]) -> Double {
        conditionedBound(rows, positives: positives).loss
    }

    /// `sparseVersusDenseBound` and the largest condition factor of the rows.
    func conditionedBound(_ rows: [[Float]], positives: [[Int]]) -> (loss: Double, condition: Double) {
        func lse(_ xs: [Double]) -> Double {
            let m = xs.max() ?? -.infinity
            return m == -.infinity ? -.infinity : m + log(xs.reduce(0) { $0 + exp($1 - m) })
        }
        var total = 0.0, value = 0.0, worst = 1.0
        for (row, pos) in zip(rows, positives) {
            let s = row.map(Double.init)
            let finite = s.filter { $0.isFinite }.map(abs).max() ?? 0
            let ratio = exp(lse(pos.map { s[$0] }) - lse(s + [0]))
            let condition = 1 + ratio / (1 - ratio)
            worst = max(worst, condition)
            total += 4 * Tolerance.logSumExp(length: row.count + 1, logitMagnitude: finite) * condition
            value += abs(lse(pos.map { -s[$0] } + [0])) + abs(lse(s + [0]))
        }
        return (
            total / Double(rows.count) + Tolerance.relative(value / Double(rows.count), roundings: rows.count + 1),
            worst
        )
    }

    /// bert4keras `sparse_multilabel_categorical_crossentropy` step by step in Double (the post's a + log(1 − e^{b−a})
    /// with the ε clip), for one row, `mask_zero` on.
    func referenceSteps(_ s: [Float], _ positives: [Int], maskZero: Bool) -> Double {
        func lse(_ xs: [Double]) -> Double {
            let m = xs.max()!
            if m == -.infinity { return -.infinity }
            return m + log(xs.reduce(0) { $0 + exp($1 - m) })
        }
        var pred = s.map(Double.init) + [0]  // append the 0 logit
        if maskZero { pred[0] = .infinity }
        let pos2 = positives.map { pred[$0] }
        let pos1 = pos2 + [0]
        var pos2Masked = pos2
        if maskZero { pred[0] = -.infinity; pos2Masked = positives.map { pred[$0] } }
        let posLoss = lse(pos1.map { -$0 })
        let allLoss = lse(pred)
        let aux = min(max(1 - exp(lse(pos2Masked) - allLoss), 1e-7), 1)
        return posLoss + allLoss + log(aux)
    }

    @Test func sparseEqualsDenseOnRandomInputs() {
        var rng = SeededRNG(seed: 1)
        let (rows, classes) = (6, 11)
        let scores = randomTensor([2, 3, classes], seed: 2, std: 3)
        var positives: [[Int]] = []
        var dense = Tensor.zeros([2, 3, classes])
        for r in 0..<rows {
            let k = rng.uniformInt(below: 4)  // 0…3 positives, row 0 may have none
            let picks = Array(Set((0..<k).map { _ in rng.uniformInt(below: classes) })).sorted()
            positives.append(picks)
            dense.withUnsafeMutableBufferPointer { p in for c in picks { p[r * classes + c] = 1 } }
        }
        let sparse = Loss.sparseMultilabelCategoricalCrossEntropy(scores: Variable(scores), positives: positives)
        let denseLoss = Loss.multilabelCategoricalCrossEntropy(scores: Variable(scores), labels: dense)
        let rowsOfScores = (0..<rows).map { Array(scores.scalars[($0 * classes)..<($0 * classes + classes)]) }
        let bound = sparseVersusDenseBound(rowsOfScores, positives: positives)
        #expect(abs(Double(sparse.value.scalar) - Double(denseLoss.value.scalar)) <= bound, "bound \(bound)")
        // Same gradients.
        let a = Variable(scores, requiresGrad: true), b = Variable(scores, requiresGrad: true)
        Loss.sparseMultilabelCategoricalCrossEntropy(scores: a, positives: positives).backward()
        Loss.multilabelCategoricalCrossEntropy(scores: b, labels: dense).backward()
        // Gradients are softmax weights over the same logits divided by the row count; the sparse form's negative
        // part again goes through 1 − e^{b−a}, so the same condition multiplies `Tolerance.softmax`.
        // Both the row gradient's parts (weights ≤ 1) err by `Tolerance.softmax`; the mean divides by the row count.
        let magnitude = Double(scores.abs().max())
        let condition = conditionedBound(rowsOfScores, positives: positives).condition
        let gradientBound =
            2 * Tolerance.softmax(length: classes + 1, logitMagnitude: magnitude) * condition
            / Double(rows)
        #expect(Double(maxAbsDifference(a.grad!, b.grad!)) <= gradientBound, "bound \(gradientBound)")
    }

    @Test func matchesTheReferenceStepsWithMaskZero() {
        // Moderate scores, where the reference's a + log(1 − e^{b−a}) is accurate; lists padded with 0.
        let scores = randomTensor([3, 9], seed: 3, std: 2)
        let positives = [[2, 5, 0, 0], [0, 0, 0, 0], [8, 1, 3, 0]]
        let ours = Loss.sparseMultilabelCategoricalCrossEntropy(
            scores: Variable(scores), positives: positives,
            maskZero: true
        ).value.scalar
        let reference =
            (0..<3).map { referenceSteps(scores[$0].scalars, positives[$0], maskZero: true) }
            .reduce(0, +) / 3
        // Our Float evaluation against the reference's Double steps: the same conditioned logsumexps as sparse
        // versus dense (the reference's ε clip at 1e-7 does not bind for these moderate scores).
        let rowsOfScores = (0..<3).map { scores[$0].scalars }
        let nonzero = positives.map { $0.filter { $0 != 0 } }
        #expect(abs(Double(ours) - reference) <= sparseVersusDenseBound(rowsOfScores, positives: nonzero))
    }

    @Test func maskZeroIgnoresClassZero() {
        var s = randomTensor([1, 6], seed: 4)
        let a = Loss.sparseMultilabelCategoricalCrossEntropy(scores: Variable(s), positives: [[3, 0]], maskZero: true)
        s.withUnsafeMutableBufferPointer { $0[0] = 1e4 }
        let v = Variable(s, requiresGrad: true)
        let b = Loss.sparseMultilabelCategoricalCrossEntropy(scores: v, positives: [[3, 0]], maskZero: true)
        #expect(a.value.scalar == b.value.scalar)
        b.backward()
        #expect(v.grad!.scalars[0] == 0)
    }

    @Test func stableForHugeScoresAndInfiniteMasks() {
        // Row 0: a positive at +1e4 and negatives near 0: loss ≈ log(1 + Σ e^{neg}), where the reference's clip
        // would give ≈ 1e4 − 16. Row 1: a negative at +1e4: loss ≈ 1e4. Row 2: −∞ negatives (masked cells) drop out.
        let inf = Float.infinity
        let scores = Tensor([[1e4, 0.5, -0.5, -1e4], [1e4, 3, -1e4, 0], [-inf, 2, -inf, -inf]])
        let positives = [[0], [1], [1]]
        let v = Variable(scores, requiresGrad: true)
        let loss = Loss.sparseMultilabelCategoricalCrossEntropy(scores: v, positives: positives)
        let row0 = log(1 + exp(0.5) + exp(-0.5)), row1 = 1e4 + log(1 + exp(-3.0)), row2 = log(1 + exp(-2.0))
        // The surviving exp arguments are within 3 of their row maximum (the ±1e4 terms give exactly 0 or 1), so each
        // row is a logsumexp with logits of magnitude 3, except that row 1 ≈ 1e4 rounds once at that size; the
        // mean's sum and division round at |sum| ≈ 1e4.
        let mean = (row0 + row1 + row2) / 3
        let bound =
            (3 * Tolerance.logSumExp(length: 5, logitMagnitude: 3) + Tolerance.float * row1) / 3
            + Tolerance.relative(mean, roundings: 3)
        #expect(abs(Double(loss.value.scalar) - mean) <= bound)
        loss.backward()
        #expect(v.grad!.scalars.allSatisfy { $0.isFinite })
        #expect(v.grad!.scalars[8] == 0 && v.grad!.scalars[10] == 0 && v.grad!.scalars[11] == 0)
        // A −∞ score on a positive is an impossible label: +∞, never NaN.
        let bad = Loss.sparseMultilabelCategoricalCrossEntropy(scores: Variable(Tensor([[-inf, 1]])), positives: [[0]])
        #expect(bad.value.scalar == .infinity)
    }

    @Test func finiteDifferenceGradients() {
        let scores = randomTensor([2, 2, 7], seed: 5, std: 2)
        let positives = [[1, 4], [], [0, 6], [3]]
        let r = checkGradients([scores]) {
            Loss.sparseMultilabelCategoricalCrossEntropy(scores: $0[0], positives: positives, maskZero: true)
        }
        #expect(r.ok, "\(r.message)")
    }

    @Test func globalPointerFlatteningEqualsTheDenseLoss() {
        // Scores [b, m, n, n] with the triangle and padding masks of a head; cell (0, 0) masked as [CLS] would be.
        var rng = SeededRNG(seed: 6)
        let gp = GlobalPointer(hiddenSize: 5, types: 3, headSize: 4, rng: &rng)
        let mask = [[true, true, true, true, true], [true, true, true, true, false]]
        var scoresT = gp(Variable(randomTensor([2, 5, 5], seed: 7)), mask: mask).value
        scoresT.withUnsafeMutableBufferPointer { p in for r in 0..<6 { p[r * 25] = -.infinity } }
        let gold = [
            [LabeledSpan(type: 0, start: 1, end: 2), LabeledSpan(type: 2, start: 3, end: 3)],
            [LabeledSpan(type: 1, start: 1, end: 3), LabeledSpan(type: 1, start: 2, end: 2)],
        ]
        let sparse = Loss.globalPointerCrossEntropy(scores: Variable(scoresT), gold: gold).value.scalar
        let labels = Loss.globalPointerDenseLabels(gold, types: 3, length: 5)
        let dense = Loss.multilabelCategoricalCrossEntropy(
            scores: Variable(scoresT.reshaped([6, 25])),
            labels: labels.reshaped([6, 25])
        ).value.scalar
        // The sparse loss sums over the 3 types, the dense one averages 6 = 2·3 rows: sparse = 3·dense (batch mean).
        let flat = scoresT.reshaped([6, 25]), flatLabels = labels.reshaped([6, 25])
        let rows = (0..<6).map { Array(flat.scalars[($0 * 25)..<($0 * 25 + 25)]) }
        let pos = (0..<6).map { r in (0..<25).filter { flatLabels.scalars[r * 25 + $0] != 0 } }
        #expect(abs(Double(sparse) - 3 * Double(dense)) <= 3 * sparseVersusDenseBound(rows, positives: pos))
        #expect(sparse.isFinite)
    }

    @Test func globalPointerLossGradientsThroughTheHead() {
        var rng = SeededRNG(seed: 8)
        let egp = EfficientGlobalPointer(hiddenSize: 4, types: 2, headSize: 4, rng: &rng)
        let h = Variable(randomTensor([2, 4, 4], seed: 9), requiresGrad: true)
        let mask = [[true, true, true, true], [true, true, true, false]]
        let gold = [[LabeledSpan(type: 1, start: 1, end: 2)], [LabeledSpan(type: 0, start: 1, end: 1)]]
        let r = checkParameterGradients(egp.parameters + [h]) {
            Loss.globalPointerCrossEntropy(scores: egp(h, mask: mask), gold: gold)
        }
        #expect(r.ok, "\(r.message)")
    }
}
