import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The parts of a chapter page beyond the Markdown: claims and differences boxes, links, search.
@Suite struct PageTests {
    static let text = """
        # Title

        ```claims
        reproduced: GP's parameters grow with the number of types (#params)
        qualitative: EGP trains as well as GP
        not-attempted: the speed remark
        ```

        ```differences
        - Synthetic data instead of *CLUENER*.
        ```

        ## Parameters

        ```swift id=params
        print(1)
        ```

        See [the parameters](#parameters), [a snippet](#snippet-params) and [nowhere](#missing).
        """

    func extract(_ text: String) -> (ParsedChapter, Chapter, [BookError]) {
        TestChapter.extract(
            text, summary: "Sum.",
            original: OriginalPost(
                url: "https://kexue.fm/archives/8877", author: "Su Jianlin",
                date: "2022-01-25", title: "Efficient GlobalPointer：少点参数，多点效果"))
    }

    @Test func claimsAreParsed() {
        let (_, chapter, errors) = extract(Self.text)
        #expect(errors.isEmpty)
        #expect(chapter.boxes.claims.map(\.status) == [.reproduced, .qualitative, .notAttempted])
        #expect(chapter.boxes.claims[0].snippetID == "params")
        #expect(chapter.boxes.claims[0].text == "GP's parameters grow with the number of types")
        #expect(chapter.boxes.claims[1].line == 5)
        #expect(chapter.boxes.differences == "- Synthetic data instead of *CLUENER*.\n")
    }

    @Test func badClaimsAreLocated() {
        let (_, _, errors) = extract("```claims\nproven: x\nreproduced: y (#nope)\n```\n")
        #expect(
            errors.map { $0.description.split(separator: "\n")[0] } == [
                "chapters/t.md:2:1: error: unknown claim status 'proven'",
                "chapters/t.md:3:1: error: claim names snippet 'nope', which does not exist",
            ])
    }

    @Test func pageShowsBoxesHeaderAndSections() {
        let (parsed, chapter, _) = extract(Self.text)
        let checked = CheckedChapter(parsed: parsed, chapter: chapter, outcomes: [:], errors: [])
        let (html, contents) = ChapterPage.chapterBody(checked)
        let sections = ChapterPage.sidebarSections(contents.headings)
        #expect(html.contains("<aside class=\"box claims-box\""))
        #expect(html.contains("<a href=\"#snippet-params\">GP&#39;s parameters grow with the number of types</a>"))
        #expect(html.contains("<span class=\"status\">(not attempted)</span>"))
        #expect(html.contains("<aside class=\"box differences-box\""))
        #expect(html.contains("<em>CLUENER</em>"))
        #expect(html.contains("lang=\"zh-Hans\">Efficient GlobalPointer：少点参数，多点效果</a> by Su Jianlin, 2022-01-25."))
        #expect(sections.map(\.anchor) == ["parameters"])
    }

    @Test func brokenLinksAreLocated() throws {
        let (parsed, chapter, _) = extract(Self.text)
        let book = Book(title: "B", subtitle: "", chapters: [chapter.source])
        let checked = CheckedChapter(parsed: parsed, chapter: chapter, outcomes: [:], errors: [])
        let site = Render.site(
            book: book, chapters: [checked], all: [chapter], stamp: .init(commit: "c", swiftVersion: "s"),
            resources: try BookResources.load())
        let errors = LinkCheck.errors(in: site, book: book)
        #expect(
            errors["t"]?.map { $0.description.split(separator: "\n")[0] } == [
                "chapters/t.md:19:69: error: broken link '#missing': no anchor '#missing' in t.html"
            ])
        #expect(errors[""] == nil, "the index and claims pages link only to what exists")
    }

    @Test func searchIndexCoversProseCodeHeadingsAndCJK() throws {
        let (_, chapter, _) = extract(Self.text + "\n\n## 熵不变性\n\n注意力的熵\n")
        let script = SearchIndex.script(for: [SearchIndex.Page(rendering: chapter)])
        #expect(script.hasPrefix("window.BOOK_SEARCH = ["))
        let json = try #require(script.dropFirst("window.BOOK_SEARCH = ".count).dropLast(2).data(using: .utf8))
        let entries = try #require(try JSONSerialization.jsonObject(with: json) as? [[String: String]])
        #expect(entries.contains { $0["a"] == "parameters" && $0["x"]!.contains("print(1)") })
        #expect(entries.contains { $0["h"] == "熵不变性" && $0["x"]!.contains("注意力的熵") })
    }
}
