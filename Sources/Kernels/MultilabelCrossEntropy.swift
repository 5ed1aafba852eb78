// Multilabel categorical cross-entropy (Su, kexue.fm/archives/7359, the ZLPR loss) and its gradient.
//
// For one row of scores s and labels y ∈ {0, 1}:
//     loss = log(1 + Σ_{y_i = 0} e^{s_i}) + log(1 + Σ_{y_j = 1} e^{−s_j})
// i.e. logsumexp over the negatives with an appended 0 logit plus logsumexp over the negated
// positives with an appended 0 (the threshold class s_0 = 0 of the post). The Keras original writes
// it with t = (1 − 2y)·s (negatives keep s, positives become −s), masking the other side with −1e12.
//
// Versions: `multilabelCrossEntropy` (one SIMD pass for the two maxima, one for the sums, with a
// single `vexp` per element: each element belongs to exactly one side) and its Double twin.
// Stability: each side subtracts its own max(0, max t) before exp, so scores of ±1e4 are fine.
// Masked scores: a −inf score on a negative contributes e^{−inf} = 0 (the GlobalPointer way of
// excluding cells); a −inf score on a positive gives loss +inf (the label is impossible). NaN in a row
// gives NaN loss for that row. Labels are read as positive when y > 0.5.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One side's shifted exp sums: (maxNeg, maxPos) are the shifts, sums exclude the appended zero.
@inline(__always)
private func ceRowSums(
    _ s: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int,
    storeTerms out: UnsafeMutablePointer<Float>?
) -> (mNeg: Float, mPos: Float, sNeg: Float, sPos: Float) {
    let half = Vec8(repeating: 0.5)
    // Pass 1: maxima of t over each side, starting from the appended 0.
    var mn = Vec8(), mp = Vec8()
    var j = 0
    while j &+ 8 <= n {
        let v = load8(s + j), pos = load8(y + j) .> half
        let t = v.replacing(with: -v, where: pos)
        mn = vmax(mn, t.replacing(with: -.infinity, where: pos))
        mp = vmax(mp, t.replacing(with: -.infinity, where: .!pos))
        j &+= 8
    }
    var mNeg = hmax(mn), mPos = hmax(mp)
    while j < n {
        if y[j] > 0.5 { mPos = max(mPos, -s[j]) } else { mNeg = max(mNeg, s[j]) }
        j &+= 1
    }
    if mNeg == .infinity || mPos == .infinity {
        return ceRowSumsInfinite(s, y, n, mNeg: mNeg, mPos: mPos, storeTerms: out)
    }
    // Pass 2: one exp per element with the shift of its own side.
    let mn8 = Vec8(repeating: mNeg), mp8 = Vec8(repeating: mPos)
    var sn = Vec8(), sp = Vec8()
    j = 0
    while j &+ 8 <= n {
        let v = load8(s + j), pos = load8(y + j) .> half
        let t = v.replacing(with: -v, where: pos)
        let e = vexpNonPositive(t - mn8.replacing(with: mp8, where: pos))  // t ≤ its side's max
        if let out = out { store8(e, out + j) }
        sn += e.replacing(with: 0, where: pos)
        sp += e.replacing(with: 0, where: .!pos)
        j &+= 8
    }
    var sNeg = hsum(sn), sPos = hsum(sp)
    while j < n {
        let pos = y[j] > 0.5
        let e = vexpScalar(pos ? -s[j] - mPos : s[j] - mNeg)
        out?[j] = e
        if pos { sPos += e } else { sNeg += e }
        j &+= 1
    }
    return (mNeg, mPos, sNeg, sPos)
}

/// A side whose maximum is +inf (a +inf negative score or a −inf positive score): its terms become the
/// limit weights (1 for the infinite terms, 0 for the others), so the loss is +inf and the gradient
/// is the limit of the softmax weights instead of inf − inf = NaN.
private func ceRowSumsInfinite(
    _ s: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int, mNeg: Float, mPos: Float,
    storeTerms out: UnsafeMutablePointer<Float>?
) -> (mNeg: Float, mPos: Float, sNeg: Float, sPos: Float) {
    var sNeg: Float = 0, sPos: Float = 0
    for j in 0..<n {
        let pos = y[j] > 0.5
        let t = pos ? -s[j] : s[j], m = pos ? mPos : mNeg
        let e = m == .infinity ? (t == .infinity ? 1 : 0) : vexpScalar(t - m)
        out?[j] = e
        if pos { sPos += e } else { sNeg += e }
    }
    return (mNeg, mPos, sNeg, sPos)
}

