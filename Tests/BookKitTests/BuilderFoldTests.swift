import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The builder as a fold: every stage's errors reach the chapter's one error list and so its page banner,
/// and `--fix` output goes back through the same stages.
@Suite struct BuilderFoldTests {
    /// A scratch book of one chapter, built against this package's library.
    private func book(_ name: String, chapter text: String) throws -> ScratchChapters {
        try ScratchChapters(
            "fold-\(name)", title: "Fold", [Manifest.Entry("one", title: "One", summary: "s", text: text)])
    }

    /// A link into the claims page's anchors was checked only once the whole site was rendered (after the
    /// chapter's page and line): its error was in the report and on stderr, but the page said nothing was
    /// wrong and the chapter's line said `ok`.
    @Test func aLinkErrorIntoTheClaimsPageIsOnThePageBannerAndTheLine() throws {
        let book = try book(
            "link",
            chapter:
                "# One\n\nSee [the claims](claims.html#no-such-claim).\n\n```swift\nprint(1)\n```\n\n```output\n1\n```\n"
        )
        defer { book.remove() }
        let lines = Locked([String]())
        let report = try book.build { line in lines.update { $0.append(line) } }
        #expect(lines.value.first?.hasPrefix("FAIL  one ") == true, "\(lines.value)")
        let messages = report.errors.map(\.message)
        #expect(messages == ["broken link 'claims.html#no-such-claim': no anchor '#no-such-claim' in claims.html"])
        let page = try book.read("site/one.html")
        #expect(page.contains("class=\"build-errors\""))
        #expect(
            page.contains("broken link &#39;claims.html#no-such-claim&#39;")
                || page.contains("broken link 'claims.html#no-such-claim'"))
    }

    /// A broken link of the claims page (found only by the whole-site check, after every chapter's page and
    /// line) joins the errors of the claim's chapter (here the first), at the claim's line, and its page banner
    /// (before: only the report and stderr had it; then at `book.json:1`).
    @Test func aLinkErrorOfTheClaimsPageIsOnTheFirstChaptersBanner() throws {
        let book = try book(
            "claims",
            chapter:
                "# One\n\n```claims\nreproduced: A claim. (#nope)\n```\n\n```swift id=a\nprint(1)\n```\n\n```output\n1\n```\n"
        )
        defer { book.remove() }
        let report = try book.build()
        #expect(
            report.errors.map { "\($0.location?.description ?? "") \($0.message)" } == [
                "chapters/one.md:4:1 claim names snippet 'nope', which does not exist",
                "chapters/one.md:4:1 broken link '#snippet-nope': no anchor '#snippet-nope' in one.html",
                "chapters/one.md:4:1 broken link 'one.html#snippet-nope' (the claims page on claims.html): no anchor '#snippet-nope' in one.html",
            ])
        let page = try book.read("site/one.html")
        #expect(page.contains("broken link &#39;one.html#snippet-nope&#39;"))
    }

    /// `--fix` writes the new text, which then goes through Parse … Check again (no plan remapping): the
    /// chapter comes out green and the next build has nothing to fix or compile.
    @Test func fixedTextGoesThroughTheStagesAgain() throws {
        let text =
            "# One\n\n```swift\nprint(\"a\")\nprint(\"b\")\nprint(\"c\")\n```\n\n```output\nwrong\n```\n\n```swift\nprint(\"d\")\n```\n\n```output\nd\n```\n"
        let book = try book("fix", chapter: text)
        defer { book.remove() }
        let report = try book.build(fix: true)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.chapters.map(\.fixed) == [true])
        #expect(report.chapters.map(\.passed) == [2])
        let fixed = try book.read("chapters/one.md")
        #expect(fixed.contains("```output\na\nb\nc\n```"))
        // A second build has nothing to fix and nothing to compile.
        let again = try book.build()
        #expect(again.errors.isEmpty && again.chapters.map(\.fixed) == [false])
        #expect(again.chapters.map(\.compiled) == [0])
    }

    /// The link gate checks links into the claims page before the claims page exists, from the anchors of a
    /// claims page without rows: that holds only while its rows carry no anchors.
    @Test func theClaimsPageAnchorsDoNotDependOnItsRows() throws {
        let text = "# T\n\n```claims\nreproduced: A claim. (#a)\n```\n\n```swift id=a\nprint(1)\n```\n"
        let chapter = TestChapter.extract(text).1
        let book = Book(title: "B", subtitle: "", chapters: [chapter.source])
        let stamp = Render.Stamp(commit: "c", swiftVersion: "s")
        let withRows = Render.claimsPage(book: book, chapters: [chapter], stamp: stamp)
        #expect(withRows.html.contains("A claim."), "the fixture has a claim row")
        #expect(withRows.contents.anchors == Render.claimsPage(book: book, chapters: [], stamp: stamp).contents.anchors)
        #expect(withRows.contents.anchors == HTMLScan.ids(in: withRows.html), "the recorded anchors are the page's")
    }
}
