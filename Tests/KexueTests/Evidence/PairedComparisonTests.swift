import Testing

@testable import Kexue

@Suite struct PairedComparisonTests {
    /// A fixed table of 8 seeds; seed 4 ties exactly. Reference values computed independently with NumPy 2.4.6 and
    /// SciPy 1.17.1: d = a − b, `d.mean()`, `d.std(ddof=1)`, mean ∓ `t.ppf(0.975, 7)` · sd/√8 (equal to
    /// `scipy.stats.ttest_rel(a, b).confidence_interval(0.95)`), and the signs of d.
    static let table = (
        a: [0.9312, 0.8875, 0.9540, 0.9101, 0.9423, 0.8790, 0.9655, 0.9248],
        b: [0.9281, 0.8902, 0.9466, 0.9050, 0.9423, 0.8701, 0.9598, 0.9210]
    )

    var comparison: PairedComparison {
        TrialArm("A", values: Self.table.a).versus(TrialArm("B", values: Self.table.b))
    }

    @Test func pairedIntervalMatchesSciPy() {
        let c = comparison
        // Both sides in Double, NumPy summing pairwise and we in order: each within γ_8·Σ|dᵢ|/8 of the exact mean
        // (dᵢ = aᵢ − bᵢ is exact by Sterbenz's lemma, aᵢ and bᵢ being within a factor 2), the sd within γ_12
        // relative (8 squares, the sum, the division, the root), the bounds t·sd/√8 add the t quantile's
        // documented 1e-12 relative (`StudentT`) to γ_4 relative for the products.
        let d = zip(Self.table.a, Self.table.b).map { $0 - $1 }
        let meanBound = 2 * Tolerance.dot(length: 8, magnitude: d.map(abs).reduce(0, +) / 8, unit: Tolerance.double)
        let sdBound = 2 * Tolerance.relative(0.0038050483383451172, roundings: 12, unit: Tolerance.double)
        let half = 0.007093600018668871 - 0.0039124999999999854
        let halfBound =
            half * (1e-12 + Tolerance.gamma(4, unit: Tolerance.double)) + sdBound * half / 0.0038050483383451172
        #expect(abs(c.summary.mean - 0.0039124999999999854) <= meanBound)
        #expect(abs(c.summary.standardDeviation - 0.0038050483383451172) <= sdBound)
        #expect(abs(c.summary.lower - 0.0007313999813310995) <= meanBound + halfBound)
        #expect(abs(c.summary.upper - 0.007093600018668871) <= meanBound + halfBound)
        #expect((c.ahead, c.behind, c.ties) == (6, 1, 1))
    }

    @Test func printedForm() {
        #expect(
            comparison.description
                == "A − B: +0.0039 [+0.0007, +0.0071] (95% CI, 8 seeds), A ahead on 6 of 8, 1 tie")
        let reversed = TrialArm("B", values: Self.table.b).versus(TrialArm("A", values: Self.table.a))
        #expect(
            reversed.description
                == "B − A: -0.0039 [-0.0071, -0.0007] (95% CI, 8 seeds), B ahead on 1 of 8, 1 tie")
        // Lower is better (a loss): A is ahead where it is lower.
        let loss = TrialArm("A", values: Self.table.a).versus(TrialArm("B", values: Self.table.b), better: .lower)
        #expect(loss.description.hasSuffix("A ahead on 1 of 8, 1 tie"))
        #expect(loss.status(.better) == .notReproduced)
    }

    @Test func statusByTheRule() {
        #expect(comparison.status(.better) == .reproduced)  // [+0.0007, +0.0071] excludes 0
        #expect(comparison.status(.asGoodAs(margin: 0.01)) == .reproduced)
        #expect(comparison.status(.asGoodAs(margin: 0.005)) == .qualitative)  // mean inside, CI not
        #expect(comparison.status(.asGoodAs(margin: 0.0005)) == .notReproduced)  // CI wholly above 0.0005
    }

    @Test func armsMustShareSeeds() async {
        await #expect(processExitsWith: .failure) {
            _ = TrialArm("A", values: [1, 2], seeds: [0, 1]).versus(TrialArm("B", values: [1, 2], seeds: [1, 2]))
        }
    }
}
