import BookKit
import Foundation
import Testing

/// One test per chapter of the book, running the same checks as `book build --exact`: a change to the library
/// that alters a chapter's output at all fails here, and so does a recorded output typed by hand.
@Suite struct ChapterTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The manifest's slugs, read when the tests are discovered.
    static let slugs: [String] = (try? Load.book(root: root).chapters.map(\.slug)) ?? ["(manifest unreadable)"]

    static let environment: Result<(Toolchain, LibraryBuild.Product), BookError> = {
        do throws(BookError) {
            let toolchain = try Toolchain.locate()
            return .success((toolchain, try LibraryBuild(root: root, toolchain: toolchain).build()))
        } catch {
            return .failure(error)
        }
    }()

    @Test(arguments: slugs)
    func chapter(_ slug: String) throws {
        let book = try Load.book(root: Self.root)
        let source = try #require(book.chapters.first { $0.slug == slug }, "no chapter \(slug) in the manifest")
        let (toolchain, library) = try Self.environment.get()
        // Exact, as CI must be: a recorded number that is not the program's own fails even inside its tolerance.
        var options = BookBuilder.Options(root: Self.root)
        options.exact = true
        let (_, report) = try BookBuilder(options: options).chapter(source, library: library, toolchain: toolchain)
        #expect(report.errors.isEmpty, "\(report.errors.map(\.description).joined(separator: "\n\n"))")
        #expect(report.checked == report.passed)
        #expect(report.snippets > 0)
    }

    /// The originals' titles are quoted as kexue.fm writes them: Chinese typography sets punctuation full-width
    /// (`：` `，` `？` `（）` `～` `“”`), so an ASCII `:` or `?` in a title with Chinese in it is a transcription
    /// slip, not the original. (The eight titles were checked against the posts' pages and citations of them.)
    @Test func originalTitlesKeepTheirFullWidthPunctuation() throws {
        let book = try Load.book(root: Self.root)
        let titles = book.chapters.compactMap { $0.original?.title }
        #expect(titles.count == 8, "every post chapter names its original")
        let chinese = { (scalar: Unicode.Scalar) in (0x4E00...0x9FFF).contains(scalar.value) }
        for title in titles where title.unicodeScalars.contains(where: chinese) {
            let ascii = title.filter { ":,?()~!;\"".contains($0) }
            #expect(ascii.isEmpty, "\(title): ASCII punctuation \(Array(ascii)) where the original has full-width")
        }
    }
}
