#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - The soft-label multilabel categorical cross-entropy, and sigmoid BCE for comparison
//
// Su Jianlin, "A soft-label version of the multilabel 'softmax + cross-entropy'" (kexue.fm/archives/9064,
// 2022-05-07), extending the hard-label loss of kexue.fm/archives/7359 (`Loss.multilabelCategoricalCrossEntropy`).
// For one row of scores s ∈ ℝᶜ and soft targets t ∈ [0, 1]ᶜ (chapter 7, eq:soft):
//
//     l(s, t) = log(1 + Σᵢ tᵢ e^{−sᵢ}) + log(1 + Σᵢ (1 − tᵢ) e^{sᵢ})
//
// evaluated in the log form of chapter 7, eq:log-form: each side is a logsumexp with an appended 0 logit,
// over −sᵢ + log tᵢ (the "positive" side) and sᵢ + log(1 − tᵢ) (the "negative" side).
// Properties: equals the hard-label loss when every tᵢ ∈ {0, 1}; convex in s; its gradient vanishes exactly when
// σ(2sᵢ) = tᵢ for every i, where it takes the value 2 log(1 + Σᵢ √(tᵢ(1 − tᵢ))) (eq:minimum).
//
// Everything here is `Double` on plain row-major arrays `[rows · classes]`: these are the chapter's instruments
// and a small model's training loss, not a kernel.

/// Targets below this are snapped to exactly 0 and above `1 − softLabelEpsilon` to exactly 1, as bert4keras's
/// `multilabel_categorical_crossentropy` does with `K.epsilon()` (commit 5f5d493, May 2022).
public let softLabelEpsilon = 1e-7

/// A score at or below this is "already masked" (bert4keras: `y_pred > -K.infinity() / 10` marks the live entries,
/// `K.infinity() = 1e12`): it takes part in neither side of the loss and gets gradient 0. `-Double.infinity` is
/// masked too.
public let softLabelMaskThreshold = -1e11

/// One row's two sides in log form: the live terms of each side and their logsumexp with the appended 0 logit.
private struct SoftLabelRow {
    /// `−sᵢ + log tᵢ` for live i with tᵢ > 0 after snapping, else nil.
    var positive: [Double?]
    /// `sᵢ + log(1 − tᵢ)` for live i with tᵢ < 1 after snapping, else nil.
    var negative: [Double?]
    /// log(1 + Σ e^{positive}), log(1 + Σ e^{negative}).
    var lsePositive: Double
    var lseNegative: Double
}

/// log(e⁰ + Σ e^{xᵢ}) over the non-nil xᵢ, as m + log(e^{−m} + Σ e^{xᵢ − m}) with m = max(0, max xᵢ): every
/// exponent is ≤ 0, so nothing overflows for any finite x, and the appended e^{−m} term keeps the sum ≥ e^{−m} > 0.
private func logOnePlusSumExp(_ xs: [Double?]) -> Double {
    var m = 0.0
    for case let x? in xs { m = max(m, x) }
    var sum = exp(-m)
    for case let x? in xs { sum += exp(x - m) }
    return m + log(sum)
}

private func softLabelRow(_ s: ArraySlice<Double>, _ t: ArraySlice<Double>, epsilon: Double) -> SoftLabelRow {
    var positive = [Double?](), negative = [Double?]()
    positive.reserveCapacity(s.count)
    negative.reserveCapacity(s.count)
    for (si, ti) in zip(s, t) {
        // Masked entries leave both sides: adding log ε ≈ −16 to a masked −1e12 would not be enough on the
        // positive side, where the score enters negated (−(−1e12) − 16 is a huge positive exponent).
        guard si > softLabelMaskThreshold else { positive.append(nil); negative.append(nil); continue }
        // Snap near-hard targets: tᵢ < ε is exactly 0 (no positive-side term, log 0 = −∞), tᵢ > 1 − ε exactly 1.
        let snapped = ti < epsilon ? 0 : (ti > 1 - epsilon ? 1 : ti)
        positive.append(snapped > 0 ? -si + log(snapped) : nil)
        // log1p(−t) keeps log(1 − t) accurate for tiny t (log(1 − 1e-6) would lose digits to rounding 1 − t).
        negative.append(snapped < 1 ? si + log1p(-snapped) : nil)
    }
    return SoftLabelRow(
        positive: positive, negative: negative,
        lsePositive: logOnePlusSumExp(positive), lseNegative: logOnePlusSumExp(negative))
}

