import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The modes and keys of issue 14 (display, aside, unordered, optimize=none, stdin, inline expectations,
/// tasks), each on a fixture chapter; failing fixtures have `.errors` goldens, pages `.html` goldens.
@Suite struct ModeTests {
    private func passes(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> (
        CheckedChapter, BookBuilder.ChapterReport
    ) {
        let (checked, report) = try Fixtures.check(name)
        #expect(
            report.errors.isEmpty, "\(report.errors.map(\.description).joined(separator: "\n"))",
            sourceLocation: sourceLocation)
        return (checked, report)
    }

    /// Builds a fixture with both caches off: the programs compile and run afresh.
    private func uncached(_ name: String) throws -> (CheckedChapter, BookBuilder.ChapterReport) {
        let (toolchain, library) = try Fixtures.environment.get()
        var options = BookBuilder.Options(root: Fixtures.packageRoot)
        options.useCache = false
        return try BookBuilder(options: options).chapter(
            try Fixtures.source(name), library: library, toolchain: toolchain)
    }

    @Test(arguments: [
        "aside-scope", "aside-breaks-prefix", "traps-breaks-prefix", "inline-mismatch", "inline-errors",
        "unordered-mismatch", "trap-messages", "stdin-errors",
    ])
    func failureIsLocated(_ name: String) throws {
        let (_, report) = try Fixtures.check(name)
        #expect(!report.errors.isEmpty, "the fixture \(name) must fail")
        Fixtures.expectGolden(report.errors.map(\.description).joined(separator: "\n\n") + "\n", "\(name).errors")
    }

    /// An aside may redeclare what the segment declared (shadowing), for its own run only: the snippet
    /// after it sees the segment's `rate`.
    @Test func asideMayRedeclare() throws {
        let (_, report) = try passes("aside-redeclares")
        #expect(report.checked == 3 && report.passed == 3)
    }

    /// A template with placeholders and a grammar production: shown, in no program, never compiled.
    @Test func displayIsShownNeverCompiled() throws {
        let (checked, report) = try passes("display")
        #expect(report.snippets == 3 && report.checked == 1)
        let plans = Build.plan(checked.chapter)
        #expect(plans.count == 1 && plans[0].snippets.map(\.index) == [2])
        let body = ChapterPage.chapterBody(checked).0
        #expect(body.contains("<figure class=\"snippet display\" id=\"snippet-grammar\">"))
        #expect(body.contains("<span class=\"tok-placeholder\">&lt;#ReturnType#&gt;</span>"))
        Fixtures.expectGolden(body, "display.html")
    }

    /// An aside sees and changes the segment's state in a program of its own: the next snippet still sees
    /// the old value, and its declarations reach no later snippet (aside-scope.errors).
    @Test func asideSeesStateAndAddsNothing() throws {
        let (checked, report) = try passes("aside")
        #expect(report.checked == 3 && report.passed == 3)
        #expect(checked.outcomes[1]?.stdout == "total 15 1\n")
        let plans = Build.plan(checked.chapter)
        #expect(plans.map(\.purpose) == [.aside(snippet: 1), .main])
        #expect(plans[0].snippets.map(\.index) == [0, 1] && plans[1].snippets.map(\.index) == [0, 2])
        let body = ChapterPage.chapterBody(checked).0
        #expect(body.contains("<figure class=\"snippet aside\" id=\"snippet-sidebar\">"))
        #expect(body.contains("total 15 1"))
        #expect(
            body.contains("<div class=\"note\">An aside: the snippets after it do not see its changes.</div></figure>"))
    }

    /// A trap inside an aside is an error at the aside (the snippets after it still run); an output block
    /// after a display snippet is a format error.
    @Test func asideTrapAndDisplayOutputAreErrors() throws {
        let text = """
            # Errors

            ```swift
            let values = [1, 2]
            ```

            ```swift aside
            print(values[2])
            ```

            ```swift
            print(values.count)
            ```

            ```output
            2
            ```

            """
        let (checked, report) = try Fixtures.check("aside-trap", text: text)
        #expect(
            report.errors.map(\.description).map { $0.components(separatedBy: "\n")[0] }
                == ["Fixtures/aside-trap.md:8:13: error: snippet #2 trapped: Trap: Illegal instruction (SIGILL)"])
        #expect(
            checked.outcomes[2]?.ran == true && report.checked == 2 && report.passed == 2,
            "the aside is not compared; the snippets around it are")
        let (_, display) = try Fixtures.check(
            "display-output", text: "# D\n\n```swift display\nprint(1)\n```\n\n```output\n1\n```\n")
        #expect(
            display.errors.map(\.description).first?.hasPrefix(
                "Fixtures/display-output.md:7:1: error: snippet #1 is 'display', which has no checked output, but an output block follows it"
            ) == true)
    }

    /// `// Prints` (escapes, several per snippet) and `// Output:` are checked; the page does not repeat them.
    @Test func inlineExpectationsAreChecked() throws {
        let (checked, report) = try passes("inline-expectations")
        #expect(report.checked == 3 && report.passed == 3)
        #expect(
            checked.chapter.snippets[0].expected?.text
                == "Hello, world!\na \"quoted\" word\ntwo\nlines\npi is about 3.14159\n")
        let body = ChapterPage.chapterBody(checked).0
        #expect(!body.contains("<div class=\"output\">"), "the comments already show the output")
        Fixtures.expectGolden(body, "inline-expectations.html")
        // The tolerance applies: 3.141592 is within 1e-5 of 3.14159... and 3.2 is not.
        let text = try String(
            contentsOf: Fixtures.directory.appendingPathComponent("inline-expectations.md"), encoding: .utf8)
        let (_, drifted) = try Fixtures.check(
            "inline-expectations", text: text.replacingOccurrences(of: "about 3.14159\"", with: "about 3.2\""))
        #expect(drifted.errors.map(\.kind) == [.output])
        #expect(drifted.errors.first?.location?.line == 10, "located at the comment")
    }

    @Test func unorderedComparesAMultiset() throws {
        let (checked, _) = try passes("unordered")
        // The Set's order is not sorted (so unordered is needed), and stable: a fresh compile and run gives
        // the same lines in the same order.
        #expect(
            checked.chapter.snippets[0].expected.map { OutputComparison.lines($0.text) } == [
                "prime 2", "prime 3", "prime 5", "prime 7", "prime 11",
            ])
        let (again, report) = try uncached("unordered")
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(again.outcomes[1]?.stdout == checked.outcomes[1]?.stdout)
        #expect(OutputComparison.compare(expected: "b 2\na 1.0\n", actual: "a 1.000001\nb 2\n", unordered: true) == nil)
        #expect(OutputComparison.compare(expected: "b 2\na 1.0\n", actual: "a 1.000001\nb 2\n") != nil)
        #expect(
            OutputComparison.compare(expected: "a\na\nb\n", actual: "a\nb\nb\n", unordered: true) != nil,
            "a multiset, not a set")
    }

    /// `optimize=none` compiles its programs -Onone: an assert traps with its message; under -O an index
    /// error traps without one, and the error's hint names optimize=none (trap-messages.errors).
    @Test func optimizeNoneShowsTrapMessages() throws {
        let (checked, _) = try passes("optimize")
        #expect(
            checked.outcomes[0]?.trap?.contains("balance must not be negative") == true,
            "\(String(describing: checked.outcomes[0]?.trap))")
        #expect(checked.outcomes[1]?.trap?.hasPrefix("Trap: ") == true)
        let plans = Build.plan(checked.chapter)
        #expect(plans.map(\.isOptimized) == [false, true, true])
        #expect(Build.compileFlags(runs: true, optimized: false).contains("-Onone"))
        #expect(!Build.compileFlags(runs: true, optimized: false).contains("-O"))
        #expect(Build.compileFlags(runs: true).contains("-O"))
        #expect(Extract.dump(checked.chapter).contains("snippet #1 traps optimize=none lines 5-8"))
        #expect(
            Extract.dump(Extract.chapter(Parse.chapter(try Fixtures.source("unordered"))).0).contains(
                "snippet #1 normal unordered lines 5-8"))
    }

    /// Each snippet reads its own ```stdin block; one without reads end of file at once.
    @Test func stdinPerSnippet() throws {
        let (checked, report) = try passes("stdin")
        #expect(report.passed == 4)
        #expect(checked.chapter.snippets[0].stdin?.text == "Ada\n36\n")
        let body = ChapterPage.chapterBody(checked).0
        #expect(
            body.contains(
                "<div class=\"stdin\"><div class=\"label\">Input</div><pre>first\nsecond &quot;quoted&quot; \\ back\n</pre></div>"
            )
                || body.contains(
                    "<div class=\"stdin\"><div class=\"label\">Input</div><pre>first\nsecond \"quoted\" \\ back\n</pre></div>"
                ))
    }

    /// `--fix` writes a missing output block after the snippet's ```stdin block, which it keeps; the dump
    /// shows the new fields.
    @Test func fixKeepsTheStdinBlock() throws {
        let original = try String(contentsOf: Fixtures.directory.appendingPathComponent("stdin.md"), encoding: .utf8)
        let stripped = original.replacingOccurrences(of: "\n```output\nAda is 36\n```\n", with: "")
        #expect(stripped != original)
        let (checked, report) = try Fixtures.check("stdin", text: stripped)
        #expect(report.errors.count == 1)
        let restored = Fix.apply(
            to: stripped, chapter: checked.chapter, outcomes: checked.outcomes, comparable: { _ in true })
        #expect(restored == original)
        let body = ChapterPage.chapterBody(checked).0
        #expect(body.components(separatedBy: "Ada").count == 3, "the input once, the output once: \(body)")
        let dump = Extract.dump(checked.chapter)
        #expect(dump.contains("      stdin lines 9-12\n      < Ada\n      < 36\n"), "\(dump)")
        let inline = Extract.dump(Extract.chapter(Parse.chapter(try Fixtures.source("inline-expectations"))).0)
        #expect(
            inline.contains("output inline: // Prints at lines 5, 7, 8, 10")
                && inline.contains("output inline: // Output: at line 19"), "\(inline)")
    }

    /// Top-level `await` works, and a Task the snippet awaits prints inside that snippet.
    @Test func awaitedTaskOutputBelongsToItsSnippet() throws {
        let (checked, _) = try passes("tasks")
        #expect(checked.outcomes[1]?.stdout == "started\nfrom the task\ntask returned 42\n")
    }
}

