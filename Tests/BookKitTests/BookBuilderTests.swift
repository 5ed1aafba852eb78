import Foundation
import Testing
@testable import BookKit

/// The whole build on a small fixture book: the site's files, determinism, subset builds.
@Suite struct BookBuilderTests {
    /// A scratch book root with a manifest and two fixture chapters.
    private func scratchBook(_ name: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("book-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("chapters"), withIntermediateDirectories: true)
        for fixture in ["modes", "wrong-output"] {
            try FileManager.default.copyItem(at: Fixtures.directory.appendingPathComponent("\(fixture).md"),
                                             to: root.appendingPathComponent("chapters/\(fixture).md"))
        }
        let manifest = """
        { "title": "Fixture <Book>", "chapters": [
          { "slug": "modes", "file": "modes.md", "title": "Modes & more", "summary": "Every mode." },
          { "slug": "wrong", "file": "wrong-output.md", "title": "Wrong", "summary": "Fails its check." } ] }
        """
        try manifest.write(to: root.appendingPathComponent("chapters/book.json"), atomically: true, encoding: .utf8)
        return root
    }

    private func build(_ root: URL, chapters: [String] = []) throws -> BookBuilder.Report {
        var options = BookBuilder.Options(root: root, packageRoot: Fixtures.packageRoot)
        options.output = root.appendingPathComponent("site")
        options.chapters = chapters
        return try BookBuilder(options: options).build()
    }

    private func tree(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            files[name] = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)
        }
        return files
    }

    @Test func buildsTheSiteTwiceIdentically() throws {
        let root = try scratchBook("twice")
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try build(root)
        #expect(first.chapters.map(\.slug) == ["modes", "wrong"])
        #expect(first.chapters[0].errors.isEmpty)
        #expect(first.chapters[1].errors.map(\.kind) == [.output])
        let site = root.appendingPathComponent("site")
        let firstTree = try tree(site)
        #expect(Set(firstTree.keys) == ["index.html", "modes.html", "wrong.html", "style.css", "book.js", "claims.html", "search-index.js", SiteFolder.markerName])
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("katex/fonts/KaTeX_Main-Regular.woff2").path),
                "KaTeX's stylesheet and fonts are copied in, so pages work offline")
        let index = String(decoding: firstTree["index.html"]!, as: UTF8.self)
        #expect(index.contains("Fixture &lt;Book&gt;"))
        #expect(index.contains("<a href=\"modes.html\">Modes &amp; more</a>"))
        let wrong = String(decoding: firstTree["wrong.html"]!, as: UTF8.self)
        #expect(wrong.contains("This chapter failed its checks"))
        _ = try build(root)
        #expect(try tree(site) == firstTree)
        // No staging or retired folders are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).filter { !$0.hasSuffix(".lock") }.sorted() == ["chapters", "site"])
    }

    @Test func subsetBuildKeepsOtherPages() throws {
        let root = try scratchBook("subset")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try build(root)
        let report = try build(root, chapters: ["wrong"])
        #expect(report.chapters.map(\.slug) == ["wrong"])
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("site/modes.html").path))
    }

    @Test func unknownSlugIsAnEnvironmentError() throws {
        let root = try scratchBook("unknown")
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: BookError.self) { try build(root, chapters: ["nope"]) }
    }

    @Test func malformedManifestIsLocated() throws {
        let root = try scratchBook("manifest")
        defer { try? FileManager.default.removeItem(at: root) }
        try "{ \"title\": \"x\" }".write(to: root.appendingPathComponent("chapters/book.json"), atomically: true, encoding: .utf8)
        do {
            _ = try Load.book(root: root)
            Issue.record("a manifest without chapters must fail")
        } catch {
            #expect(error.description.hasPrefix("chapters/book.json:1:1: error: the manifest is not valid: missing key 'chapters'"))
        }
    }
}
