import Testing
@testable import Kexue

@Suite struct ConfidenceIntervalTests {
    /// Arm A of `PairedComparisonTests.table`. Reference by NumPy/SciPy: `a.mean()`, `a.std(ddof=1)`,
    /// mean ∓ `t.ppf(0.975, 7)` · sd/√8.
    @Test func meanSdAndInterval() {
        let s = ConfidenceInterval(PairedComparisonTests.table.a)
        #expect(abs(s.mean - 0.9243) <= 1e-15)
        #expect(abs(s.standardDeviation - 0.030611295767599075) <= 1e-15)
        #expect(abs(s.lower - 0.8987083163000922) <= 1e-14)
        #expect(abs(s.upper - 0.9498916836999078) <= 1e-14)
        #expect(s.count == 8 && s.contains(0.9) && !s.contains(0.95))
    }

    /// The formula written out: mean ± t · s/√n with the t of `StudentT`.
    @Test func formulaLiterally() {
        let values = [3.0, 1, 4, 1, 5]
        let s = ConfidenceInterval(values, level: 0.9)
        let mean = 14.0 / 5
        let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4).squareRoot()
        let half = StudentT.quantile(0.95, degreesOfFreedom: 4) * sd / 5.0.squareRoot()
        #expect(abs(s.lower - (mean - half)) <= 1e-14 && abs(s.upper - (mean + half)) <= 1e-14)
        #expect(s.levelText == "90%")
        #expect(ConfidenceInterval(values, level: 0.999).levelText == "99.9%")
    }

    @Test func oneValueHasNoSpread() {
        let s = ConfidenceInterval([0.5])
        #expect(s.mean == 0.5 && s.standardDeviation.isNaN && s.lower.isNaN && s.upper.isNaN)
        // Equal values: zero width, not NaN.
        let flat = ConfidenceInterval([2, 2, 2])
        #expect(flat.lower == 2 && flat.upper == 2)
    }
}
