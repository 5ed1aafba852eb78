import BookTestSupport
import Foundation
import Testing

/// Issue 14, "A second, small book": `Tests/Books/swift-tour`, four chapters on the Swift standard library
/// written as an author of a Swift tutorial would write them, uses every feature of the issue where such an
/// author would (shadowing of a `let`, a function and a struct; `display` templates and fragments; an
/// `aside`; `fails` with and without text; `traps optimize=none` on an `assert`; `unordered` Set output;
/// a `Task` and top-level `await`; `// Prints` and `// Output:` expectations; a `stdin` block). It must
/// build green through the real command line, as a reader who clones the repository would build it.
@Suite struct SecondBookTests {
    static let root = Fixtures.packageRoot.appendingPathComponent("Tests/Books/swift-tour")

    /// The slugs of the book's manifest, in order.
    func slugs() throws -> [String] {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("chapters/book.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let chapters = try #require(manifest["chapters"] as? [[String: Any]])
        return chapters.compactMap { $0["slug"] as? String }
    }

    @Test func theSwiftTourBuildsGreen() throws {
        let scratch = try ScratchFolder("swift-tour")
        defer { scratch.remove() }
        let output = scratch.url("site")
        let chaptersBefore = try chapterFiles()

        let process = Process()
        process.executableURL = Fixtures.bookExecutable
        process.arguments = [
            "build", "--root", Self.root.path, "--package", Fixtures.packageRoot.path,
            "--output", output.path,
        ]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // The summary on stdout is a few lines; stderr, which may be long when checks fail, is read first.
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationStatus == 0, "book build exited \(process.terminationStatus):\n\(stdout)\n\(stderr)")
        #expect(stderr.isEmpty, "errors on stderr:\n\(stderr)")
        let slugs = try slugs()
        #expect(slugs.count == 4)
        for slug in slugs {
            #expect(stdout.contains("ok    \(slug) "), "no ok line for \(slug):\n\(stdout)")
        }
        let summary = try #require(
            stdout.split(separator: "\n").first { $0.hasPrefix("\(slugs.count) chapters, ") },
            "no summary line:\n\(stdout)")
        #expect(summary.contains(", 0 failed, 0 errors, "), "summary: \(summary)")
        // Twenty-nine snippets carry expected output (11 + 6 + 4 + 8 by chapter): each must be a passed check,
        // so a feature that silently skipped its snippets would show here.
        let passed = summary.firstMatch(of: #/(\d+) checks passed/#).flatMap { Int($0.1) } ?? 0
        #expect(passed >= 29, "summary: \(summary)")

        for slug in slugs {
            #expect(
                FileManager.default.fileExists(atPath: output.appendingPathComponent("\(slug).html").path),
                "no page for \(slug)")
        }
        // What only the page shows (the checks above cover every printed line): the assertion's message, which
        // only a build without optimisation prints, and the template's placeholders, shown as written.
        #expect(try text(of: "errors", in: output).contains("Assertion failed: only 4 bread in stock, 5 reserved"))
        #expect(try text(of: "generics-and-concurrency", in: output).contains("func <#name#><T: <#Protocol#>>"))

        #expect(try chapterFiles() == chaptersBefore, "the build changed a chapter file")
    }

    /// A page's text as a reader sees it: tags (highlighting spans) removed, entities decoded.
    private func text(of slug: String, in output: URL) throws -> String {
        let html = try String(contentsOf: output.appendingPathComponent("\(slug).html"), encoding: .utf8)
        return html.replacing(#/<[^>]*>/#, with: "")
            .replacing("&lt;", with: "<").replacing("&gt;", with: ">").replacing("&quot;", with: "\"")
            .replacing("&#39;", with: "'").replacing("&amp;", with: "&")
    }

    /// The book's chapter folder, file name → bytes.
    private func chapterFiles() throws -> [String: Data] {
        let folder = Self.root.appendingPathComponent("chapters")
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            files[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return files
    }
}
