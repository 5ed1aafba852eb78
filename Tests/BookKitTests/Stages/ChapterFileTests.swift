import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The manifest's `file` paths stay inside `chapters/`, and a chapter file that is not UTF-8 with LF line
/// endings fails that chapter alone, at its first bad byte. Through the `book` executable.
@Suite struct ChapterFileTests {
    /// Each of these was read, published (page and search index) and, with `--fix`, rewritten, with exit 0.
    @Test(arguments: [
        "../../../../../../../../../../etc/passwd", "/etc/passwd", "link-out.md", "../outside.md", "link-up.md",
    ])
    func manifestPathsMustStayInChapters(file: String) throws {
        let book = try ScratchBook(
            "escape-\(file.filter { $0.isLetter || $0 == "." }.count)-\(file.filter(\.isLetter))")
        defer { book.remove() }
        // A chapter outside chapters/ whose output block is wrong: `--fix` would rewrite it.
        try book.write("outside.md", "# Outside\n\n```swift\nprint(\"new\")\n```\n\n```output\nold\n```\n")
        try FileManager.default.createSymbolicLink(
            atPath: book.root.appendingPathComponent("chapters/link-out.md").path,
            withDestinationPath: "/etc/passwd")
        try FileManager.default.createSymbolicLink(
            atPath: book.root.appendingPathComponent("chapters/link-up.md").path,
            withDestinationPath: "../outside.md")
        let manifest = try String(contentsOf: book.root.appendingPathComponent("chapters/book.json"), encoding: .utf8)
        try book.write("chapters/book.json", manifest.replacingOccurrences(of: "\"one.md\"", with: "\"\(file)\""))
        let outside = book.snapshot()["outside.md"]

        let run = try book.book(["build", "--fix"])
        #expect(run.status == 2, "\(run.stderr)")
        // Line 2, column 28: where the "file" value of the first entry starts in the manifest text.
        #expect(run.stderr.hasPrefix("chapters/book.json:2:28: error: chapter 'one' names "), "\(run.stderr)")
        #expect(run.stderr.contains("\nhint: name a file inside chapters/"))
        #expect(book.snapshot()["outside.md"] == outside, "--fix wrote nothing outside chapters/")
        #expect(
            !FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site").path),
            "nothing was published")
    }

    /// A slug whose page is a file the build writes for itself. Was: `index` (or `claims`) replaced
    /// site/index.html (claims.html) with the chapter, exit 0.
    @Test(arguments: ["index", "claims", "style", "book", "search-index", "katex"])
    func reservedSlugsAreRejected(slug: String) throws {
        let book = try ScratchBook("reserved-\(slug)")
        defer { book.remove() }
        // Chapter two links to one.html: without the link, the rename breaks no link (exit 0 before the fix).
        try book.write("chapters/two.md", "# two\n\nSecond.\n")
        #expect(try book.book(["build"]).status == 0)
        let site = book.snapshot("site")
        let manifest = try String(contentsOf: book.root.appendingPathComponent("chapters/book.json"), encoding: .utf8)
        try book.write(
            "chapters/book.json", manifest.replacingOccurrences(of: "\"slug\": \"one\"", with: "\"slug\": \"\(slug)\""))
        let run = try book.book(["build"])
        #expect(run.status == 2, "\(run.stderr)")
        // Line 2, column 13: where the "slug" value of the first entry starts.
        #expect(
            run.stderr.hasPrefix(
                "chapters/book.json:2:13: error: chapter slug '\(slug)' names a page the build writes for itself"),
            "\(run.stderr)")
        #expect(run.stderr.contains("\nhint: "))
        #expect(book.snapshot("site") == site, "nothing was published")
    }

    /// `original.url` becomes a live link on the chapter's page. Was: a `javascript:` address was published.
    @Test(arguments: [
        "javascript:alert(1)", " javascript:alert(1)", "data:text/html,<b>x</b>", "//evil.example/",
        "kexue.fm/archives/8877", "HTTPS://kexue.fm/", "",
    ])
    func originalURLMustBeHTTP(url: String) throws {
        let book = try ScratchBook("original-\(url.utf8.reduce(UInt32(5381)) { $0 &* 33 &+ UInt32($1) })")
        defer { book.remove() }
        try book.write("chapters/book.json", manifest(originalURL: url))
        let run = try book.book(["build"])
        #expect(run.status == 2, "\(run.stderr)")
        // Line 3, column 26: where the "url" value starts.
        #expect(
            run.stderr.hasPrefix("chapters/book.json:3:26: error: chapter 'one': the original post's url "),
            "\(run.stderr)")
        #expect(run.stderr.contains("\nhint: "))
        #expect(
            !FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site").path),
            "nothing was published")
    }

    @Test(arguments: ["https://kexue.fm/archives/8877", "http://kexue.fm/archives/8877"])
    func originalURLOverHTTPIsLinked(url: String) throws {
        let book = try ScratchBook("original-ok-\(url.prefix(5))")
        defer { book.remove() }
        try book.write("chapters/book.json", manifest(originalURL: url))
        let run = try book.book(["build"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            String(decoding: book.snapshot("site")["one.html"] ?? Data(), as: UTF8.self).contains("<a href=\"\(url)\""))
    }

    private func manifest(originalURL url: String) -> String {
        """
        { "title": "Safety", "chapters": [
          { "slug": "one", "file": "one.md", "title": "One", "summary": "s",
            "original": { "url": "\(url)", "author": "a", "date": "d", "title": "t" } },
          { "slug": "two", "file": "two.md", "title": "Two", "summary": "s" } ] }
        """
    }

    /// `--fix` on a chapter reached through a link inside chapters/ writes the file the link resolves to,
    /// and the link stays a link.
    @Test func fixWritesTheResolvedFile() throws {
        let book = try ScratchBook("alias")
        defer { book.remove() }
        try book.write("chapters/real.md", "# One\n\n```swift\nprint(\"new\")\n```\n\n```output\nold\n```\n")
        try FileManager.default.createSymbolicLink(
            atPath: book.root.appendingPathComponent("chapters/alias.md").path,
            withDestinationPath: "real.md")
        let manifest = try String(contentsOf: book.root.appendingPathComponent("chapters/book.json"), encoding: .utf8)
        try book.write("chapters/book.json", manifest.replacingOccurrences(of: "\"one.md\"", with: "\"alias.md\""))
        let run = try book.book(["build", "--fix"])
        #expect(run.status == 0, "\(run.stderr)")
        let files = book.snapshot("chapters")
        #expect(files["alias.md"] == Data("-> real.md".utf8))
        #expect(String(decoding: files["real.md"] ?? Data(), as: UTF8.self).contains("```output\nnew\n```"))
    }

    /// Load itself, in process: a CRLF chapter gets a load error located at its first carriage return
    /// (and empty text), the book still loads, and the other chapters are read as they are.
    @Test func loadLocatesACRLFChapterAndKeepsTheOthers() throws {
        let book = try ScratchChapters("crlf", chapters: ["a": "# A\r\n\r\nText.\r\n", "b": "# B\n\nText.\n"])
        defer { book.remove() }
        let loaded = try Load.book(root: book.root)
        #expect(
            loaded.chapters[0].loadError?.description.hasPrefix(
                "chapters/a.md:1:4: error: the chapter has Windows (CRLF) line endings") == true)
        #expect(loaded.chapters[0].text.isEmpty)
        #expect(loaded.chapters[1].loadError == nil && loaded.chapters[1].text == "# B\n\nText.\n")
    }

    /// Was: the whole book failed with exit 2 at `chapters/book.json:1:1` (non-UTF-8) or at line 1 (CRLF).
    @Test(arguments: [
        ("crlf", "chapters/two.md:5:9: error: the chapter has Windows (CRLF) line endings"),
        ("cr", "chapters/two.md:3:4: error: the chapter has a carriage return (CR) character"),
        (
            "latin1",
            "chapters/two.md:12:5: error: the chapter is not UTF-8: byte 0xFF cannot start or continue a character here"
        ),
        (
            "overlong",
            "chapters/two.md:3:8: error: the chapter is not UTF-8: byte 0xC0 cannot start or continue a character here"
        ),
    ])
    func badEncodingFailsThatChapterOnly(kind: String, expected: String) throws {
        let book = try ScratchBook("encoding-\(kind)")
        defer { book.remove() }
        let url = book.root.appendingPathComponent("chapters/two.md")
        var bytes = Array(try Data(contentsOf: url))
        switch kind {
        case "crlf":
            // Lines 5 onwards end in CRLF; line 5 is "```swift" (8 bytes), so the CR is at column 9.
            var lineNumber = 1, result: [UInt8] = []
            for byte in bytes {
                if byte == UInt8(ascii: "\n") {
                    if lineNumber >= 5 { result.append(UInt8(ascii: "\r")) }; lineNumber += 1
                }
                result.append(byte)
            }
            bytes = result
        case "cr": bytes.replaceSubrange(bytes.startIndex..<bytes.startIndex, with: Array("# two\n\nOld\rMac\n".utf8))
        case "latin1": bytes += Array("Bad ".utf8) + [0xFF] + Array(" byte\n".utf8)
        default:
            bytes.replaceSubrange(
                bytes.startIndex..<bytes.startIndex, with: Array("# two\n\nSlash: ".utf8) + [0xC0, 0xAF] + [0x0A])
        }
        try Data(bytes).write(to: url)
        let run = try book.book(["build"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains(expected + "\nhint: "), "\(run.stderr)")
        #expect(run.stdout.contains("ok    one"))
        #expect(run.stdout.contains("FAIL  two"))
        let site = book.snapshot("site")
        #expect(String(decoding: site["two.html"] ?? Data(), as: UTF8.self).contains("This chapter failed its checks"))
        #expect(String(decoding: site["one.html"] ?? Data(), as: UTF8.self).contains("First."))
        #expect(try Data(contentsOf: url) == Data(bytes), "the chapter file is untouched")
    }

    @Test func firstInvalidUTF8() {
        #expect(Load.firstInvalidUTF8(Array("héllo → 𝔸".utf8)) == nil)
        #expect(Load.firstInvalidUTF8([0x61, 0xED, 0xA0, 0x80]) == 1, "a UTF-16 surrogate")
        #expect(Load.firstInvalidUTF8([0x61, 0x62, 0xE2, 0x82]) == 2, "a truncated sequence")
        #expect(Load.firstInvalidUTF8([0xF4, 0x90, 0x80, 0x80]) == 0, "above U+10FFFF")
        #expect(Load.firstInvalidUTF8([0xE0, 0x80, 0xAF]) == 0, "overlong")
    }

    /// The position of a manifest value, even when the same key text appears inside another string.
    @Test func jsonPositionsFollowThePath() {
        let text = """
            {"title": "T \\"file\\": \\"x\\"", "chapters": [
              {"slug": "a", "summary": "has \\"file\\": inside", "file": "a.md"},
              {"original": {"file": "no"}, "file":
                 "b.md"}]}
            """
        let positions = JSONPositions(Array(text.utf8))
        #expect(positions.position(of: "chapters.0.file", file: "m")?.description == "m:2:60")
        #expect(positions.position(of: "chapters.1.file", file: "m")?.description == "m:4:6")
        #expect(positions.position(of: "chapters.1.original.file", file: "m")?.description == "m:3:25")
    }
}
