import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// `--fix` on a snippet inside containers: the new output block continues the snippet's list items and
/// block quotes (spaces under a list marker, `>` kept), so it attaches to the snippet and no list item or
/// quote appears or disappears. Was: the fence line's prefix was copied, marker included, so `- ```swift`
/// gave every new line a `- ` and made each one a new list item.
@Suite struct FixContainerTests {
    /// Every way cmark-gfm lets a fence open on a container's first line (and one that continues it),
    /// as the fence line's prefix and the prefix of the snippet's other lines.
    static let containers: [(first: String, rest: String)] = [
        ("- ", "  "), ("* ", "  "), ("+ ", "  "), ("1. ", "   "), ("1) ", "   "), ("10. ", "    "), ("-   ", "    "),
        ("> ", "> "), ("> > ", "> > "), ("> - ", ">   "), ("- > ", "  > "), ("> 1. ", ">    "), ("- - ", "    "),
        ("1. - ", "     "), ("- 1. > ", "     > "), ("  ", "  "), ("- a\n  - ", "    "), ("> - a\n>   1. ", ">      "),
    ]

    @Test(arguments: 0..<containers.count)
    func fixContinuesTheContainers(_ index: Int) throws {
        let (first, rest) = Self.containers[index]
        // The last two cases open the fence in a nested list item on a continuation line of the outer one.
        let text = "Before.\n\n\(first)```swift\n\(rest)print(1)\n\(rest)```\n- another item\n\nAfter.\n"
        let (chapter, errors) = Extract.chapter(Parse.chapter(source(text)))
        try #require(errors.isEmpty && chapter.snippets.count == 1, "\(errors)")
        var outcome = SnippetOutcome()
        outcome.stdout = "1\n\nend\n"
        let fixed = Fix.apply(to: text, chapter: chapter, outcomes: [0: outcome], comparable: { _ in true })
        let (again, againErrors) = Extract.chapter(Parse.chapter(source(fixed)))
        #expect(againErrors.isEmpty, "\(againErrors)\n\(fixed)")
        #expect(
            again.snippets.first?.expected?.text == "1\n\nend\n", "the output block attaches to the snippet:\n\(fixed)")
        #expect(structure(fixed) == structure(text), "no list item or quote appeared or vanished:\n\(fixed)")
        #expect(
            !fixed.contains("\(first)```output") || first.allSatisfy { $0 == " " || $0 == ">" },
            "no list marker was copied:\n\(fixed)")
    }

    /// Was: `--fix` wrote a new output block after a quoted snippet outside the quote, where it belongs to no
    /// snippet.
    @Test func fixKeepsTheBlockQuoteAroundNewBlocks() {
        let text = "> Quoted:\n>\n> ```swift\n> print(1)\n> ```\n\nAfter.\n"
        let (_, chapter, errors) = TestChapter.extract(text)
        #expect(errors.isEmpty)
        var outcome = SnippetOutcome()
        outcome.stdout = "1\n\nend\n"
        let fixed = Fix.apply(to: text, chapter: chapter, outcomes: [0: outcome], comparable: { _ in true })
        #expect(
            fixed == "> Quoted:\n>\n> ```swift\n> print(1)\n> ```\n>\n> ```output\n> 1\n>\n> end\n> ```\n\nAfter.\n")
        let (_, again, againErrors) = TestChapter.extract(fixed)
        #expect(againErrors.isEmpty)
        #expect(again.snippets[0].expected?.text == "1\n\nend\n")
    }

    @Test func continuationPrefix() {
        #expect(Fix.continuation(of: "> 1. ") == ">    ")
        #expect(Fix.continuation(of: "- > ") == "  > ")
        #expect(Fix.continuation(of: "\t- ") == "\t  ")
    }

    private func source(_ text: String) -> ChapterSource {
        TestChapter.source(text)
    }

    /// The containers of the document, in order: lists, items, quotes.
    private func structure(_ text: String) -> [String] {
        // The nodes live as long as their document.
        let document = MarkdownDocument(text)
        return withExtendedLifetime(document) {
            document.allNodes().map(\.typeName).filter { ["list", "item", "block_quote"].contains($0) }
        }
    }
}
