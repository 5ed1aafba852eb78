import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// `SyntaxMemo` answers what a parse answers, from disk once it has parsed, and never from a damaged or
/// foreign entry.
@Suite struct SyntaxMemoTests {
    @Test func rememberedResultsEqualAParseAndFollowTheCode() throws {
        let folder = try ScratchFolder("syntax-memo")
        defer { folder.remove() }
        let memo = try #require(SyntaxMemo(packageRoot: folder.root))
        let codes = ["let x = 1\nprint(x)", "let x = 2\nprint(x)"]
        let fresh = Shadowing(codes: codes).codes
        #expect(fresh[0].contains("x__book_0"), "the earlier x is renamed")
        #expect(memo.shadowedCodes(codes) == fresh)
        let entries = try FileManager.default.contentsOfDirectory(atPath: memo.directory.path)
        #expect(entries.count == 1)
        #expect(memo.shadowedCodes(codes) == fresh, "read back")
        // Another code is another key: without the redeclaration nothing is renamed.
        #expect(memo.shadowedCodes(["let x = 1\nprint(x)", "print(x)"]) == ["let x = 1\nprint(x)", "print(x)"])

        let broken = "let = 3"
        #expect(memo.problems(of: broken) == SnippetSyntax(code: broken).problems)
        #expect(!memo.problems(of: broken).isEmpty)
        #expect(memo.problems(of: "let y = 3").isEmpty)

        // A forged entry (its value edited, the checksum left) is recomputed, not believed.
        let entry = memo.directory.appendingPathComponent(entries[0])
        let text = try String(contentsOf: entry, encoding: .utf8)
        let forged = text.replacingOccurrences(of: "x__book_0", with: "y__book_0")
        #expect(forged != text)
        try forged.write(to: entry, atomically: true, encoding: .utf8)
        #expect(memo.shadowedCodes(codes) == fresh)
        try "garbage".write(to: entry, atomically: true, encoding: .utf8)
        #expect(memo.shadowedCodes(codes) == fresh)
    }
}
