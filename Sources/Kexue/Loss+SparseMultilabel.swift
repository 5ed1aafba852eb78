#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    /// log(1 + Σ_N e^s) = a + log(1 − e^{b−a}) with a = log(1 + Σ_{all} e^s), b = log Σ_P e^s, and clips
    /// 1 − e^{b−a} at ε = 1e-7. That identity is exact, but it cancels catastrophically when the positives dominate
    /// the sum (a positive at +1e4 and negatives near 0 give a ≈ b, so the clip returns a + log ε ≈ 1e4 − 16 instead
    /// of ≈ 0). We hold the whole score row anyway, so we take the other route to the same number: mark the
    /// positives in a per-row bitmap and sum over the rest, each side shifted by its own max(0, max) like the dense
    /// kernel. The memory saving the post is after (no `[b, heads, n²]` label tensor) is kept: labels are index
    /// lists, the bitmap is one row long.
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
    public static func sparseMultilabelCategoricalCrossEntropy(scores: Variable, positives: [[Int]],
                                                               maskZero: Bool = false) -> Variable {
        let s = scores.value
        let (rows, classes) = s.lastAxisRows("sparseMultilabelCategoricalCrossEntropy")
        require(positives.count == rows,
                "sparseMultilabelCategoricalCrossEntropy: scores \(scores.shape) have \(rows) rows but positives "
                    + "have \(positives.count)")
        var total = 0.0
        // Per row: the two shifts and the two shifted sums, kept for the backward.
        var sides = [(mNeg: Double, mPos: Double, sNeg: Double, sPos: Double)]()
        sides.reserveCapacity(rows)
        var isPositive = [Bool](repeating: false, count: classes)
        s.withUnsafeBufferPointer { p in
            for r in 0..<rows {
                let row = p.baseAddress! + r &* classes
                for c in positives[r] {
                    require(c >= 0 && c < classes,
                            "sparseMultilabelCategoricalCrossEntropy: positive index \(c) out of 0..<\(classes) "
                                + "in row \(r)")
                    isPositive[c] = true
                }
                if maskZero && classes > 0 { isPositive[0] = false }
                let side = sparseRowSums(row, classes: classes, isPositive: isPositive, maskZero: maskZero)
                sides.append(side)
                total += side.mNeg + Glibc.log(Glibc.exp(-side.mNeg) + side.sNeg)
                    + side.mPos + Glibc.log(Glibc.exp(-side.mPos) + side.sPos)
                for c in positives[r] { isPositive[c] = false }
            }
        }
        return Variable(Tensor(scalar: Float(total / Double(Swift.max(rows, 1)))), inputs: [scores]) { g in
            let scale = Double(g.scalar) / Double(Swift.max(rows, 1))
            var flags = [Bool](repeating: false, count: classes)
            return [s.withUnsafeBufferPointer { p in
                Tensor.build(s.shape) { out in
                    for r in 0..<rows {
                        let o = r &* classes
                        for c in positives[r] { flags[c] = true }
                        if maskZero && classes > 0 { flags[0] = false }
                        let side = sides[r]
                        let zNeg = Glibc.exp(-side.mNeg) + side.sNeg, zPos = Glibc.exp(-side.mPos) + side.sPos
                        for c in 0..<classes {
                            if maskZero && c == 0 { continue }
                            let x = Double(p[o &+ c])
                            let v = flags[c]
                                ? -(termExp(-x, shift: side.mPos)) / zPos
                                : termExp(x, shift: side.mNeg) / zNeg
                            out[o &+ c] = Float(v * scale)
                        }
                        for c in positives[r] { flags[c] = false }
                    }
                }
            }]
        }
    }

    /// e^{t − m}, with the limits of `sparseRowSums` for an infinite shift.
    @inline(__always)
    static func termExp(_ t: Double, shift m: Double) -> Double {
        if m == .infinity { return t == .infinity ? 1 : 0 }
        return Glibc.exp(t - m)
    }

    /// For one row: shifts mNeg = max(0, max_N s), mPos = max(0, max_P −s) (the appended 0 logit of each side) and
    /// the shifted sums Σ_N e^{s − mNeg}, Σ_P e^{−s − mPos}, in Double. A side whose max is +∞ gets the limit
    /// weights (1 per infinite term), so its loss is +∞ and its gradient finite rather than NaN.
    static func sparseRowSums(_ row: UnsafePointer<Float>, classes: Int, isPositive: [Bool], maskZero: Bool)
        -> (mNeg: Double, mPos: Double, sNeg: Double, sPos: Double) {
        var mNeg = 0.0, mPos = 0.0
        for c in 0..<classes where !(maskZero && c == 0) {
            let x = Double(row[c])
            if isPositive[c] { mPos = Swift.max(mPos, -x) } else { mNeg = Swift.max(mNeg, x) }
        }
        var sNeg = 0.0, sPos = 0.0
        for c in 0..<classes where !(maskZero && c == 0) {
            let x = Double(row[c])
            if isPositive[c] { sPos += termExp(-x, shift: mPos) } else { sNeg += termExp(x, shift: mNeg) }
        }
        return (mNeg, mPos, sNeg, sPos)
    }
}
