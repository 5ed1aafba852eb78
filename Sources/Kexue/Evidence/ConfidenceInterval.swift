/// A two-sided confidence interval for a mean from n independent values (seeds): mean ± t_{(1+level)/2, n−1} · s/√n,
/// with s the sample standard deviation (divisor n − 1) and t Student's quantile (`StudentT`).
///
/// What it assumes: the values are independent draws (one per seed) and their mean is roughly normal, which
/// for a handful of seeds means the per-seed values themselves should not be wildly skewed. What it does not
/// account for: anything shared by all seeds (the data set, the code), so it bounds the seed-to-seed noise only.
/// With one value the spread is unknown: `standardDeviation`, `lower` and `upper` are NaN (printed `nan`).
public struct ConfidenceInterval: Sendable, Equatable {
    /// The mean of the values.
    public var mean: Double
    /// The sample standard deviation (divisor n − 1); NaN for n = 1.
    public var standardDeviation: Double
    /// n, the number of values (seeds).
    public var count: Int
    /// The coverage, 0.95 for a 95 % interval.
    public var level: Double
    /// The lower end, mean − t·s/√n; NaN for n = 1.
    public var lower: Double
    /// The upper end, mean + t·s/√n; NaN for n = 1.
    public var upper: Double

    /// Summarises `values` (at least one). Sums run in the order given, so the result is a function of the values
    /// in seed order alone. Precondition: 0 < level < 1.
    public init(_ values: [Double], level: Double = 0.95) {
        require(!values.isEmpty, "ConfidenceInterval: no values")
        require(level > 0 && level < 1, "ConfidenceInterval: level \(level) not in (0, 1)")
        let n = values.count
        // Two passes: the mean, then squared deviations from it (no cancellation of large sums).
        let mean = values.reduce(0, +) / Double(n)
        self.mean = mean
        self.count = n
        self.level = level
        guard n >= 2 else {
            (standardDeviation, lower, upper) = (.nan, .nan, .nan)
            return
        }
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        standardDeviation = (squares / Double(n - 1)).squareRoot()
        let halfWidth =
            StudentT.quantile((1 + level) / 2, degreesOfFreedom: Double(n - 1))
            * standardDeviation / Double(n).squareRoot()
        lower = mean - halfWidth
        upper = mean + halfWidth
    }

    /// Whether `x` lies in [lower, upper].
    public func contains(_ x: Double) -> Bool { lower <= x && x <= upper }

    /// `95%` for 0.95, `99.9%` for 0.999 (one decimal at most).
    var levelText: String {
        let tenths = Int((level * 1000).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10)%" : "\(tenths / 10).\(tenths % 10)%"
    }
}