/// loss[r] = log(1 + Σ_{neg} e^{s}) + log(1 + Σ_{pos} e^{−s}) for scores, labels [rows, classes].
/// - Parameters:
///   - labels: 1 for positive classes, 0 for negative (read as y > 0.5).
///   - loss: [rows].
public func multilabelCrossEntropy(
    scores: UnsafePointer<Float>, labels: UnsafePointer<Float>, rows: Int,
    classes: Int, loss: UnsafeMutablePointer<Float>, threads: Int? = nil
) {
    precondition(rows >= 0 && classes >= 0, "multilabelCrossEntropy: bad shape [\(rows), \(classes)]")
    forRowParts(rows: rows, threads: rowThreads(threads, rows: rows, elements: rows * classes)) { range in
        for r in range {
            let o = r * classes
            let t = ceRowSums(scores + o, labels + o, classes, storeTerms: nil)
            // log(e^{0} + Σ e^{t}) = m + log(e^{−m} + Σ e^{t − m}), m = max(0, max t) ≥ 0.
            loss[r] = t.mNeg + logf(vexpScalar(-t.mNeg) + t.sNeg) + t.mPos + logf(vexpScalar(-t.mPos) + t.sPos)
        }
    }
}

/// Gradient of Σ_r dLoss[r]·loss[r] with respect to the scores, [rows, classes]:
/// ∂loss/∂s_i = e^{s_i} / (1 + Σ_neg e^{s}) for a negative i, −e^{−s_j} / (1 + Σ_pos e^{−s}) for a
/// positive j (a softmax over each side with the appended zero). `dLoss == nil` means all ones.
public func multilabelCrossEntropyBackward(
    scores: UnsafePointer<Float>, labels: UnsafePointer<Float>, rows: Int,
    classes: Int, dLoss: UnsafePointer<Float>? = nil,
    grad: UnsafeMutablePointer<Float>, threads: Int? = nil
) {
    precondition(rows >= 0 && classes >= 0, "multilabelCrossEntropyBackward: bad shape [\(rows), \(classes)]")
    forRowParts(rows: rows, threads: rowThreads(threads, rows: rows, elements: rows * classes)) { range in
        for r in range {
            let o = r * classes
            let g = grad + o, y = labels + o
            let t = ceRowSums(scores + o, y, classes, storeTerms: g)
            let upstream = dLoss?[r] ?? 1
            let cNeg = upstream / (vexpScalar(-t.mNeg) + t.sNeg)
            let cPos = -upstream / (vexpScalar(-t.mPos) + t.sPos)
            let half = Vec8(repeating: 0.5), n8 = Vec8(repeating: cNeg), p8 = Vec8(repeating: cPos)
            var j = 0
            while j + 8 <= classes {
                store8(load8(g + j) * n8.replacing(with: p8, where: load8(y + j) .> half), g + j)
                j += 8
            }
            while j < classes { g[j] *= y[j] > 0.5 ? cPos : cNeg; j += 1 }
        }
    }
}

// MARK: - Reference twins (Double)

/// Algorithmic reference for `multilabelCrossEntropy`, literally the post's formula in Double.
public func multilabelCrossEntropyReference(
    scores: UnsafePointer<Float>, labels: UnsafePointer<Float>, rows: Int,
    classes: Int, loss: UnsafeMutablePointer<Float>
) {
    for r in 0..<rows {
        var neg: [Double] = [0], pos: [Double] = [0]  // the appended zero logit
        for j in 0..<classes {
            let s = Double(scores[r * classes + j])
            if labels[r * classes + j] > 0.5 { pos.append(-s) } else { neg.append(s) }
        }
        loss[r] = Float(referenceLogSumExp(neg) + referenceLogSumExp(pos))
    }
}

/// Algorithmic reference for `multilabelCrossEntropyBackward` (Double).
public func multilabelCrossEntropyBackwardReference(
    scores: UnsafePointer<Float>, labels: UnsafePointer<Float>,
    rows: Int, classes: Int, dLoss: UnsafePointer<Float>? = nil,
    grad: UnsafeMutablePointer<Float>
) {
    for r in 0..<rows {
        var neg: [Double] = [0], pos: [Double] = [0]
        for j in 0..<classes {
            let s = Double(scores[r * classes + j])
            if labels[r * classes + j] > 0.5 { pos.append(-s) } else { neg.append(s) }
        }
        let lNeg = referenceLogSumExp(neg), lPos = referenceLogSumExp(pos)
        let upstream = Double(dLoss?[r] ?? 1)
        for j in 0..<classes {
            let s = Double(scores[r * classes + j])
            grad[r * classes + j] = Float(
                labels[r * classes + j] > 0.5
                    ? -upstream * exp(-s - lPos) : upstream * exp(s - lNeg))
        }
    }
}
