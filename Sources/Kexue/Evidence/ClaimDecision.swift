/// A claim of a post decided by the book's rule (`ClaimStatus`) from a multi-seed effect, printed in the one form
/// the book tool reads back:
///
/// ```
/// claim egp-vs-gp: qualitative (EGP no worse than GP by more than 0.0200: the estimate -0.0041 is, but the 95% CI
/// [-0.0305, +0.0223] reaches below -0.0200)
/// ```
///
/// A chapter's ```claims block names the decision after the snippet that prints it, `(#training:egp-vs-gp)`,
/// and the build fails when the block's status is not `status`: the status is the evidence's, not the author's.
///
/// The printed numbers are oriented as the comparison prints them (A − B, or the arm's mean); the reason names
/// which case of the rule applied, so a reader can check it against the interval without knowing the code.
public struct ClaimDecision: Sendable, CustomStringConvertible {
    /// The decision's name: lowercase letters, digits and `-`, as in a claims line's `(#snippet:name)`.
    public var name: String
    /// The status the rule gave; the chapter's claims block must state the same.
    public var status: ClaimStatus
    /// Why, in words: the claim as the post makes it, and the case of the rule that decided it.
    public var reason: String

    /// Precondition: `name` is a non-empty run of `a-z`, `0-9` and `-`.
    public init(name: String, status: ClaimStatus, reason: String) {
        require(
            ClaimDecision.isValidName(name),
            "ClaimDecision: the name '\(name)' must be lowercase letters, digits "
                + "and '-' (it is written in a claims line as (#snippet:\(name)))")
        self.name = name
        self.status = status
        self.reason = reason
    }

    public var description: String { "claim \(name): \(status.rawValue) (\(reason))" }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// The reason for `status`, in the rule's words: `claim` and the effect in the post's orientation (positive = the
    /// post's direction, the null value at 0), `said` the claim in words, and the estimate, interval and null value
    /// as printed.
    static func reason(
        _ claim: PostClaim, said: String, status: ClaimStatus,
        lower: Double, upper: Double,
        shown: (estimate: String, interval: String, null: String)
    ) -> String {
        let ci = shown.interval, est = shown.estimate, null = shown.null
        if lower.isNaN || upper.isNaN {
            return "\(said): one seed gives no interval, so at most qualitative; the estimate \(est) is "
                + (status == .qualitative ? "on the post's side" : "not on the post's side")
        }
        let m = claim.margin
        switch (claim, status) {
        case (.better, .reproduced):
            return "\(said): \(ci) excludes \(null) on the post's side"
        case (.better, .qualitative):
            return "\(said): the estimate \(est) is on the post's side, but \(ci) includes \(null)"
        case (.better, .notReproduced):
            return upper < 0
                ? "\(said): \(ci) excludes \(null) on the other side"
                : "\(said): the estimate \(est) is not on the post's side, and \(ci) includes \(null)"
        case (.asGoodAs, .reproduced):
            return "\(said): \(ci) lies within the margin"
        case (.asGoodAs, .qualitative):
            return "\(said): the estimate \(est) is within the margin, but \(ci) is not"
        case (.asGoodAs, .notReproduced):
            return lower > m || upper < -m
                ? "\(said): \(ci) lies wholly outside the margin"
                : "\(said): the estimate \(est) is outside the margin (\(ci))"
        case (.noWorse, .reproduced):
            return "\(said): no end of \(ci) is worse than the margin allows"
        case (.noWorse, .qualitative):
            return "\(said): the estimate \(est) is within the margin, but \(ci) reaches beyond it"
        case (.noWorse, .notReproduced):
            return upper < -m
                ? "\(said): \(ci) lies wholly beyond the margin"
                : "\(said): the estimate \(est) is beyond the margin (\(ci))"
        }
    }
}

extension PairedComparison {
    /// Decides `claim` about A against B ("A better than B", "A as good as B", "A no worse than B") by the rule of
    /// `ClaimStatus`, and names the decision for the chapter's claims block. Margins are in the metric's units.
    public func decide(_ name: String, _ claim: PostClaim) -> ClaimDecision {
        let status = status(claim)
        let s = summary, sign = better.sign
        let n = NumberFormat.alike([s.mean, s.lower, s.upper], decimals: a.decimals, signed: true)
        let margin = NumberFormat.alike([claim.margin], decimals: a.decimals)[0]
        let (l, u) = (sign * s.lower, sign * s.upper)
        let said = claim.sentence(a.name, b.name, margin: margin, better: better)
        let reason = ClaimDecision.reason(
            claim, said: said, status: status,
            lower: Swift.min(l, u), upper: Swift.max(l, u),
            shown: (n[0], "the \(s.levelText) CI of \(a.name) − \(b.name) [\(n[1]), \(n[2])]", "zero"))
        return ClaimDecision(name: name, status: status, reason: reason)
    }
}

extension TrialArm {
    /// Decides `claim` about this arm against a reference value ("better than `reference`", "as good as it",
    /// "no worse than it") by the rule of `ClaimStatus`, and names the decision for the chapter's claims block.
    public func decide(_ name: String, _ claim: PostClaim, reference: Double = 0, better: Better = .higher)
        -> ClaimDecision
    {
        let status = status(claim, reference: reference, better: better)
        let s = summary, sign = better.sign
        let n = NumberFormat.alike([s.mean, s.lower, s.upper, reference, claim.margin], decimals: decimals)
        let (l, u) = (sign * (s.lower - reference), sign * (s.upper - reference))
        let said = claim.sentence(self.name, n[3], margin: n[4], better: better)
        let reason = ClaimDecision.reason(
            claim, said: said, status: status,
            lower: Swift.min(l, u), upper: Swift.max(l, u),
            shown: (n[0], "the \(s.levelText) CI of the mean [\(n[1]), \(n[2])]", n[3]))
        return ClaimDecision(name: name, status: status, reason: reason)
    }
}

extension PostClaim {
    /// The margin of an equivalence or non-inferiority claim, 0 for `.better`.
    var margin: Double {
        switch self {
        case .better: 0
        case .asGoodAs(let m), .noWorse(let m): m
        }
    }

    /// The claim in words, for the decision's reason: "EGP better than GP" (or "lower than" for `.lower` metrics).
    func sentence(_ a: String, _ b: String, margin: String, better: Better) -> String {
        switch self {
        case .better: "post: \(a) \(better == .higher ? "higher" : "lower") than \(b)"
        case .asGoodAs: "post: \(a) as good as \(b), within ±\(margin)"
        case .noWorse: "post: \(a) no worse than \(b) by more than \(margin)"
        }
    }
}
