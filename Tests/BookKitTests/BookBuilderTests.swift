import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The whole build on a small fixture book: the site's files, determinism, subset builds.
@Suite struct BookBuilderTests {
    /// A scratch book root with a manifest and two fixture chapters.
    private func scratchBook(_ name: String) throws -> ScratchChapters {
        let fixture = { (name: String) in
            try String(contentsOf: Fixtures.directory.appendingPathComponent("\(name).md"), encoding: .utf8)
        }
        return try ScratchChapters(
            name, title: "Fixture <Book>",
            [
                Manifest.Entry("modes", title: "Modes & more", summary: "Every mode.", text: try fixture("modes")),
                Manifest.Entry(
                    "wrong", file: "wrong-output.md", title: "Wrong", summary: "Fails its check.",
                    text: try fixture("wrong-output")),
            ])
    }

    private func tree(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            files[name] = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)
        }
        return files
    }

    @Test func buildsTheSiteTwiceIdentically() throws {
        let book = try scratchBook("twice")
        defer { book.remove() }
        let root = book.root
        let first = try book.build()
        #expect(first.chapters.map(\.slug) == ["modes", "wrong"])
        #expect(first.chapters[0].errors.isEmpty)
        #expect(first.chapters[1].errors.map(\.kind) == [.output])
        let site = root.appendingPathComponent("site")
        let firstTree = try tree(site)
        // The pages of the chapters and the book, and the API reference of the library the chapters import (one
        // page per module and per documented type, all named `api.*.html`).
        let apiPages = Set(firstTree.keys.filter { $0.hasPrefix("api.") && $0.hasSuffix(".html") })
        #expect(apiPages.isSuperset(of: ["api.html", "api.Kexue.html", "api.Kernels.html"]))
        #expect(
            Set(firstTree.keys).subtracting(apiPages) == [
                "index.html", "modes.html", "wrong.html", "style.css", "book.js", "theme.js", "claims.html",
                "search-index.js",
                SiteFolder.markerName,
            ])
        #expect(
            FileManager.default.fileExists(
                atPath: site.appendingPathComponent("katex/fonts/KaTeX_Main-Regular.woff2").path),
            "KaTeX's stylesheet and fonts are copied in, so pages work offline")
        let index = String(decoding: firstTree["index.html"]!, as: UTF8.self)
        #expect(index.contains("Fixture &lt;Book&gt;"))
        #expect(index.contains("<a href=\"modes.html\">Modes &amp; more</a>"))
        let wrong = String(decoding: firstTree["wrong.html"]!, as: UTF8.self)
        #expect(wrong.contains("This chapter failed its checks"))
        _ = try book.build()
        #expect(try tree(site) == firstTree)
        // No staging or retired folders are left behind.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: root.path).filter { !$0.hasSuffix(".lock") }.sorted()
                == ["chapters", "site"])
    }

    @Test func subsetBuildKeepsOtherPages() throws {
        let book = try scratchBook("subset")
        defer { book.remove() }
        _ = try book.build()
        let report = try book.build(chapters: ["wrong"])
        #expect(report.chapters.map(\.slug) == ["wrong"])
        #expect(FileManager.default.fileExists(atPath: book.folder.url("site/modes.html").path))
    }

    /// `--chapter` naming no chapter of the manifest is the user's mistake (exit 64, as the command line
    /// contract says), not an environment failure, and nothing is built or written.
    @Test func unknownSlugIsAUsageErrorAndBuildsNothing() throws {
        let book = try scratchBook("unknown")
        defer { book.remove() }
        #expect {
            try book.build(chapters: ["modes", "nope"])
        } throws: { error in
            (error as? BookError)?.kind == .usage
                && (error as? BookError)?.message.hasPrefix("no chapter with slug 'nope'") == true
        }
        #expect(!FileManager.default.fileExists(atPath: book.folder.url("site").path), "no site was written")
    }

    @Test func malformedManifestIsLocated() throws {
        let book = try scratchBook("manifest")
        defer { book.remove() }
        try book.write("chapters/book.json", "{ \"title\": \"x\" }")
        do {
            _ = try Load.book(root: book.root)
            Issue.record("a manifest without chapters must fail")
        } catch {
            #expect(
                error.description.hasPrefix(
                    "chapters/book.json:1:1: error: the manifest is not valid: missing key 'chapters'"))
        }
    }
}