/// `--fix` on inline expectations and on output that changes between runs.
@Suite struct ModeFixTests {
    /// Writes `text` as `Fixtures/NAME.md` in a scratch book root and builds it with `--fix`; returns the
    /// report and the file's text afterwards.
    private func fix(_ name: String, text: String) throws -> (BookBuilder.ChapterReport, String) {
        let scratch = try ScratchFolder("modefix-\(name)")
        defer { scratch.remove() }
        try scratch.write("Fixtures/\(name).md", text)
        let (_, report) = try Fixtures.check(name, text: text, root: scratch.root, fix: true)
        return (report, try scratch.read("Fixtures/\(name).md"))
    }

    /// `// Prints` comments are rewritten in place (the code before them kept), `// Output:` comments whole.
    @Test func fixRewritesInlineComments() throws {
        let original = try String(
            contentsOf: Fixtures.directory.appendingPathComponent("inline-mismatch.md"), encoding: .utf8)
        let (report, repaired) = try fix("inline-mismatch", text: original)
        #expect(report.fixed && report.errors.isEmpty, "\(report.errors)")
        Fixtures.expectGolden(repaired, "inline-mismatch.fixed.md")
        let (_, again) = try Fixtures.check("inline-mismatch", text: repaired)
        #expect(again.errors.isEmpty)
    }

