import Foundation
import Testing
@testable import BookKit

/// The builder as a fold: every stage's errors reach the chapter's one error list and so its page banner,
/// and `--fix` output goes back through the same stages.
@Suite struct BuilderFoldTests {
    /// A scratch book of one chapter, built against this package's library.
    private func book(_ name: String, chapter text: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("book-fold-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("chapters"), withIntermediateDirectories: true)
        try text.write(to: root.appendingPathComponent("chapters/one.md"), atomically: true, encoding: .utf8)
        try #"{ "title": "Fold", "chapters": [ { "slug": "one", "file": "one.md", "title": "One", "summary": "s" } ] }"#
            .write(to: root.appendingPathComponent("chapters/book.json"), atomically: true, encoding: .utf8)
        return root
    }

    private func build(_ root: URL, fix: Bool = false, progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> BookBuilder.Report {
        var options = BookBuilder.Options(root: root, packageRoot: Fixtures.packageRoot)
        options.output = root.appendingPathComponent("site")
        options.fix = fix
        options.progress = progress
        return try BookBuilder(options: options).build()
    }

    /// A link into the claims page's anchors was checked only once the whole site was rendered (after the
    /// chapter's page and line): its error was in the report and on stderr, but the page said nothing was
    /// wrong and the chapter's line said `ok`.
    @Test func aLinkErrorIntoTheClaimsPageIsOnThePageBannerAndTheLine() throws {
        let root = try book("link", chapter: "# One\n\nSee [the claims](claims.html#no-such-claim).\n\n```swift\nprint(1)\n```\n\n```output\n1\n```\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let lines = Locked([String]())
        let report = try build(root) { line in lines.update { $0.append(line) } }
        #expect(lines.value.first?.hasPrefix("FAIL  one ") == true, "\(lines.value)")
        let messages = report.errors.map(\.message)
        #expect(messages == ["broken link 'claims.html#no-such-claim': no anchor '#no-such-claim' in claims.html"])
        let page = try String(contentsOf: root.appendingPathComponent("site/one.html"), encoding: .utf8)
        #expect(page.contains("class=\"build-errors\""))
        #expect(page.contains("broken link &#39;claims.html#no-such-claim&#39;") || page.contains("broken link 'claims.html#no-such-claim'"))
    }

    /// A broken link of the claims page (found only by the whole-site check, after every chapter's page and
    /// line) joins the first chapter's errors, after the chapter's own, and its page banner (before: only the
    /// report and stderr had it).
    @Test func aLinkErrorOfTheClaimsPageIsOnTheFirstChaptersBanner() throws {
        let root = try book("claims", chapter: "# One\n\n```claims\nreproduced: A claim. (#nope)\n```\n\n```swift id=a\nprint(1)\n```\n\n```output\n1\n```\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let report = try build(root)
        #expect(report.errors.map { "\($0.location?.description ?? "") \($0.message)" } == [
            "chapters/one.md:1:1 broken link '#snippet-nope': no anchor '#snippet-nope' in one.html",
            "chapters/one.md:4:1 claim names snippet 'nope', which does not exist",
            "chapters/book.json:1:1 broken link 'one.html#snippet-nope': no anchor '#snippet-nope' in one.html",
        ])
        let page = try String(contentsOf: root.appendingPathComponent("site/one.html"), encoding: .utf8)
        #expect(page.contains("broken link &#39;one.html#snippet-nope&#39;"))
    }

    /// `--fix` writes the new text, which then goes through Parse … Check again (no plan remapping): the
    /// chapter comes out green and the next build has nothing to fix or compile.
    @Test func fixedTextGoesThroughTheStagesAgain() throws {
        let text = "# One\n\n```swift\nprint(\"a\")\nprint(\"b\")\nprint(\"c\")\n```\n\n```output\nwrong\n```\n\n```swift\nprint(\"d\")\n```\n\n```output\nd\n```\n"
        let root = try book("fix", chapter: text)
        defer { try? FileManager.default.removeItem(at: root) }
        let report = try build(root, fix: true)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.chapters.map(\.fixed) == [true])
        #expect(report.chapters.map(\.passed) == [2])
        let fixed = try String(contentsOf: root.appendingPathComponent("chapters/one.md"), encoding: .utf8)
        #expect(fixed.contains("```output\na\nb\nc\n```"))
        // A second build has nothing to fix and nothing to compile.
        let again = try build(root)
        #expect(again.errors.isEmpty && again.chapters.map(\.fixed) == [false])
        #expect(again.chapters.map(\.compiled) == [0])
    }

    /// The link gate checks links into the claims page before the claims page exists, from the anchors of a
    /// claims page without rows: that holds only while its rows carry no anchors.
    @Test func theClaimsPageAnchorsDoNotDependOnItsRows() throws {
        let text = "# T\n\n```claims\nreproduced: A claim. (#a)\n```\n\n```swift id=a\nprint(1)\n```\n"
        let chapter = Extract.chapter(Parse.chapter(ChapterSource(slug: "t", path: "chapters/t.md", title: "T", summary: "", text: text))).0
        let book = Book(title: "B", subtitle: "", chapters: [chapter.source])
        let stamp = Render.Stamp(commit: "c", swiftVersion: "s")
        let withRows = Render.claimsPage(book: book, chapters: [chapter], stamp: stamp)
        #expect(withRows.contains("A claim."), "the fixture has a claim row")
        #expect(LinkCheck.attributeValues("id", in: withRows)
                == LinkCheck.attributeValues("id", in: Render.claimsPage(book: book, chapters: [], stamp: stamp)))
    }
}
