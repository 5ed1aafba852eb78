import BookTestSupport
import Foundation

@testable import BookKit

/// The real book as `book build` shows it when nothing changed, without compiling or running anything: each
/// snippet shows its recorded output and figures. The reading suites (`ReadingTests`, `FigureReadingTests`,
/// `EquationLayoutTests`, `SearchBrowserTests`) measure these pages in headless Chromium.
enum RecordedBook {
    /// The book's chapters, plus `extra` ones, parsed and extracted, with their recorded outcomes.
    static func chapters(extra: [ChapterSource] = []) -> (Book, [CheckedChapter]) {
        var book = try! Load.book(root: Fixtures.packageRoot)
        book.chapters += extra
        let checked = book.chapters.map { source in
            let parsed = Parse.chapter(source)
            let (chapter, _) = Extract.chapter(parsed)
            var outcomes: [Int: SnippetOutcome] = [:]
            for snippet in chapter.snippets {
                var outcome = SnippetOutcome()
                outcome.stdout = snippet.expected?.text ?? ""
                outcome.figures = snippet.expectedFigures.map(\.text)
                outcome.ran = true
                outcomes[snippet.index] = outcome
            }
            return CheckedChapter(parsed: parsed, chapter: chapter, outcomes: outcomes, errors: [])
        }
        return (book, checked)
    }

    /// Renders `chapters` and writes the site to `.build/book/NAME-site`, and empties `screenshots` for the
    /// suite's artefacts; returns the site folder.
    static func writeSite(_ book: Book, _ chapters: [CheckedChapter], name: String, screenshots: URL) -> URL {
        let fileManager = FileManager.default
        let folder = Fixtures.packageRoot.appendingPathComponent(".build/book/\(name)-site")
        try? fileManager.removeItem(at: folder)
        try? fileManager.removeItem(at: screenshots)
        try! fileManager.createDirectory(at: screenshots, withIntermediateDirectories: true)
        let site = Render.site(
            book: book, chapters: chapters, all: chapters.map(\.chapter),
            stamp: .init(commit: "c", swiftVersion: "s"), resources: try! BookResources.load())
        func prepare(_ path: String) -> URL {
            let url = folder.appendingPathComponent(path)
            try! fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            return url
        }
        for (path, text) in site.files { try! text.write(to: prepare(path), atomically: true, encoding: .utf8) }
        for (path, source) in site.copies { try? fileManager.copyItem(at: source, to: prepare(path)) }
        return folder
    }
}
