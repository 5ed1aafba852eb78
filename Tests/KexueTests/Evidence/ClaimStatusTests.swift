import Testing

@testable import Kexue

@Suite struct ClaimStatusTests {
    @Test func rawValuesAreTheBooksStatuses() {
        #expect(ClaimStatus.allCases.map(\.rawValue) == ["reproduced", "qualitative", "not-reproduced"])
    }

    /// Each branch of the rule, as (estimate, lower, upper) of an improvement.
    @Test func directionalClaim() {
        func status(_ e: Double, _ l: Double, _ u: Double) -> ClaimStatus {
            ClaimStatus(.better, estimate: e, lower: l, upper: u)
        }
        #expect(status(0.3, 0.1, 0.5) == .reproduced)  // CI excludes 0 on the post's side
        #expect(status(0.1, -0.1, 0.3) == .qualitative)  // direction agrees, CI includes 0
        #expect(status(-0.3, -0.5, -0.1) == .notReproduced)  // CI excludes the post's side
        #expect(status(-0.1, -0.3, 0.1) == .notReproduced)  // against the post, CI includes 0 (the rule's open case)
        #expect(status(0, 0, 0) == .notReproduced)  // no effect at all
        #expect(status(0.2, .nan, .nan) == .qualitative)  // one seed: never reproduced
    }

    @Test func equivalenceAndNonInferiority() {
        func same(_ e: Double, _ l: Double, _ u: Double) -> ClaimStatus {
            ClaimStatus(.asGoodAs(margin: 0.01), estimate: e, lower: l, upper: u)
        }
        #expect(same(0.001, -0.008, 0.01) == .reproduced)  // within ±0.01, the ends included
        #expect(same(-0.002, -0.02, 0.016) == .qualitative)
        #expect(same(0.03, 0.02, 0.04) == .notReproduced)  // clearly better is not "as good as"
        #expect(same(-0.012, -0.03, 0.006) == .notReproduced)
        func noWorse(_ e: Double, _ l: Double, _ u: Double) -> ClaimStatus {
            ClaimStatus(.noWorse(margin: 0.01), estimate: e, lower: l, upper: u)
        }
        #expect(noWorse(0.03, 0.02, 0.04) == .reproduced)
        #expect(noWorse(-0.005, -0.02, 0.01) == .qualitative)
        #expect(noWorse(-0.03, -0.04, -0.02) == .notReproduced)
    }

    /// An arm against a reference, in both directions of `Better`.
    @Test func armAgainstReference() {
        let speedups = TrialArm("speed-up", values: [1.21, 1.18, 1.25, 1.19, 1.23, 1.2])
        #expect(speedups.status(.better, reference: 1) == .reproduced)
        #expect(speedups.status(.better, reference: 1.3) == .notReproduced)
        #expect(speedups.status(.better, reference: 1.3, better: .lower) == .reproduced)
        #expect(speedups.status(.better, reference: 1.21) == .qualitative)
    }
}
