/// One arm of a multi-seed experiment: a named metric's value on each seed, and its summary.
///
/// ```swift
/// let runs = Trials(seeds: 8).run { seed in (gp: trainF1(.gp, seed), egp: trainF1(.egp, seed)) }
/// let gp = runs.arm("GP") { $0.gp }, egp = runs.arm("EGP") { $0.egp }
/// print(gp)              // GP: 0.9242 ± 0.0301 (mean ± sd), 95% CI [0.8990, 0.9494], 8 seeds
/// print(egp.versus(gp))  // EGP − GP: +0.0041 [-0.0123, +0.0205] (95% CI, 8 seeds), EGP ahead on 5 of 8
/// ```
///
/// The printed form (`description`) is a function of the values alone, digit for digit: the numbers go through
/// `NumberFormat` (fixed notation with `decimals` digits, half to even; all in scientific notation when one
/// |x| ≥ 1e6), minus signs are ASCII so the book's output check reads them as numbers.
public struct TrialArm: Sendable, CustomStringConvertible {
    /// The arm's label in printed results (`GP`).
    public var name: String
    /// The seeds, in the order of `values`.
    public var seeds: [UInt64]
    /// The metric on each seed.
    public var values: [Double]
    /// Mean, sample standard deviation and the Student t interval of the mean.
    public var summary: ConfidenceInterval
    /// Digits after the point in `description` (0...8).
    public var decimals: Int

    /// - Parameters:
    ///   - seeds: defaults to 0, 1, 2, ... Two arms are compared seed by seed, so give the real seeds when the
    ///     values did not come from `Trials`.
    ///   - level: the interval's coverage.
    public init(_ name: String, values: [Double], seeds: [UInt64]? = nil, level: Double = 0.95, decimals: Int = 4) {
        let seeds = seeds ?? values.indices.map { UInt64($0) }
        require(seeds.count == values.count, "TrialArm '\(name)': \(values.count) values for \(seeds.count) seeds")
        self.name = name
        self.seeds = seeds
        self.values = values
        self.summary = ConfidenceInterval(values, level: level)
        self.decimals = decimals
    }

    /// The mean of `values` (`summary.mean`).
    public var mean: Double { summary.mean }
    /// The sample standard deviation of `values` (divisor n − 1); NaN for one seed.
    public var standardDeviation: Double { summary.standardDeviation }

    /// `GP: 0.9242 ± 0.0301 (mean ± sd), 95% CI [0.8990, 0.9494], 8 seeds` (`1 seed` for one).
    public var description: String {
        let s = summary
        let n = NumberFormat.alike([s.mean, s.standardDeviation, s.lower, s.upper], decimals: decimals)
        return
            "\(name): \(n[0]) ± \(n[1]) (mean ± sd), \(s.levelText) CI [\(n[2]), \(n[3])], \(TrialArm.seedCount(s.count))"
    }

    /// The paired comparison of this arm (A) against `other` (B) on the same seeds.
    public func versus(_ other: TrialArm, better: Better = .higher) -> PairedComparison {
        PairedComparison(self, other, better: better)
    }

    /// The status of a claim about this arm's value against `reference` (the claim `.better` says the values lie
    /// on the better side of it), by the rule of `ClaimStatus`.
    public func status(_ claim: PostClaim, reference: Double = 0, better: Better = .higher) -> ClaimStatus {
        let s = summary, sign = better.sign
        let a = sign * (s.lower - reference), b = sign * (s.upper - reference)
        return ClaimStatus(claim, estimate: sign * (s.mean - reference), lower: Swift.min(a, b), upper: Swift.max(a, b))
    }

    static func seedCount(_ n: Int) -> String { n == 1 ? "1 seed" : "\(n) seeds" }
}
