import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// `\figref{LABEL}` (Typeset resolves, ChapterPage renders): a figure's label is the id of the snippet that shows
/// it; the reference is a link "Figure N" to the figure's anchor, whose caption starts with the same number; an
/// unknown label is an error at its line and column that lists the labels there are.
@Suite struct FigureReferenceTests {
    static let text = """
        # T

        ```swift id=first
        print(1)
        ```

        ```figure One curve.
        figure line
        series a
        0 0
        1 1
        ```

        ```swift id=second
        print(2)
        ```

        ```figure Another curve.
        figure line
        series b
        0 1
        1 0
        ```

        As \\figref{second} shows (and \\figref{first}), but not \\figref{third}.
        """

    private func checked() throws -> CheckedChapter {
        let (parsed, chapter, _) = TestChapter.extract(Self.text)
        var outcomes: [Int: SnippetOutcome] = [:]
        for snippet in chapter.snippets {
            var outcome = SnippetOutcome()
            outcome.figures = snippet.expectedFigures.map(\.text)
            outcome.ran = true
            outcomes[snippet.index] = outcome
        }
        return try Typeset.chapters(
            [CheckedChapter(parsed: parsed, chapter: chapter, outcomes: outcomes, errors: [])], math: .readable)[0]
    }

    @Test func aReferenceLinksToTheNumberedFigure() throws {
        let html = ChapterPage.chapterBody(try checked()).0
        #expect(html.contains("As <a class=\"figref\" href=\"#figure-2\">Figure 2</a> shows"))
        #expect(html.contains("(and <a class=\"figref\" href=\"#figure-1\">Figure 1</a>)"))
        #expect(html.contains("<figure class=\"plot-figure\" id=\"figure-2\">"))
        #expect(html.contains("<span class=\"figure-number\">Figure 2.</span> Another curve."))
        #expect(html.contains("not Figure ??."))
        #expect(!html.contains("KXFIG") && !html.contains("\\figref"))
    }

    @Test func anUnknownLabelIsALocatedError() throws {
        let errors = try checked().errors
        #expect(
            errors.map(\.description) == [
                """
                chapters/t.md:25:56: error: \\figref{third} names no figure
                    expected one of the chapter's figure labels: first, second
                hint: a figure's label is the id of the snippet that shows it (```swift id=NAME); NAME/2 is its second figure
                """
            ])
    }
}
