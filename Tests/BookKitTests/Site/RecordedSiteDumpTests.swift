import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// Writes the recorded book's site, math typeset, to `$BOOK_DUMP_SITE` (a folder), to diff the pages of two
/// versions of the engine byte by byte; does nothing without the variable.
@Suite struct RecordedSiteDumpTests {
    @Test func dumpRecordedSite() throws {
        guard let path = ProcessInfo.processInfo.environment["BOOK_DUMP_SITE"] else { return }
        let (book, checked) = RecordedBook.chapters()
        let typeset = try Typeset.chapters(checked, packageRoot: Fixtures.packageRoot)
        let site = Render.site(
            book: book, chapters: typeset, all: typeset.map(\.chapter), stamp: .init(commit: "c", swiftVersion: "s"),
            resources: try BookResources.load())
        let folder = URL(fileURLWithPath: path)
        try? FileManager.default.removeItem(at: folder)
        for (file, text) in site.files {
            let url = folder.appendingPathComponent(file)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }
}

/// Prints what the link check and the heading anchors make of the fixtures of `PageContentsTests`, with the same
/// calls on any version of the engine: the before and after figures of a change to either.
@Suite struct LinkMessageProbeTests {
    static let fixtures: [(String, String)] = [
        ("markdown", "# T\n\nThe missing piece is explained below.\n\n## Details\n\nSee [nowhere](#missing).\n"),
        (
            "raw html",
            "# T\n\n<div class=\"note\">\n<p>A note about the gone section,\nsee <a href=\"#gone\">there</a>.</p>\n</div>\n"
        ),
        ("claims", "# T\n\n```claims\nreproduced: A claim. (#nope)\n```\n\n```swift id=yes\nprint(1)\n```\n"),
        (
            "duplicates",
            "# T\n\n## Setup\n\nFirst.\n\n## Setup\n\nSecond.\n\n## Snippet scores\n\nScores.\n\n```swift id=scores\nprint(1)\n```\n"
        ),
    ]

    @Test func probe() throws {
        guard ProcessInfo.processInfo.environment["BOOK_PROBE"] != nil else { return }
        for (name, text) in Self.fixtures {
            let (parsed, chapter, _) = TestChapter.extract(text)
            let book = Book(title: "B", subtitle: "", chapters: [chapter.source])
            let checked = CheckedChapter(parsed: parsed, chapter: chapter, outcomes: [:], errors: [])
            let site = Render.site(
                book: book, chapters: [checked], all: [chapter], stamp: .init(commit: "c", swiftVersion: "s"),
                resources: try BookResources.load())
            for (key, errors) in LinkCheck.errors(in: site, book: book).sorted(by: { $0.key < $1.key }) {
                for error in errors { print("PROBE \(name) [\(key)] \(error.description.split(separator: "\n")[0])") }
            }
            let body = ChapterPage.chapterBody(checked).0
            let ids = body.components(separatedBy: " id=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
            print("PROBE \(name) ids: \(ids.joined(separator: " "))")
        }
    }
}