    /// One `// Prints` comment, two lines printed: --fix cannot know where the second goes; it says so at
    /// the comment and leaves the file alone.
    @Test func fixRefusesPrintsOfAnotherLineCount() throws {
        let text = "# P\n\n```swift\nprint(1)\nprint(2) // Prints \"1\"\n```\n"
        let (report, after) = try fix("prints-count", text: text)
        #expect(after == text)
        #expect(!report.fixed)
        #expect(
            report.errors.map(\.description).contains {
                $0.hasPrefix(
                    "Fixtures/prints-count.md:5:10: error: --fix cannot rewrite the `// Prints` comments of snippet #1: they expect 1 line(s), it printed 2"
                )
            }, "\(report.errors.map(\.description))")
    }

    /// A snippet whose output differs between two runs is not recorded, and nothing else in the file is
    /// either: the error names the differing line.
    @Test func fixRefusesOutputThatDiffersBetweenRuns() throws {
        let text = """
            # Unstable

            ```swift
            print("stable")
            ```

            ```output
            stale
            ```

            ```swift
            print("draw", UInt64.random(in: 0 ... .max))
            ```

            """
        let (report, after) = try fix("unstable", text: text)
        #expect(after == text, "the chapter file is left untouched")
        #expect(!report.fixed)
        let unstable = report.errors.filter { $0.message.contains("printed different output in two runs") }
        #expect(unstable.count == 1 && unstable.first?.location?.line == 11, "\(report.errors.map(\.description))")
        #expect(
            unstable.first?.detail.contains("line 1: ") == true && unstable.first?.detail.contains("run 2:") == true)
    }
}

