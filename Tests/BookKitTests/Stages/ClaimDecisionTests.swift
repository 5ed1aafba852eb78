import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// A claims block is held to the decisions its snippets print (`Check.claimDecisions`), and `--exact` lets no
/// recorded number hide inside its tolerance.
@Suite struct ClaimDecisionTests {
    /// Each way a claims block can disagree with the evidence fails, located at the claim or the snippet: a status
    /// other than the decided one (the author's "reproduced" against the rule's "qualitative" and
    /// "not-reproduced"), a named decision that was never printed, a decision no claim names, a decision printed
    /// twice, a status the rule never gives. The one claim that agrees passes.
    @Test func claimsBlockFollowsTheDecisions() throws {
        let (_, report) = try Fixtures.check("claim-decisions")
        let text = report.errors.map(\.description).joined(separator: "\n\n") + "\n"
        #expect(report.errors.allSatisfy { $0.kind == .claim }, "\(text)")
        #expect(report.errors.count == 7)
        Fixtures.expectGolden(text, "claim-decisions.errors")
    }

    /// When every status agrees, the chapter passes and its claims box gives the rule's reason under each claim.
    @Test func agreeingClaimsPassAndShowTheirReason() throws {
        let text = """
            # Agreeing

            ```claims
            reproduced: A beats B (#paired:a-beats-b)
            ```

            ```swift id=paired
            import Kexue
            let a = TrialArm("A", values: [1.0, 1.2, 1.1, 1.3, 1.25, 1.15, 1.05, 1.2])
            let b = TrialArm("B", values: [0.9, 1.0, 1.05, 1.1, 1.2, 1.0, 1.0, 1.1])
            print(a.versus(b).decide("a-beats-b", .better))
            ```

            ```output
            claim a-beats-b: reproduced (post: A higher than B: the 95% CI of A − B [+0.0589, +0.1661] excludes zero on the post's side)
            ```
            """
        let (checked, report) = try Fixtures.check("agreeing", text: text)
        #expect(report.errors.isEmpty, "\(report.errors.map(\.description).joined(separator: "\n"))")
        let body = ChapterPage.chapterBody(checked).0
        #expect(
            body.contains(
                "Decided by the rule of chapter 0: post: A higher than B: the 95% CI of A − B [+0.0589, +0.1661] excludes zero on the post&#39;s side."
            ))
    }

    /// A claims line's reference: `(#id)` names a snippet, `(#id:name)` a decision it prints; a bad name is a
    /// located format error.
    @Test func claimLinesNameDecisions() {
        let plain = try? Extract.claim("reproduced: x (#train)", line: 3).get()
        #expect(plain?.snippetID == "train" && plain?.decision == nil)
        let named = try? Extract.claim("qualitative: x (#train:egp-vs-gp)", line: 3).get()
        #expect(named?.snippetID == "train" && named?.decision == "egp-vs-gp" && named?.text == "x")
        guard case .failure(let error) = Extract.claim("qualitative: x (#train:EGP vs GP)", line: 3) else {
            Issue.record("an invalid decision name was accepted"); return
        }
        #expect(error.message.contains("not a decision name"))
    }

    /// The decision lines of an output, and what is not one.
    @Test func decisionLinesAreReadBack() {
        let output =
            "A − B: +0.1\nclaim a-b: qualitative (why)\nclaim Not A Name: reproduced\nclaimed: x\nclaim c: reproduced\n"
        let found = DecidedClaim.all(in: output)
        #expect(found.map(\.name) == ["a-b", "c"])
        #expect(found.map(\.status) == ["qualitative", "reproduced"])
        #expect(found.map(\.reason) == ["why", ""])
        #expect(found.map(\.outputLine) == [2, 5])
    }

    /// `--exact`: a number typed close to the program's own passes inside the default tolerance and fails exactly;
    /// a measurement (`tolerance=measured`) is still compared by its text only; `--fix --exact` records the
    /// program's number.
    @Test func exactLetsNothingHideInTheTolerance() throws {
        let text = """
            # Exact

            ```swift id=typed
            print("H =", 0.8323955818399389)
            ```

            ```output
            H = 0.8323988190277182
            ```

            ```swift id=timing tolerance=measured
            print("speed-up", 1.31)
            ```

            ```output
            speed-up 1.2
            ```
            """
        let (_, loose) = try Fixtures.check("exact", text: text)
        #expect(loose.errors.isEmpty, "inside the default tolerance 1e-5")
        let (_, exact) = try Fixtures.check("exact", text: text, exact: true)
        #expect(exact.errors.count == 1)
        #expect(exact.errors.first?.location?.line == 7, "at the output block")
        #expect(exact.errors.first?.message.contains("--exact: numbers must be equal") == true)

        let scratch = try ScratchFolder("exact-fix")
        defer { scratch.remove() }
        let folder = scratch.root, file = scratch.url("chapters/exact.md")
        try scratch.write("chapters/exact.md", text)
        let (toolchain, library) = try Fixtures.environment.get()
        var options = BookBuilder.Options(root: folder, packageRoot: Fixtures.packageRoot)
        options.fix = true
        options.exact = true
        let source = ChapterSource(
            slug: "exact", path: "chapters/exact.md", title: "Exact", summary: "", text: text, file: file)
        _ = try BookBuilder(options: options).chapter(source, library: library, toolchain: toolchain)
        let fixed = try String(contentsOf: file, encoding: .utf8)
        #expect(fixed.contains("H = 0.8323955818399389"))
        #expect(fixed.contains("speed-up 1.2\n"), "a measurement keeps its recorded run")
    }

    /// The claims page: the book's tally, then each chapter's own, and decided claims marked.
    @Test func claimsPageTallies() {
        var one = Chapter(
            source: ChapterSource(slug: "one", path: "chapters/one.md", title: "One", summary: "", text: ""),
            snippets: [])
        one.boxes.claims = [
            Claim(status: .reproduced, text: "a", snippetID: "s", decision: "a", line: 3),
            Claim(status: .qualitative, text: "b", line: 4),
            Claim(status: .notAttempted, text: "c", line: 5),
        ]
        var two = Chapter(
            source: ChapterSource(slug: "two", path: "chapters/two.md", title: "Two", summary: "", text: ""),
            snippets: [])
        two.boxes.claims = [Claim(status: .notReproduced, text: "d", snippetID: "t", decision: "d", line: 3)]
        let tally = Render.tally(one.boxes.claims + two.boxes.claims)
        #expect(tally.contains("4 claims: "))
        #expect(
            tally.contains(">1 reproduced<") && tally.contains(">1 qualitative<")
                && tally.contains(">1 not reproduced<")
                && tally.contains(">1 not attempted<"))
        #expect(tally.hasSuffix("; 2 decided by the rule"))
    }
}
