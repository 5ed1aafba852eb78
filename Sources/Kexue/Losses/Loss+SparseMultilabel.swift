// MARK: - The sparse multilabel categorical cross-entropy (GPLinker, kexue.fm/archives/8888)

extension Loss {
    /// The multilabel categorical cross-entropy of post B2 with labels given as the *indices* of the positive
    /// classes (bert4keras `sparse_multilabel_categorical_crossentropy`), averaged over rows:
    ///
    ///     loss_r = log(1 + Σ_{i ∈ N_r} e^{s_i}) + log(1 + Σ_{j ∈ P_r} e^{−s_j})
    ///
    /// with P_r the positives of row r and N_r every other class (class 0 excluded from both with `maskZero`).
    /// Equal to `multilabelCategoricalCrossEntropy` with the matching dense labels (tested).
    ///
    /// How the negative part is evaluated. The post (and the reference) never builds N: it writes
    /// log(1 + Σ_N e^{s}) = a + log(1 − e^{b−a}) with a = log(1 + Σ_{all} e^{s}), b = log Σ_P e^{s}, and clips
    /// 1 − e^{b−a} at ε = 1e-7. That identity is exact, but it cancels catastrophically when the positives dominate
    /// the sum (a positive at +1e4 and negatives near 0 give a ≈ b, so the clip returns a + log ε ≈ 1e4 − 16 instead
    /// of ≈ 0). We hold the whole score row anyway, so we take the other route to the same number: one reusable row
    /// of 0/1 labels is filled from the indices, the dense kernel (`multilabelCrossEntropy`, each side shifted by its
    /// own max(0, max)) scores that row, and the row is cleared again. What the post is after, training speed
    /// without a `[b, heads, n²]` multi-hot label tensor to build and read, is kept: labels are index lists plus one
    /// row of scratch (chapter 2 times the two forms).
    ///
    /// - Parameters:
    ///   - scores: `[..., C]`, read as `rows = count / C` rows.
    ///   - positives: one list of class indices per row (`positives.count == rows`), each in `0..<C`. Duplicates
    ///     count once (a set; the reference would count them twice).
    ///   - maskZero: the reference's `mask_zero=True`: index 0 is the padding label (lists are padded with 0 to a
    ///     common length) and class 0 is excluded from every sum, its score ignored and its gradient 0. In
    ///     GlobalPointer's flattening class 0 is the cell (0, 0), the ([CLS], [CLS]) span, never a real label.
    /// - Returns: shape `[]`, the mean over rows.
    ///
    /// Stability (tested): scores of ±1e4 are exact; a −∞ score on a negative (a masked cell) contributes 0 with
    /// gradient 0; a −∞ score on a positive gives +∞ (an impossible label). Gradient per row: e^{s_i}/(1 + Σ_N e^s)
    /// on negatives, −e^{−s_j}/(1 + Σ_P e^{−s}) on positives, divided by rows.
    public static func sparseMultilabelCategoricalCrossEntropy(
        scores: Variable, positives: [[Int]],
        maskZero: Bool = false
    ) -> Variable {
        let s = scores.value
        let (rows, classes) = s.lastAxisRows("sparseMultilabelCategoricalCrossEntropy")
        require(
            positives.count == rows,
            "sparseMultilabelCategoricalCrossEntropy: scores \(scores.shape) have \(rows) rows but positives "
                + "have \(positives.count)")
        for (r, list) in positives.enumerated() {
            for c in list {
                require(
                    c >= 0 && c < classes,
                    "sparseMultilabelCategoricalCrossEntropy: positive index \(c) out of 0..<\(classes) in row \(r)")
            }
        }
        let mask0 = maskZero && classes > 0
        let perRow = sparseRowLosses(s, rows: rows, classes: classes, positives: positives, maskZero: mask0)
        let count = Swift.max(rows, 1)
        return Variable(Tensor(scalar: Float(perRow / Double(count))), inputs: [scores]) { g in
            [
                sparseRowGradients(
                    s, rows: rows, classes: classes, positives: positives, maskZero: mask0,
                    upstream: g.scalar / Float(count))
            ]
        }
    }

    /// Runs `body(row, labels, r)` for every row with the row's positives set to 1 in a reusable label row, and, with
    /// `maskZero`, the row's class 0 replaced by −∞ in a scratch copy (a negative at −∞ contributes e^{−∞} = 0 to the
    /// loss and gets gradient 0: exactly "excluded from every sum").
    private static func forEachLabelledRow(
        _ s: Tensor, rows: Int, classes: Int, positives: [[Int]], maskZero: Bool,
        _ body: (UnsafePointer<Float>, UnsafePointer<Float>, Int) -> Void
    ) {
        var labels = [Float](repeating: 0, count: classes)
        var scratch = [Float](repeating: 0, count: maskZero ? classes : 0)
        s.withUnsafeBufferPointer { p in
            for r in 0..<rows {
                let row = p.baseAddress! + r &* classes
                for c in positives[r] { labels[c] = 1 }
                if maskZero { labels[0] = 0 }
                labels.withUnsafeBufferPointer { y in
                    if maskZero {
                        scratch.withUnsafeMutableBufferPointer { t in
                            t.baseAddress!.update(from: row, count: classes)
                            t[0] = -.infinity
                        }
                        scratch.withUnsafeBufferPointer { t in body(t.baseAddress!, y.baseAddress!, r) }
                    } else {
                        body(row, y.baseAddress!, r)
                    }
                }
                for c in positives[r] { labels[c] = 0 }
            }
        }
    }

    /// Σ_r loss_r (in Double) through the dense row kernel.
    private static func sparseRowLosses(
        _ s: Tensor, rows: Int, classes: Int, positives: [[Int]],
        maskZero: Bool
    ) -> Double {
        var total = 0.0
        var loss: Float = 0
        forEachLabelledRow(s, rows: rows, classes: classes, positives: positives, maskZero: maskZero) { row, y, _ in
            multilabelCrossEntropy(scores: row, labels: y, rows: 1, classes: classes, loss: &loss, threads: 1)
            total += Double(loss)
        }
        return total
    }

    /// `upstream · ∂loss_r/∂scores` for every row, class 0 forced to 0 with `maskZero`.
    private static func sparseRowGradients(
        _ s: Tensor, rows: Int, classes: Int, positives: [[Int]], maskZero: Bool,
        upstream: Float
    ) -> Tensor {
        var grad = Tensor.zeros(s.shape)
        var dLoss = upstream
        grad.withUnsafeMutableBufferPointer { out in
            forEachLabelledRow(s, rows: rows, classes: classes, positives: positives, maskZero: maskZero) { row, y, r in
                let g = out.baseAddress! + r &* classes
                multilabelCrossEntropyBackward(
                    scores: row, labels: y, rows: 1, classes: classes, dLoss: &dLoss,
                    grad: g, threads: 1)
                if maskZero { g[0] = 0 }
            }
        }
        return grad
    }
}
