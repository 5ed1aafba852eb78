import Foundation
import Testing
@testable import BookKit
import BookTestSupport

/// Cases found in review: each pins a behaviour that once went wrong.
@Suite struct ReviewRegressionTests {
    func parse(_ text: String) -> (ParsedChapter, Chapter, [BookError]) {
        let parsed = Parse.chapter(ChapterSource(slug: "t", path: "chapters/t.md", title: "T", summary: "", text: text))
        let (chapter, errors) = Extract.chapter(parsed)
        return (parsed, chapter, errors)
    }

    @Test func fixKeepsTheBlockQuoteAroundNewBlocks() {
        let text = "> Quoted:\n>\n> ```swift\n> print(1)\n> ```\n\nAfter.\n"
        let (_, chapter, errors) = parse(text)
        #expect(errors.isEmpty)
        var outcome = SnippetOutcome()
        outcome.stdout = "1\n\nend\n"
        let fixed = Fix.apply(to: text, chapter: chapter, outcomes: [0: outcome], comparable: { _ in true })
        #expect(fixed == "> Quoted:\n>\n> ```swift\n> print(1)\n> ```\n>\n> ```output\n> 1\n>\n> end\n> ```\n\nAfter.\n")
        let (_, again, againErrors) = parse(fixed)
        #expect(againErrors.isEmpty)
        #expect(again.snippets[0].expected?.text == "1\n\nend\n")
    }

    @Test func onlyBlankLinesMaySeparateASnippetFromItsOutput() {
        let text = "```swift\nprint(1)\n```\n[kexue]: https://kexue.fm\n\n```output\n1\n```\n"
        let (_, chapter, errors) = parse(text)
        #expect(chapter.snippets[0].expected == nil)
        #expect(errors.map(\.message) == ["output block does not follow a snippet"])
    }

    @Test func eqrefInCodeIsLeftAlone() {
        let text = "$$a \\label{eq:a}$$\n\nSee \\eqref{eq:a}, and write `\\eqref{eq:a}` in code.\n"
        let (parsed, chapter, _) = parse(text)
        #expect(parsed.math.references.map(\.name) == ["eq:a"])
        let numbering = EquationNumbering(spans: parsed.math.spans, path: "chapters/t.md")
        let math = TypesetMath(html: ["<b>a</b>"], labels: numbering.labels)
        let html = ChapterPage.chapterBody(CheckedChapter(parsed: parsed, chapter: chapter, outcomes: [:], errors: [], math: math)).0
        #expect(html.contains("See <a class=\"eqref\" href=\"#eq-a\">(1)</a>"))
        #expect(html.contains("<code>\\eqref{eq:a}</code>"))
    }

    @Test func mathInAnAttributeIsEscapedText() {
        let text = "![The curve $y < x^2$](fig.png)\n"
        let (parsed, chapter, _) = parse(text)
        let math = TypesetMath(html: ["<span class=\"katex\">y</span>"], labels: [:])
        let html = ChapterPage.chapterBody(CheckedChapter(parsed: parsed, chapter: chapter, outcomes: [:], errors: [], math: math)).0
        #expect(html.contains("alt=\"The curve $y &lt; x^2$\""))
        #expect(!html.contains("alt=\"The curve <span"))
    }

    @Test func columnsCountTheFenceIndentation() {
        let text = "- item\n\n    ```swift\n    let x: Int = \"a\"\n    ```\n"
        let (_, chapter, _) = parse(text)
        let plan = Build.plan(chapter)[0]
        #expect(plan.chapterLocations(in: "chapters/t.md@0:1:14: error: x") == "chapters/t.md:4:18: error: x")
    }

    @Test func crlfChaptersAreRejected() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("book-crlf-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("chapters"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try #"{"title": "t", "chapters": [{"slug": "a", "file": "a.md", "title": "A", "summary": "s"}]}"#
            .write(to: root.appendingPathComponent("chapters/book.json"), atomically: true, encoding: .utf8)
        try "# A\r\n\r\nText.\r\n".write(to: root.appendingPathComponent("chapters/a.md"), atomically: true, encoding: .utf8)
        // The chapter fails alone (the others still build), located at the first carriage return.
        let book = try Load.book(root: root)
        #expect(book.chapters[0].loadError?.description.hasPrefix("chapters/a.md:1:4: error: the chapter has Windows (CRLF) line endings") == true)
    }

    @Test func textBeforeTheFirstMarkBelongsToTheFirstSnippet() {
        let (_, chapter, _) = parse("```swift\nprint(1)\n```\n\n```swift\nprint(2)\n```\n")
        let plan = Build.plan(chapter)[0]
        let raw = RunCache.Raw(stdout: Data("loader says hi\nout\ntwo\n".utf8), stderr: Data(), termination: .exited(0),
                               timedOut: false, capped: false, seconds: 0,
                               marks: [.init(position: 0, stdout: 15, stderr: 0), .init(position: 1, stdout: 19, stderr: 0),
                                       .init(position: -1, stdout: 23, stderr: 0)])
        let run = Run.interpret(raw, plan: plan)
        #expect(run.outcomes[0]?.stdout == "loader says hi\nout\n")
        #expect(run.outcomes[1]?.stdout == "two\n")
        #expect(run.ending == .completed)
    }
}
