import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The pages every book has, as golden files a reader can read: a chapter page in its shell (head, sidebar,
/// banner, pager, footer), the index and the claims page, for a book of two small chapters with claims
/// (`Fixtures/book-one.md`, `book-two.md`). Math goes through the readable stand-in (`Fixtures.Math.readable`),
/// the stamp is fixed, and the shell's inline script is replaced by its name (it has tests of its own).
@Suite struct SitePageGoldenTests {
    static let stamp = Render.Stamp(commit: "0123abc", swiftVersion: "Swift version 6.x")

    /// The two chapters, checked, titled as a manifest would title them.
    private func book() throws -> (Book, [CheckedChapter]) {
        let titles = [
            ("book-one", "Scores", "Dot products, checked."), ("book-two", "Decisions", "A claim the rule decides."),
        ]
        var chapters: [CheckedChapter] = []
        for (name, title, summary) in titles {
            var (checked, report) = try Fixtures.check(name, math: .readable)
            #expect(report.errors.isEmpty, "\(report.errors.map(\.description).joined(separator: "\n"))")
            checked.chapter.source.title = title
            checked.chapter.source.summary = summary
            checked.parsed.source = checked.chapter.source
            chapters.append(checked)
        }
        return (
            Book(title: "A Small <Book>", subtitle: "Two chapters", chapters: chapters.map(\.chapter.source)), chapters
        )
    }

    @Test func chapterPageShell() throws {
        let (book, chapters) = try book()
        let page = ChapterPage.page(chapters[0], book: book, position: 0, stamp: Self.stamp).html
        #expect(page.contains("<a class=\"next\" href=\"book-two.html\">Decisions →</a>"))
        #expect(page.contains("<span class=\"math\">s = q \\cdot k</span>"))
        Fixtures.expectGolden(page, "book-one.page.html")
    }

    @Test func indexPage() throws {
        let (book, _) = try book()
        let page = Render.index(book: book, stamp: Self.stamp).html
        #expect(page.contains("<h1>A Small &lt;Book&gt;</h1>"))
        Fixtures.expectGolden(page, "book.index.html")
    }

    @Test func claimsPage() throws {
        let (book, chapters) = try book()
        let page = Render.claimsPage(book: book, chapters: chapters.map(\.chapter), stamp: Self.stamp).html
        #expect(page.contains("4 claims: "))
        Fixtures.expectGolden(page, "book.claims.html")
    }
}
