/// Two arms run on the same seeds, compared seed by seed: the differences A − B, their mean with a Student t
/// interval (`ConfidenceInterval` of the differences), and a sign count.
///
/// Pairing removes what the seeds share (the same initialisation and data order for both arms), so the interval
/// of the mean difference is usually much narrower than the two arms' intervals side by side.
///
/// `description`, digit for digit (see `TrialArm` for the number rule):
/// `EGP − GP: +0.0041 [-0.0123, +0.0205] (95% CI, 8 seeds), EGP ahead on 5 of 8`, with `, 1 tie` / `, 2 ties`
/// appended when some seeds tie exactly. "Ahead" follows `better`: with `.lower` (losses), ahead means lower.
public struct PairedComparison: Sendable, CustomStringConvertible {
    /// Arm A, the minuend of every difference A − B.
    public var a: TrialArm
    /// Arm B, run on the same seeds as A.
    public var b: TrialArm
    /// Which way the metric improves: decides `ahead` and `behind`, and which side of zero a claim's direction is.
    public var better: Better
    /// A − B on each seed, in seed order.
    public var differences: [Double]
    /// The mean difference A − B and its interval.
    public var summary: ConfidenceInterval
    /// Seeds on which A is better than B, B better than A, and exactly equal.
    public var ahead: Int, behind: Int, ties: Int

    /// Precondition: both arms have the same seeds in the same order.
    public init(_ a: TrialArm, _ b: TrialArm, better: Better = .higher) {
        require(
            a.seeds == b.seeds,
            "PairedComparison '\(a.name)' − '\(b.name)': the arms ran different seeds "
                + "(\(a.seeds.count) and \(b.seeds.count)); pair only runs of the same seeds")
        require(a.summary.level == b.summary.level, "PairedComparison: the arms have different levels")
        self.a = a
        self.b = b
        self.better = better
        differences = zip(a.values, b.values).map { $0 - $1 }
        summary = ConfidenceInterval(differences, level: a.summary.level)
        ahead = differences.filter { better.sign * $0 > 0 }.count
        behind = differences.filter { better.sign * $0 < 0 }.count
        ties = differences.count - ahead - behind
    }

    /// The status of the post's claim about A against B (`.better`: A beats B), by the rule of `ClaimStatus`.
    public func status(_ claim: PostClaim) -> ClaimStatus {
        let s = summary, sign = better.sign
        let (l, u) = (sign * s.lower, sign * s.upper)
        return ClaimStatus(claim, estimate: sign * s.mean, lower: Swift.min(l, u), upper: Swift.max(l, u))
    }

    public var description: String {
        let s = summary
        let n = NumberFormat.alike([s.mean, s.lower, s.upper], decimals: a.decimals, signed: true)
        var text =
            "\(a.name) − \(b.name): \(n[0]) [\(n[1]), \(n[2])] (\(s.levelText) CI, \(TrialArm.seedCount(s.count))), "
            + "\(a.name) ahead on \(ahead) of \(s.count)"
        if ties > 0 { text += ties == 1 ? ", 1 tie" : ", \(ties) ties" }
        return text
    }
}
