import Testing

@testable import Kexue

/// The printed decision: the status by `ClaimStatus`'s rule, and a reason naming the case that decided it, in the
/// one form the book tool reads back (`claim NAME: STATUS (REASON)`).
@Suite struct ClaimDecisionTests {
    let a = TrialArm("A", values: [1.0, 1.2, 1.1, 1.3, 1.25, 1.15, 1.05, 1.2])
    let b = TrialArm("B", values: [0.9, 1.0, 1.05, 1.1, 1.2, 1.0, 1.0, 1.1])
    let c = TrialArm("C", values: [1.01, 1.1, 1.3, 1.2, 1.2, 1.2, 1.0, 1.25])

    @Test func pairedDecisionsByCase() {
        #expect(
            a.versus(b).decide("a-beats-b", .better).description
                == "claim a-beats-b: reproduced (post: A higher than B: the 95% CI of A − B [+0.0589, +0.1661] excludes zero on the post's side)"
        )
        #expect(
            b.versus(a).decide("b-beats-a", .better).description
                == "claim b-beats-a: not-reproduced (post: B higher than A: the 95% CI of B − A [-0.1661, -0.0589] excludes zero on the other side)"
        )
        #expect(
            a.versus(c).decide("a-like-c", .asGoodAs(margin: 0.05)).description
                == "claim a-like-c: qualitative (post: A as good as C, within ±0.0500: the estimate -0.0013 is within the margin, but the 95% CI of A − C [-0.0849, +0.0824] is not)"
        )
        #expect(a.versus(c).decide("a-beats-c", .better).status == .notReproduced)
        #expect(a.versus(c).decide("a-no-worse", .noWorse(margin: 0.1)).status == .reproduced)
        #expect(
            a.versus(c).decide("a-no-worse", .noWorse(margin: 0.05)).reason
                == "post: A no worse than C by more than 0.0500: the estimate -0.0013 is within the margin, but the 95% CI of A − C [-0.0849, +0.0824] reaches beyond it"
        )
    }

    /// For a metric where lower is better (a loss), "A better than B" means A − B below zero.
    @Test func lowerIsBetter() {
        let d = b.versus(a, better: .lower).decide("b-lower", .better)
        #expect(d.status == .reproduced)
        #expect(
            d.reason == "post: B lower than A: the 95% CI of B − A [-0.1661, -0.0589] excludes zero on the post's side")
    }

    @Test func armAgainstAReference() {
        #expect(
            a.decide("above-one", .better, reference: 1).description
                == "claim above-one: reproduced (post: A higher than 1.0000: the 95% CI of the mean [1.0714, 1.2411] excludes 1.0000 on the post's side)"
        )
        #expect(a.decide("above-1-15", .better, reference: 1.15).status == .qualitative)
        #expect(a.decide("above-1-2", .better, reference: 1.2).status == .notReproduced)
    }

    /// One seed has no interval: never reproduced.
    @Test func oneSeed() {
        let one = TrialArm("A", values: [1.2]), other = TrialArm("B", values: [1.0])
        let d = one.versus(other).decide("one", .better)
        #expect(d.status == .qualitative)
        #expect(d.reason.contains("one seed gives no interval"))
    }

    @Test func namesAreWhatAClaimsLineCanHold() {
        #expect(ClaimDecision.isValidName("egp-vs-gp-2"))
        #expect(!ClaimDecision.isValidName("EGP vs GP"))
        #expect(!ClaimDecision.isValidName(""))
        #expect(!ClaimDecision.isValidName("a:b"))
    }
}
