import Testing

@testable import Kexue

@Suite struct ConfidenceIntervalTests {
    /// Arm A of `PairedComparisonTests.table`. Reference by NumPy/SciPy: `a.mean()`, `a.std(ddof=1)`,
    /// mean ∓ `t.ppf(0.975, 7)` · sd/√8.
    @Test func meanSdAndInterval() {
        let s = ConfidenceInterval(PairedComparisonTests.table.a)
        // As in `PairedComparisonTests.pairedIntervalMatchesSciPy`: two Double evaluations of an 8-term mean
        // (γ_8·mean each, the values being positive), of the sd (γ_12 relative each), and of t·sd/√8 with the t
        // quantile's documented 1e-12 relative.
        let meanBound = 2 * Tolerance.relative(0.9243, roundings: 8, unit: Tolerance.double)
        let sdBound = 2 * Tolerance.relative(0.030611295767599075, roundings: 12, unit: Tolerance.double)
        let half = 0.9498916836999078 - 0.9243
        let halfBound =
            half * (1e-12 + Tolerance.gamma(4, unit: Tolerance.double)) + sdBound * half / 0.030611295767599075
        #expect(abs(s.mean - 0.9243) <= meanBound)
        #expect(abs(s.standardDeviation - 0.030611295767599075) <= sdBound)
        #expect(abs(s.lower - 0.8987083163000922) <= meanBound + halfBound + Tolerance.double * 0.9)
        #expect(abs(s.upper - 0.9498916836999078) <= meanBound + halfBound + Tolerance.double * 0.95)
        #expect(s.count == 8 && s.contains(0.9) && !s.contains(0.95))
    }

    /// The formula written out: mean ± t · s/√n with the t of `StudentT`.
    @Test func formulaLiterally() {
        let values = [3.0, 1, 4, 1, 5]
        let s = ConfidenceInterval(values, level: 0.9)
        let mean = 14.0 / 5
        let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4).squareRoot()
        let half = StudentT.quantile(0.95, degreesOfFreedom: 4) * sd / 5.0.squareRoot()
        // The same operations in the same order on both sides except the library's own summation: γ_5 of the
        // mean, γ_8 of the half-width, one rounding of mean ± half.
        let bound =
            Tolerance.relative(mean, roundings: 5, unit: Tolerance.double)
            + Tolerance.relative(half, roundings: 8, unit: Tolerance.double) + Tolerance.double * (mean + half)
        #expect(abs(s.lower - (mean - half)) <= bound && abs(s.upper - (mean + half)) <= bound)
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
