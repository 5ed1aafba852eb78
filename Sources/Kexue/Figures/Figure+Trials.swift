/// Curves across seeds: the mean line with a band.
extension Figure {
    /// What the band around a mean curve shows.
    public enum Spread: Sendable, Equatable {
        /// Mean ± one sample standard deviation across seeds: how much one run varies.
        case standardDeviation
        /// The Student t interval of the mean at this level (0.95 for 95 %): where the mean curve may lie.
        case confidence(Double)
    }

    /// Adds the mean across seeds of `curves` as a series named `name`, and a band of the same name around it
    /// (`band NAME` in the figure text).
    ///
    /// - Parameters:
    ///   - curves: one curve per seed, `[seed][step]`, all of one length (e.g. `runs.results.map(\.losses)`).
    ///   - xs: the x value of each step; default 0, 1, 2, ...
    ///   - spread: the band's half-width. With one curve no spread is known and only the mean series is added.
    /// The mean at each step is the `ConfidenceInterval` mean of that step's values in seed order, so the figure
    /// is as deterministic as the curves.
    public func meanBand(
        _ name: String, xs: [Double]? = nil, curves: [[Double]],
        spread: Spread = .confidence(0.95)
    ) -> Figure {
        guard let steps = curves.first?.count, curves.allSatisfy({ $0.count == steps }) else {
            fatalError(
                "Figure.meanBand '\(name)': no curves, or curves of different lengths "
                    + "(\(curves.map(\.count)))")
        }
        let xs = xs ?? (0..<steps).map(Double.init)
        guard xs.count == steps else {
            fatalError("Figure.meanBand '\(name)': \(xs.count) x values for \(steps) steps")
        }
        let level: Double
        if case .confidence(let l) = spread { level = l } else { level = 0.95 }
        var mean: [Double] = [], lower: [Double] = [], upper: [Double] = []
        for step in 0..<steps {
            let s = ConfidenceInterval(curves.map { $0[step] }, level: level)
            mean.append(s.mean)
            switch spread {
            case .standardDeviation:
                lower.append(s.mean - s.standardDeviation)
                upper.append(s.mean + s.standardDeviation)
            case .confidence:
                lower.append(s.lower)
                upper.append(s.upper)
            }
        }
        let withSeries = series(name, xs: xs, ys: mean)
        return curves.count < 2 ? withSeries : withSeries.band(name, xs: xs, lower: lower, upper: upper)
    }
}