/// The `--fix` stability check through the command line: exit 1, the located error on stderr, the file as it was.
@Suite struct ModeFixCommandTests {
    @Test func unstableOutputFailsTheBuildAndKeepsTheFile() throws {
        let text = "# Unstable\n\n```swift\nprint(\"draw\", UInt64.random(in: 0 ... .max))\n```\n"
        let book = try ScratchChapters("modes-unstable", chapters: ["unstable": text])
        defer { book.remove() }
        let result = try book.book(["build", "--fix"], timeout: 300)
        let stderr = String(decoding: result.stderr + result.stdout, as: UTF8.self)
        #expect(result.termination == .exited(1), "\(stderr)")
        #expect(
            stderr.contains(
                "chapters/unstable.md:3:1: error: snippet #1 printed different output in two runs; --fix recorded nothing"
            ), "\(stderr)")
        #expect(try book.read("chapters/unstable.md") == text)
    }
}

/// Quoted values in the info string, with located errors.
@Suite struct QuotedInfoStringTests {
    let here = SourcePosition(file: "chapters/x.md", line: 7, column: 4)

    @Test func quotedValuesKeepSpacesAndEscapes() throws {
        let words = try InfoString.words(#"swift fails="cannot convert \"Int\" to \\ String" id=a"#, at: here)
        #expect(words.map(\.1) == ["swift", #"fails=cannot convert "Int" to \ String"#, "id=a"])
        #expect(words.map(\.0) == [0, 6, 50])
        #expect(try InfoString.parse(#"swift tolerance="1e-3""#, at: here).tolerance == 1e-3)
    }

    @Test func unterminatedQuoteIsLocated() {
        #expect(throws: BookError.self) { try InfoString.parse(#"swift id="open"#, at: here) }
        do {
            _ = try InfoString.parse(#"swift id="open"#, at: here)
        } catch {
            #expect(error.description.hasPrefix("chapters/x.md:7:13: error: quoted value is not closed"))
        }
    }

    /// The fence line as written reaches the parser (cmark would have removed the backslashes).
    @Test func extractReadsTheFenceLineAsWritten() {
        let text = "# T\n\n```swift id=\"a\\\"b\"\nprint(1)\n```\n"
        let source = ChapterSource(slug: "q", path: "chapters/q.md", title: "q", summary: "", text: text)
        let (_, errors) = Extract.chapter(Parse.chapter(source))
        #expect(
            errors.map(\.description).first?.hasPrefix("chapters/q.md:3:10: error: snippet id 'a\"b' is not a name")
                == true,
            "\(errors.map(\.description))")
    }

    @Test(arguments: [("swift unordered", true), ("swift", false)])
    func unorderedWord(_ info: String, _ expected: Bool) throws {
        #expect(try InfoString.parse(info, at: here).unordered == expected)
    }

    @Test func optimizeKey() throws {
        #expect(try InfoString.parse("swift optimize=none", at: here).unoptimized)
        #expect(throws: BookError.self) { try InfoString.parse("swift optimize=fast", at: here) }
    }
}