private func checkRows(_ scores: [Double], _ targets: [Double], _ classes: Int, _ caller: String) -> Int {
    require(classes >= 1, "\(caller): classes \(classes) must be ≥ 1")
    require(
        scores.count == targets.count,
        "\(caller): scores (\(scores.count)) and targets (\(targets.count)) differ in length")
    require(
        scores.count % classes == 0,
        "\(caller): \(scores.count) scores are not a whole number of rows of \(classes) classes")
    require(targets.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(caller): targets must lie in [0, 1]")
    require(
        scores.allSatisfy { !$0.isNaN && $0 != .infinity },
        "\(caller): scores must be finite or masked (≤ \(softLabelMaskThreshold) or −∞)")
    return scores.count / classes
}

/// The soft-label multilabel categorical cross-entropy of each row (chapter 7, eq:soft, evaluated as eq:log-form):
/// `l = log(1 + Σᵢ tᵢ e^{−sᵢ}) + log(1 + Σᵢ (1 − tᵢ) e^{sᵢ})`.
///
/// - Parameters:
///   - scores: `[rows, classes]` row-major; finite, or masked (≤ `softLabelMaskThreshold`, including −∞).
///   - targets: `[rows, classes]`, each in [0, 1]. Below `epsilon` a target counts as exactly 0, above `1 − epsilon`
///     as exactly 1 (the reference's clip-and-mask).
///   - classes: the row length, ≥ 1.
/// - Returns: `[rows]`, each ≥ 0.
///
/// Properties: with every tᵢ ∈ {0, 1} this is the hard-label loss `log(1 + Σ_neg e^{s}) + log(1 + Σ_pos e^{−s})`
/// (`Loss.multilabelCategoricalCrossEntropy`); it is minimised at σ(2sᵢ) = tᵢ, **not** σ(sᵢ) = tᵢ, with minimum
/// `softLabelMultilabelMinimum(t)`. A masked score contributes nothing, whatever its target (so a masked score with
/// t = 0 is finite, and, unlike the hard kernel, a masked positive is ignored rather than +∞).
/// Stable for scores of any finite size (each side subtracts its own max(0, max term) before exp).
public func softLabelMultilabelCrossEntropy(
    scores: [Double], targets: [Double], classes: Int,
    epsilon: Double = softLabelEpsilon
) -> [Double] {
    let rows = checkRows(scores, targets, classes, "softLabelMultilabelCrossEntropy")
    return (0..<rows).map { r in
        let range = r * classes..<(r + 1) * classes
        let row = softLabelRow(scores[range], targets[range], epsilon: epsilon)
        return row.lsePositive + row.lseNegative
    }
}

/// ∂lᵣ/∂s for each row of `softLabelMultilabelCrossEntropy` (chapter 7, eq:gradient):
/// `∂l/∂sᵢ = −tᵢ e^{−sᵢ} / (1 + Σⱼ tⱼ e^{−sⱼ}) + (1 − tᵢ) e^{sᵢ} / (1 + Σⱼ (1 − tⱼ) e^{sⱼ})`,
/// computed as `−exp(posᵢ − lsePos) + exp(negᵢ − lseNeg)` from the log-form terms (each a softmax weight in (0, 1)).
///
/// - Parameters: as `softLabelMultilabelCrossEntropy`.
/// - Returns: `[rows, classes]`; 0 at masked scores. Each entry lies in (−1, 1); the entry is 0 for every i exactly
///   when σ(2sᵢ) = tᵢ for every i.
public func softLabelMultilabelCrossEntropyGradient(
    scores: [Double], targets: [Double], classes: Int,
    epsilon: Double = softLabelEpsilon
) -> [Double] {
    let rows = checkRows(scores, targets, classes, "softLabelMultilabelCrossEntropyGradient")
    var grad = [Double](repeating: 0, count: scores.count)
    for r in 0..<rows {
        let range = r * classes..<(r + 1) * classes
        let row = softLabelRow(scores[range], targets[range], epsilon: epsilon)
        for i in 0..<classes {
            var g = 0.0
            if let p = row.positive[i] { g -= exp(p - row.lsePositive) }
            if let n = row.negative[i] { g += exp(n - row.lseNegative) }
            grad[r * classes + i] = g
        }
    }
    return grad
}

/// The minimum over s of the soft-label loss for one row of targets (chapter 7, eq:minimum):
/// `2 log(1 + Σᵢ √(tᵢ(1 − tᵢ)))`, reached at sᵢ = ½ log(tᵢ / (1 − tᵢ)), i.e. σ(2sᵢ) = tᵢ. For tᵢ ∈ {0, 1} the
/// corresponding sᵢ is ∓∞ and the value is an infimum; with all targets hard it is 0.
public func softLabelMultilabelMinimum(targets: [Double]) -> Double {
    require(targets.allSatisfy { $0 >= 0 && $0 <= 1 }, "softLabelMultilabelMinimum: targets must lie in [0, 1]")
    return 2 * log(1 + targets.reduce(0) { $0 + ($1 * (1 - $1)).squareRoot() })
}

// MARK: - Sigmoid binary cross-entropy

/// The sum over classes of the sigmoid binary cross-entropy of each row (chapter 7, eq:bce):
/// `Σᵢ [−tᵢ log σ(sᵢ) − (1 − tᵢ) log(1 − σ(sᵢ))]`, hard labels when tᵢ ∈ {0, 1}, soft otherwise.
///
/// Each term is evaluated as `softplus(sᵢ) − tᵢ sᵢ` (since −log σ(s) = softplus(−s) = softplus(s) − s), with
/// `softplus(x) = max(x, 0) + log1p(e^{−|x|})`, which neither overflows for large |s| nor loses the small tail
/// (log(1 + e^{x}) for x = 40 would be exact, but for x = 800 e^{x} is +∞).
///
/// - Parameters: as `softLabelMultilabelCrossEntropy` (targets are used as given, no snapping; masked scores are
///   skipped, so the comparison with the soft-label loss is like for like).
/// - Returns: `[rows]`. Minimised per class at σ(sᵢ) = tᵢ (one logistic regression per class).
public func sigmoidBinaryCrossEntropy(scores: [Double], targets: [Double], classes: Int) -> [Double] {
    let rows = checkRows(scores, targets, classes, "sigmoidBinaryCrossEntropy")
    return (0..<rows).map { r in
        var total = 0.0
        for i in r * classes..<(r + 1) * classes where scores[i] > softLabelMaskThreshold {
            let s = scores[i]
            total += max(s, 0) + log1p(exp(-abs(s))) - targets[i] * s
        }
        return total
    }
}

/// ∂/∂s of `sigmoidBinaryCrossEntropy`: `σ(sᵢ) − tᵢ`, `[rows, classes]`, 0 at masked scores. σ is evaluated on the
/// side where its exponential cannot overflow.
public func sigmoidBinaryCrossEntropyGradient(scores: [Double], targets: [Double], classes: Int) -> [Double] {
    _ = checkRows(scores, targets, classes, "sigmoidBinaryCrossEntropyGradient")
    return zip(scores, targets).map { s, t in
        s > softLabelMaskThreshold ? sigmoid(s) - t : 0
    }
}

/// σ(x) = 1/(1 + e^{−x}), written as e^{x}/(1 + e^{x}) for x < 0 so the exponential never overflows.
public func sigmoid(_ x: Double) -> Double {
    x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
}
