import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// Stage 2, Parse: the chapter's code blocks as cmark-gfm finds them (info string, fence and info positions,
/// whether an output block directly follows its snippet), and its math protected outside code.
@Suite struct ParseTests {
    @Test func codeBlocksKeepTheirPositionsAndInfoStrings() {
        let text =
            "# T\n\n```swift id=a\nprint(1)\n```\n\n```output\n1\n```\n\nProse.\n\n- item\n\n  ~~~swift   silent\n  let x = 1\n  ~~~\n"
        let parsed = Parse.chapter(TestChapter.source(text))
        #expect(parsed.codeBlocks.map(\.info) == ["swift id=a", "output", "swift   silent"])
        #expect(parsed.codeBlocks.map(\.literal) == ["print(1)\n", "1\n", "let x = 1\n"])
        #expect(
            parsed.codeBlocks.map { "\($0.start.line):\($0.start.column)-\($0.endLine)" } == [
                "3:1-5", "7:1-9", "15:3-17",
            ])
        #expect(parsed.codeBlocks[2].infoStart.column == 6, "after the fence, where error columns point")
        #expect(parsed.codeBlocks.map(\.directlyFollowsPreviousBlock) == [false, true, false])
        #expect(parsed.codeBlocks.allSatisfy { $0.isFenced })
        #expect(parsed.errors.isEmpty)
    }

    /// Was: `\eqref` in a code span was taken as a reference (and rendered as a link inside the code).
    @Test func eqrefInCodeIsLeftAlone() {
        let text = "$$a \\label{eq:a}$$\n\nSee \\eqref{eq:a}, and write `\\eqref{eq:a}` in code.\n"
        let (parsed, chapter, _) = TestChapter.extract(text)
        #expect(parsed.math.references.map(\.name) == ["eq:a"])
        let numbering = EquationNumbering(spans: parsed.math.spans, path: "chapters/t.md")
        let math = TypesetMath(html: ["<b>a</b>"], labels: numbering.labels)
        let html = ChapterPage.chapterBody(
            CheckedChapter(parsed: parsed, chapter: chapter, outcomes: [:], errors: [], math: math)
        ).0
        #expect(html.contains("See <a class=\"eqref\" href=\"#eq-a\">(1)</a>"))
        #expect(html.contains("<code>\\eqref{eq:a}</code>"))
    }
}
