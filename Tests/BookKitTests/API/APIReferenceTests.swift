import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The API reference of a tiny library with deliberate faults, through the real toolchain: the doc-comment
/// warnings (with their places), a reference page as a golden file, and the cache that spares a warm build the
/// extraction.
@Suite(.serialized) struct APIReferenceTests {
    static let kernels = "/// Two.\npublic func kernelScale() -> Double { 2 }\n"
    static let kexue = """
        @_exported import Kernels

        /// A length in metres. Raw HTML is text: <b>bold</b> <script>alert(1)</script>.
        ///
        /// Convert with ``Meter/scaled(by:)``; see `Meter.value`.
        public struct Meter: Sendable {
            /// The length.
            public var value: Double
            /// Makes a length.
            /// - Parameters:
            ///   - value: in metres.
            ///   - scale: a factor.
            public init(value: Double, scale: Double = 1) { self.value = value * scale }
            /// Scales the length.
            /// - Parameter factor: the factor.
            public func scaled(by factor: Double) -> Meter { Meter(value: value * factor) }
            /// Units.
            public enum Unit {
                /// Metres.
                case metre
                case foot
            }
        }

        public func undocumented() {}

        /// Adds.
        /// - Parameter y: nothing.
        /// See ``Nowhere`` and ``Meter/value``.
        ///
        /// ```
        /// ``NotALink``
        /// ```
        public func add(_ a: Int, _ b: Int) -> Int { a + b }

        """

    /// A scratch package with the library above, and a toolchain folder whose `swift-symbolgraph-extract` logs
    /// each run to `extractions.log` before running the real one.
    struct Tiny {
        let folder: ScratchFolder
        let toolchain: Toolchain
        let library: LibraryBuild.Product
        var log: URL { folder.url("extractions.log") }
        var extractions: Int {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").count
        }

        init(_ name: String) throws {
            folder = try ScratchFolder("api-\(name)")
            try folder.write("Sources/Kernels/Scale.swift", APIReferenceTests.kernels)
            try folder.write("Sources/Kexue/Kexue.swift", APIReferenceTests.kexue)
            let real = try Fixtures.environment.get().0
            let bin = folder.url("toolchain")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                atPath: bin.appendingPathComponent("swiftc").path, withDestinationPath: real.swiftc)
            let realTool = APIExtraction(
                library: LibraryBuild.Product(directory: bin, fingerprint: ""), toolchain: real, root: folder.root
            ).tool
            let script = bin.appendingPathComponent("swift-symbolgraph-extract")
            try "#!/bin/sh\necho run >> '\(folder.url("extractions.log").path)'\nexec '\(realTool)' \"$@\"\n"
                .write(to: script, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
            toolchain = Toolchain(swiftc: bin.appendingPathComponent("swiftc").path, version: real.version)
            library = try LibraryBuild(root: folder.root, toolchain: toolchain).build()
        }

        var extraction: APIExtraction { APIExtraction(library: library, toolchain: toolchain, root: folder.root) }
    }

