import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// A warm build reuses what did not change (programs, runs, KaTeX, and the snippets' parses in `SyntaxMemo`, the
/// artefacts' hashes in `VerifiedFiles`), and its site is the very bytes a build with nothing cached writes.
@Suite(.serialized) struct IncrementalBuildTests {
    /// A prose edit compiles and runs nothing, shows the new sentence, and gives the same bytes as a build that
    /// reuses nothing (`--no-cache`, a fresh output folder, every parse memo and witness deleted). Then an edit
    /// that changes a cached input, a snippet that now redeclares a name (so shadowing renames the earlier one, a
    /// remembered parse), must recompile and change the page.
    @Test func proseEditReusesEverythingAndEqualsAColdBuild() throws {
        let book = try ScratchBook("incremental")
        defer { book.remove() }
        try book.write(
            "chapters/one.md",
            "# one\n\nFirst.\n\n```swift\nlet x = 1\nprint(x)\n```\n\n```output\n1\n```\n\n"
                + "```swift\nprint(x + 1)\n```\n\n```output\n2\n```\n")
        #expect(try book.book(["build"]).status == 0)

        try book.write(
            "chapters/one.md",
            "# one\n\nFirst, and a sentence added.\n\n```swift\nlet x = 1\nprint(x)\n```\n\n```output\n1\n```\n\n"
                + "```swift\nprint(x + 1)\n```\n\n```output\n2\n```\n")
        let warm = try book.book(["build"])
        #expect(warm.status == 0, "\(warm.stderr)")
        let lines = warm.stdout.split(separator: "\n").filter { $0.hasPrefix("ok") }
        #expect(lines.count == 2 && lines.allSatisfy { $0.hasSuffix("cached") }, "\(warm.stdout)")
        let warmSite = book.snapshot("site")
        #expect(String(decoding: warmSite["one.html"] ?? Data(), as: UTF8.self).contains("a sentence added"))

        try FileManager.default.removeItem(at: book.root.appendingPathComponent(".build/book/syntax"))
        try FileManager.default.removeItem(at: book.root.appendingPathComponent(".build/book/verified"))
        let cold = try book.book(["build", "--no-cache", "--output", book.root.appendingPathComponent("cold").path])
        #expect(cold.status == 0, "\(cold.stderr)")
        #expect(!cold.stdout.contains("cached"), "\(cold.stdout)")
        let coldSite = book.snapshot("cold")
        #expect(Set(coldSite.keys) == Set(warmSite.keys))
        for (path, bytes) in warmSite.sorted(by: { $0.key < $1.key }) {
            #expect(coldSite[path] == bytes, "\(path) differs between the warm and the cold build")
        }

        // The second snippet now redeclares x: the first snippet's x is renamed, and the second prints 10.
        try book.write(
            "chapters/one.md",
            "# one\n\nFirst, and a sentence added.\n\n```swift\nlet x = 1\nprint(x)\n```\n\n```output\n1\n```\n\n"
                + "```swift\nlet x = 10\nprint(x)\n```\n\n```output\n10\n```\n")
        let code = try book.book(["build"])
        #expect(code.status == 0, "\(code.stderr)")
        #expect(code.stdout.contains("1 compiled, 1 run"), "\(code.stdout)")
        let page = String(decoding: book.snapshot("site")["one.html"] ?? Data(), as: UTF8.self)
        #expect(page.contains("<span class=\"tok-number\">10</span>"), "the new snippet is on the page")
        #expect(page != String(decoding: warmSite["one.html"] ?? Data(), as: UTF8.self))
    }
}
