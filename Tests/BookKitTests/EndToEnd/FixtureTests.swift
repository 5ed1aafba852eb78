import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// Each mode and each failure kind, on fixture chapters, with the exact located messages in golden files
/// (`Fixtures/NAME.errors`).
@Suite struct FixtureTests {
    @Test func everyModePasses() throws {
        // The one page golden with real KaTeX (the others typeset math readably): modes.md has one formula.
        let (checked, report) = try Fixtures.check("modes")
        #expect(report.errors.isEmpty, "\(report.errors.map(\.description).joined(separator: "\n"))")
        #expect(report.snippets == 10)
        // Checked: first, setup, hidden, tolerance, traps, after-trap, reset (silent is not checked;
        // compile-only and fails do not run).
        #expect(report.checked == 7)
        #expect(report.passed == 7)
        let body = ChapterPage.chapterBody(checked).0
        Fixtures.expectGolden(body, "modes.html")
    }

    /// A snippet's figures are taken out of its text output, checked against their blocks, and rendered
    /// as numbered, captioned SVG.
    @Test func figuresAreCheckedAndRendered() throws {
        let (checked, report) = try Fixtures.check("figures", math: .readable)
        #expect(report.errors.isEmpty, "\(report.errors.map(\.description).joined(separator: "\n"))")
        #expect(checked.outcomes[0]?.stdout == "plotting 4 points\n")
        #expect(checked.outcomes[0]?.figures.count == 2)
        let body = ChapterPage.chapterBody(checked).0
        #expect(body.contains("<figure class=\"plot-figure\" id=\"figure-2\">"))
        #expect(body.contains("aria-label=\"Figure 1: Squares and cubes on a log scale.\""))
        #expect(!body.contains("row 0.9 0.1"), "figure data is not shown as text")
        Fixtures.expectGolden(body, "figures.html")
    }

    /// A measurement (`tolerance=measured`): its numbers are not compared, its text is, and the page shows the
    /// recorded output and figure, not this run's, so two builds of the site stay byte-identical whatever the run
    /// measured.
    @Test func passingSnippetShowsItsRecordedOutput() throws {
        let text = """
            # Measured

            ```swift tolerance=measured
            import Kexue
            let measured = 3.75
            print("ratio", measured)
            Figure.bar(title: "T", x: "case", y: "s").series("t", ys: [measured]).show()
            ```

            ```output
            ratio 1.0
            ```

            ```figure Recorded.
            figure bar
            title T
            x case
            y s
            series t
            0.0 1.0
            ```

            """
        let (checked, report) = try Fixtures.check("measured", text: text)
        #expect(report.errors.isEmpty, "\(report.errors.map(\.description).joined(separator: "\n"))")
        #expect(checked.outcomes[0]?.stdout == "ratio 1.0\n")
        #expect(checked.outcomes[0]?.figures.first?.contains("0.0 1.0") == true)
        let body = ChapterPage.chapterBody(checked).0
        #expect(body.contains("<pre>ratio 1.0\n</pre>") && !body.contains("ratio 3.75"))
        // The text around the numbers is still checked.
        let (_, relabelled) = try Fixtures.check(
            "measured", text: text.replacingOccurrences(of: "ratio 1.0", with: "ratios 1.0"))
        #expect(relabelled.errors.map(\.kind) == [.output])
    }

    /// Boxes, numbered equations, \eqref links, escaping: the page a reader sees, as a golden file (math
    /// typeset readably, as its TeX).
    @Test func readingFeaturesRender() throws {
        let (checked, report) = try Fixtures.check("reading", math: .readable)
        #expect(report.errors.isEmpty, "\(report.errors.map(\.description).joined(separator: "\n"))")
        let body = ChapterPage.chapterBody(checked).0
        #expect(body.contains("<a class=\"eqref\" href=\"#eq-score\">(1)</a>"))
        #expect(body.contains("<span class=\"equation numbered\" id=\"eq-score\">"))
        #expect(body.contains("<span class=\"equation numbered\" id=\"eq-softmax\">"))
        #expect(body.contains("<aside class=\"box claims-box\""))
        #expect(body.contains("scale: 0.125 &lt;- for d = 64"))
        Fixtures.expectGolden(body, "reading.html")
    }

