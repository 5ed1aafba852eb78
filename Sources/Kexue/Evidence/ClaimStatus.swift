/// What a post claims about an effect, stated before the runs (the margin above all).
public enum PostClaim: Sendable, Equatable {
    /// A beats B (or, for one arm, the effect is on the better side of its reference).
    case better
    /// A is as good as B: the difference lies within ±`margin` (an equivalence claim).
    case asGoodAs(margin: Double)
    /// A is no worse than B by more than `margin` (a one-sided "as good as": better by any amount is fine).
    case noWorse(margin: Double)
}

/// A claim's status by the book's rule, with raw values equal to the statuses of a chapter's ```claims block.
///
/// The rule, applied to an effect's estimate and confidence interval, both oriented so that positive means
/// "A better than B" (see `Better`):
/// - `.better`: **reproduced** when the interval excludes zero on the post's side (lower > 0); **not-reproduced**
///   when it excludes the post's side (upper < 0); otherwise **qualitative** when the estimate is on the post's
///   side (> 0), and **not-reproduced** when it is not (≤ 0). The book's rule as worded leaves that last case
///   (wrong direction, interval including zero) open; we count it against the claim, since neither the
///   direction nor the interval supports it.
/// - `.asGoodAs(margin: m)`: **reproduced** when the interval lies within [−m, m]; **not-reproduced** when it
///   lies wholly outside (lower > m or upper < −m); otherwise **qualitative** when |estimate| ≤ m, else
///   **not-reproduced**.
/// - `.noWorse(margin: m)`: **reproduced** when lower ≥ −m; **not-reproduced** when upper < −m; otherwise
///   **qualitative** when estimate ≥ −m, else **not-reproduced**.
///
/// An interval with NaN ends (a single seed) never reproduces a claim: it is qualitative or not-reproduced by the
/// estimate alone. "Only a proxy of the claim was tested", the rule's other qualitative case, is the author's
/// judgement and not decided here.
public enum ClaimStatus: String, Sendable, CaseIterable {
    /// The interval alone supports the claim.
    case reproduced
    /// The estimate is on the claim's side but the interval does not settle it; the best one seed can give.
    case qualitative
    /// The estimate or the interval goes against the claim; raw value `not-reproduced`.
    case notReproduced = "not-reproduced"

    /// Decides the status of `claim` from an effect oriented as an improvement (positive = the post's direction
    /// for `.better`). Precondition: margins are ≥ 0.
    public init(_ claim: PostClaim, estimate: Double, lower: Double, upper: Double) {
        switch claim {
        case .better:
            if lower > 0 {
                self = .reproduced
            } else if upper < 0 {
                self = .notReproduced
            } else {
                self = estimate > 0 ? .qualitative : .notReproduced
            }
        case .asGoodAs(let m):
            require(m >= 0, "ClaimStatus: margin \(m) must be non-negative")
            if lower >= -m && upper <= m {
                self = .reproduced
            } else if lower > m || upper < -m {
                self = .notReproduced
            } else {
                self = Swift.abs(estimate) <= m ? .qualitative : .notReproduced
            }
        case .noWorse(let m):
            require(m >= 0, "ClaimStatus: margin \(m) must be non-negative")
            if lower >= -m {
                self = .reproduced
            } else if upper < -m {
                self = .notReproduced
            } else {
                self = estimate >= -m ? .qualitative : .notReproduced
            }
        }
    }
}
