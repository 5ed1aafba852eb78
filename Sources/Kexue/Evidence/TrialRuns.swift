/// The results of `Trials.run`, in seed order.
public struct TrialRuns<Result> {
    /// The seeds, in the order the trials were given them.
    public var seeds: [UInt64]
    /// The trial's result on each seed, index-aligned with `seeds`.
    public var results: [Result]

    /// The arm named `name` whose value on each seed is `metric` of that seed's result.
    public func arm(_ name: String, level: Double = 0.95, decimals: Int = 4, _ metric: (Result) -> Double) -> TrialArm {
        TrialArm(name, values: results.map(metric), seeds: seeds, level: level, decimals: decimals)
    }
}

extension TrialRuns where Result == Double {
    /// The arm of a trial that returns one number.
    public func arm(_ name: String, level: Double = 0.95, decimals: Int = 4) -> TrialArm {
        arm(name, level: level, decimals: decimals) { $0 }
    }
}

extension TrialRuns: Sendable where Result: Sendable {}