    @Test(arguments: [
        "wrong-output", "missing-output", "compile-error", "unexpected-trap", "missing-trap",
        "timeout", "unknown-mode", "flood", "fails-compiles", "math-errors", "figure-drift",
    ])
    func failureIsLocated(_ name: String) throws {
        let (_, report) = try Fixtures.check(name)
        #expect(!report.errors.isEmpty, "the fixture \(name) must fail")
        let text = report.errors.map(\.description).joined(separator: "\n\n") + "\n"
        Fixtures.expectGolden(text, "\(name).errors")
    }

    @Test func unexpectedTrapStopsLaterSnippets() throws {
        let (checked, _) = try Fixtures.check("unexpected-trap")
        #expect(checked.outcomes[0]?.ran == true)
        #expect(checked.outcomes[1]?.ran == false)
        #expect(checked.outcomes[1]?.stdout == "about to trap\n", "output before the trap survives")
        #expect(checked.outcomes[2]?.ran == false)
    }

    @Test func errorKinds() throws {
        let kinds: [(String, BookError.Kind)] = [
            ("wrong-output", .output), ("missing-output", .output), ("compile-error", .compile),
            ("unexpected-trap", .run), ("missing-trap", .run), ("timeout", .limit), ("unknown-mode", .chapterFormat),
            ("flood", .limit), ("fails-compiles", .compile), ("math-errors", .chapterFormat), ("figure-drift", .output),
        ]
        for (name, kind) in kinds {
            let (_, report) = try Fixtures.check(name)
            #expect(report.errors.first?.kind == kind, "\(name)")
        }
    }
}

/// `book build --fix` repairs output blocks byte-exactly and changes nothing else.
@Suite struct FixTests {
    /// Copies a fixture into a scratch book root, fixes it there, and returns the new text.
    private func fixed(_ name: String) throws -> String {
        let scratch = try ScratchFolder("fix-\(name)")
        defer { scratch.remove() }
        try scratch.write(
            "Fixtures/\(name).md",
            try String(contentsOf: Fixtures.directory.appendingPathComponent("\(name).md"), encoding: .utf8))
        let (_, report) = try Fixtures.check(name, root: scratch.root, fix: true)
        #expect(report.fixed)
        // After --fix only a caption may be missing (a new figure block has none until the author writes it).
        #expect(
            report.errors.allSatisfy { $0.message == "figure block has no caption" },
            "after --fix the chapter passes: \(report.errors)")
        let repaired = try scratch.read("Fixtures/\(name).md")
        // A second build of the repaired text passes without fixing anything.
        let (_, again) = try Fixtures.check(name, text: repaired)
        #expect(again.errors.allSatisfy { $0.message == "figure block has no caption" })
        return repaired
    }

    @Test func fixRepairsWrongOutput() throws {
        Fixtures.expectGolden(try fixed("wrong-output"), "wrong-output.fixed.md")
    }

    @Test func fixRecordsFigures() throws {
        Fixtures.expectGolden(try fixed("figure-drift"), "figure-drift.fixed.md")
    }

    @Test func fixInsertsMissingOutput() throws {
        Fixtures.expectGolden(try fixed("missing-output"), "missing-output.fixed.md")
    }

    /// Deleting every output block of a passing chapter and fixing restores the file byte for byte.
    @Test func fixRoundTrips() throws {
        let original = try String(contentsOf: Fixtures.directory.appendingPathComponent("modes.md"), encoding: .utf8)
        let parsed = Parse.chapter(try Fixtures.source("modes"))
        let (chapter, _) = Extract.chapter(parsed)
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for snippet in chapter.snippets.reversed() {
            guard let expected = snippet.expected else { continue }
            // The block and the blank line before it, as --fix inserts them.
            lines.removeSubrange((expected.fence.line - 2)...(expected.endLine - 1))
        }
        let stripped = lines.joined(separator: "\n")
        #expect(stripped != original)
        let (_, broken) = try Fixtures.check("modes", text: stripped)
        #expect(broken.errors.count == 5, "five snippets print without an output block")

        let (checked, _) = try Fixtures.check("modes", text: stripped)
        let comparable = Set(checked.outcomes.filter { $0.value.ran || $0.value.trap != nil }.map(\.key))
        let restored = Fix.apply(
            to: stripped, chapter: checked.chapter, outcomes: checked.outcomes,
            comparable: { comparable.contains($0.index) })
        #expect(restored == original)
    }
}
