import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The stylesheet and scripts are files (`Sources/BookKit/Resources/`) shipped as BookKit's resource bundle:
/// the site carries them byte for byte, and a missing one is an environment error with a hint, never a crash.
@Suite struct BookResourcesTests {
    /// The resource folder of the source tree, which the bundle copies.
    private static let sourceFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/BookKit/Resources")

    @Test func theBundleHoldsTheSourceFilesByteForByte() throws {
        let bundled = try BookResources.load()
        let source = try BookResources.load(from: Self.sourceFolder)
        #expect(bundled.stylesheet == source.stylesheet)
        #expect(bundled.pageScript == source.pageScript)
        #expect(bundled.themeScript == source.themeScript)
        #expect(bundled.katexRender == source.katexRender)
        #expect(bundled.liveReload == source.liveReload)
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.sourceFolder.path).sorted()
        #expect(names == BookResources.File.allCases.map(\.rawValue).sorted(), "every file is read, none is forgotten")
    }

    @Test func theSiteCarriesTheStylesheetAndPageScriptAsTheyAre() throws {
        let resources = try BookResources.load()
        let source = ChapterSource(slug: "t", path: "chapters/t.md", title: "T", summary: "", text: "# T\n\nText.\n")
        let parsed = Parse.chapter(source)
        let (chapter, _) = Extract.chapter(parsed)
        let book = Book(title: "B", subtitle: "", chapters: [source])
        let checked = CheckedChapter(parsed: parsed, chapter: chapter, outcomes: [:], errors: [])
        let site = Render.site(
            book: book, chapters: [checked], all: [chapter], stamp: .init(commit: "c", swiftVersion: "s"),
            resources: resources)
        #expect(site.files["style.css"] == resources.stylesheet)
        #expect(site.files["book.js"] == resources.pageScript)
        #expect(site.files["theme.js"] == resources.themeScript)
        for page in ["t.html", "index.html", "claims.html"] {
            let html = try #require(site.files[page])
            #expect(html.contains("<script src=\"book.js\"></script>"), "\(page) loads the page script")
            // In <head>, without defer: the theme applies before the first paint.
            #expect(
                html.contains("<script src=\"theme.js\"></script>\n</head>"),
                "\(page) loads the theme script in its head")
            #expect(!html.contains("<script>"), "\(page) has no inline script")
        }
    }

    @Test func aMissingFileIsAnEnvironmentErrorNamingIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("book-resources-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.copyItem(at: Self.sourceFolder, to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("book.js"))
        #expect {
            try BookResources.load(from: folder)
        } throws: { error in
            guard let error = error as? BookError else { return false }
            return error.kind == .environment && error.message.contains(folder.appendingPathComponent("book.js").path)
                && error.hint != nil
        }
    }

    /// A `book` executable without its bundle beside it (copied elsewhere) stops at once with exit 2, the folders
    /// it looked in and a hint: before loading the book, building the library or writing a site.
    @Test func anExecutableWithoutItsResourcesExitsTwoBeforeBuilding() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("book-no-resources-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("book")
        try FileManager.default.copyItem(at: Fixtures.bookExecutable, to: copy)
        let root = folder.appendingPathComponent("root")
        let result = try Subprocess(executable: copy.path, arguments: ["build", "--root", root.path], timeout: 120)
            .run()
        let stderr = String(decoding: result.stderr, as: UTF8.self)
        #expect(result.termination == .exited(2), "\(stderr)")
        #expect(stderr.hasPrefix("error: the book's resources (stylesheet and scripts) are not installed\n"))
        #expect(stderr.contains(folder.appendingPathComponent(BookResources.bundleName).path))
        #expect(stderr.contains("\nhint: run the book with `swift run book`"))
        #expect(!FileManager.default.fileExists(atPath: root.path), "nothing was written")
    }

    /// The render script is part of the KaTeX cache key: after an edit of `katex-render.js` no formula is served
    /// from a cache entry the old script wrote.
    @Test func anEditedKaTeXScriptRendersEveryFormulaAgain() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("book-katex-script-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let formula = KaTeX.Formula(tex: "x", display: false)
        let bundled = KaTeX(cacheDirectory: folder)
        let before = try bundled.render([formula])[0].get()
        var edited = bundled
        let script = try BookResources.load().katexRender
        edited.renderScript = script.replacingOccurrences(
            of: "katex.renderToString(item.tex,", with: "katex.renderToString(item.tex + \"y\",")
        #expect(edited.renderScript != script, "the edit applies")
        let after = try edited.render([formula])[0].get()
        #expect(before != after, "rendered by the edited script, not read from the old script's cache entry")
        #expect(try bundled.render([formula])[0].get() == before)
    }
}
