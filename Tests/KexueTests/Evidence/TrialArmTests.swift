import Testing

@testable import Kexue

@Suite struct TrialArmTests {
    /// Summary numbers from `ConfidenceIntervalTests` (checked there against SciPy), printed by the fixed rule.
    @Test func printedForm() {
        let arm = TrialArm("GP", values: PairedComparisonTests.table.a)
        #expect(arm.description == "GP: 0.9243 ± 0.0306 (mean ± sd), 95% CI [0.8987, 0.9499], 8 seeds")
        var two = TrialArm("EGP", values: [0.5, 0.75], level: 0.9, decimals: 2)
        #expect(two.description == "EGP: 0.62 ± 0.18 (mean ± sd), 90% CI [-0.16, 1.41], 2 seeds")
        two.decimals = 3
        #expect(two.description == "EGP: 0.625 ± 0.177 (mean ± sd), 90% CI [-0.164, 1.414], 2 seeds")
        #expect(TrialArm("x", values: [3]).description == "x: 3.0000 ± nan (mean ± sd), 95% CI [nan, nan], 1 seed")
    }

    /// Large values switch the whole line to scientific notation, as printed tensors do.
    @Test func largeValuesPrintScientific() {
        let arm = TrialArm("tokens/s", values: [2.0e6, 2.2e6, 2.1e6])
        #expect(
            arm.description
                == "tokens/s: 2.1000e+06 ± 1.0000e+05 (mean ± sd), 95% CI [1.8516e+06, 2.3484e+06], 3 seeds")
    }

    @Test func numberFormatDoubleMatchesFloatForm() {
        // The Double overload follows the Float rule; literals still pick the Float form.
        #expect(NumberFormat.fixed(-0.00005) == "0.0000")
        #expect(NumberFormat.fixed(1.00000001 as Double, decimals: 8) == "1.00000001")  // rounded in Double
        #expect(NumberFormat.fixed(Float(1.00000001), decimals: 8) == "1.00000000")
        #expect(NumberFormat.scientific(1234567.0 as Double) == "1.2346e+06")
        #expect(NumberFormat.alike([0.00001, -0.5, 0], decimals: 4, signed: true) == ["0.0000", "-0.5000", "0.0000"])
        #expect(NumberFormat.alike([0.25, .nan], decimals: 2, signed: true) == ["+0.25", "nan"])
    }
}