    @Test func faultsAreReportedAtTheirPlace() throws {
        let tiny = try Tiny("faults")
        defer { tiny.folder.remove() }
        let warnings = DocCommentAudit.warnings(APIIndex(try tiny.extraction.reference())).map(\.description)
        #expect(
            warnings == [
                "Sources/Kexue/Kexue.swift:21:14: warning: public case 'Meter.Unit.foot' has no doc comment",
                "Sources/Kexue/Kexue.swift:25:13: warning: public function 'undocumented()' has no doc comment",
                "Sources/Kexue/Kexue.swift:28:17: warning: the doc comment of 'add(_:_:)' documents a parameter 'y' that it does not have (its parameters: a, b)",
                "Sources/Kexue/Kexue.swift:29:11: warning: the doc comment of 'add(_:_:)' links ``Nowhere``, which names no symbol of the library",
            ], "\(warnings.joined(separator: "\n"))")
    }

    /// A page with the contents a browser would find in it (`HTMLScan`): for pages read back from disk.
    static func scanned(_ html: String) -> RenderedPage {
        var contents = PageContents()
        for id in HTMLScan.ids(in: html) { contents.define(id) }
        for target in HTMLScan.links(in: html).sorted() { contents.link(target) }
        return RenderedPage(html: html, contents: contents)
    }

    @Test func referencePageGolden() throws {
        let tiny = try Tiny("golden")
        defer { tiny.folder.remove() }
        let index = APIIndex(try tiny.extraction.reference())
        let book = Book(
            title: "Tiny", subtitle: "",
            chapters: [ChapterSource(slug: "one", path: "chapters/one.md", title: "One", summary: "", text: "")])
        let pages = APIPages.site(index, unavailable: nil, book: book, stamp: SitePageGoldenTests.stamp)
        #expect(
            Set(pages.keys) == [
                "api.html", "api.Kexue.html", "api.Kernels.html", "api.Kexue.Meter.html",
            ])
        let page = try #require(pages["api.Kexue.Meter.html"]?.html)
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script>alert"))
        #expect(page.contains("id=\"init(value:scale:)\"") && page.contains("id=\"Unit.foot\""))
        // What each page records is exactly its own ids and links, read back from its bytes: the link check
        // reads the reference as data, and misses nothing the pages hold.
        for (path, page) in pages {
            #expect(page.contents.anchors == HTMLScan.ids(in: page.html), "\(path)")
            #expect(
                PageContentsTests.decoded(page.contents.links.map(\.target))
                    == PageContentsTests.decoded(HTMLScan.links(in: page.html)), "\(path)")
        }
        #expect(pages["api.Kexue.Meter.html"]?.contents.anchors.contains("init(value:scale:)") == true)
        // Every link of the reference resolves within it (the sidebar's chapter and claims pages aside).
        var site = Site()
        for (path, page) in pages { site.add(page, at: path) }
        for path in ["index.html", "claims.html", "one.html"] { site.add(Self.scanned(""), at: path) }
        for path in ["style.css", "book.js", "theme.js", "search-index.js", "katex/katex.min.css"] {
            site.files[path] = ""
        }
        #expect(LinkCheck.errors(in: site, book: book).isEmpty)
        // A symbol's anchor gone from what its page records: the links to it are broken.
        var gone = pages["api.Kexue.Meter.html"]!
        gone.contents = Self.scanned(gone.html.replacingOccurrences(of: "id=\"Unit.foot\"", with: "id=\"x\"")).contents
        site.add(gone, at: "api.Kexue.Meter.html")
        #expect(
            LinkCheck.errors(in: site, book: book).values.flatMap { $0 }.map(\.message).contains {
                $0.hasPrefix("broken link '#Unit.foot'")
            })
        Fixtures.expectGolden(page, "api.Kexue.Meter.html")
    }

    /// A second reference for the same library build reads the cache and runs no extractor; a damaged cache
    /// entry, or a library edit, runs it again.
    @Test func cachedReferenceRunsNoExtraction() throws {
        let tiny = try Tiny("cache")
        defer { tiny.folder.remove() }
        let first = try tiny.extraction.reference()
        #expect(tiny.extractions == 2, "one run per module")
        let second = try tiny.extraction.reference()
        #expect(tiny.extractions == 2, "the warm path runs nothing")
        #expect(second == first)

        var entry = try String(contentsOf: tiny.extraction.cacheFile, encoding: .utf8)
        entry = entry.replacingOccurrences(of: "A length in metres", with: "A length in inches")
        try entry.write(to: tiny.extraction.cacheFile, atomically: true, encoding: .utf8)
        let repaired = try tiny.extraction.reference()
        #expect(tiny.extractions == 4, "a damaged entry is not trusted")
        #expect(repaired == first)

        try tiny.folder.write(
            "Sources/Kernels/Scale.swift", APIReferenceTests.kernels + "/// Three.\npublic let three = 3\n")
        let edited = try LibraryBuild(root: tiny.folder.root, toolchain: tiny.toolchain).build()
        let changed = try APIExtraction(library: edited, toolchain: tiny.toolchain, root: tiny.folder.root).reference()
        #expect(tiny.extractions == 6, "a new library build is extracted")
        #expect(changed.symbols.contains { $0.title == "three" })
    }

    /// A book built against the tiny library of the other tests: its snippet links the library's function, the
    /// reference pages are written, and the site's link check covers them (a missing anchor is an error).
    @Test func bookLinksSnippetsIntoTheCheckedReference() throws {
        let scratch = try CacheTests.Scratch("api-book")
        defer { scratch.remove() }
        let report = try scratch.build()
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.docWarnings.isEmpty, "the tiny library is documented: \(report.docWarnings)")
        let site = scratch.root.appendingPathComponent("site")
        let chapter = try String(contentsOf: site.appendingPathComponent("one.html"), encoding: .utf8)
        #expect(chapter.contains("<a class=\"api-link\" href=\"api.Kernels.html#kernelScale()\">kernelScale</a>"))
        #expect(chapter.contains("<a href=\"api.html\">API reference</a>"))
        // The pages as written, their contents read back from the bytes (the build itself checked the contents
        // its renderers recorded; `referencePageGolden` holds those to the bytes).
        var files = Site()
        for name in try FileManager.default.contentsOfDirectory(atPath: site.path) where name.hasSuffix(".html") {
            files.add(
                Self.scanned(try String(contentsOf: site.appendingPathComponent(name), encoding: .utf8)), at: name)
        }
        #expect(files.files["api.Kernels.html"]?.contains("id=\"kernelScale()\"") == true)
        let book = try Load.book(root: scratch.root)
        let known = ["style.css", "book.js", "theme.js", "search-index.js", "katex/katex.min.css"]
        for name in known { files.files[name] = "" }
        #expect(LinkCheck.errors(in: files, book: book).isEmpty)
        files.add(
            Self.scanned(
                files.files["api.Kernels.html"]!.replacingOccurrences(of: "id=\"kernelScale()\"", with: "id=\"gone\"")),
            at: "api.Kernels.html")
        let errors = LinkCheck.errors(in: files, book: book).values.flatMap { $0 }.map(\.message)
        #expect(
            errors.contains(
                "broken link 'api.Kernels.html#kernelScale()' (a link on one.html): no anchor '#kernelScale()' in api.Kernels.html"
            ),
            "\(errors)")
    }
}
