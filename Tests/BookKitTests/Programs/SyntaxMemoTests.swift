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

    /// A cached compile's located diagnostics are a function of the output and of every part of the plan the
    /// mapping reads: the remembered text equals `Build.located`, and moving a snippet's fence (or changing its
    /// code) gives the new locations, never the remembered ones.
    @Test func rememberedDiagnosticsEqualTheMappingAndFollowThePlan() throws {
        let folder = try ScratchFolder("syntax-memo-located")
        defer { folder.remove() }
        let memo = try #require(SyntaxMemo(packageRoot: folder.root))
        func plan(_ codes: [String], firstLine: Int = 1) -> ProgramPlan {
            let snippets = codes.enumerated().map { index, code in
                Snippet(
                    index: index, info: SnippetInfo(), code: code,
                    fence: SourcePosition(file: "c.md", line: firstLine + 10 * index),
                    endLine: firstLine + 10 * index + 4, expected: nil)
            }
            return ProgramPlan(purpose: .main, snippets: snippets, path: "c.md")
        }
        let output = """
            /tmp/p/main.swift:3:1: note: generated
            c.md@0:2:17: error: cannot convert value of type 'Int' to specified type 'String'
            let y: String = x__book_0
                            ^~~~~~~~~
            """
        let shadowed = plan(["let x = 1\nlet y: String = x\n", "let x = 2\n"])
        let fresh = Build.located(output, plan: shadowed)
        #expect(fresh.contains("c.md:3:17: error: cannot convert"))
        #expect(memo.locatedDiagnostics(output, plan: shadowed) == fresh)
        #expect(memo.locatedDiagnostics(output, plan: shadowed) == fresh, "read back")
        let moved = plan(["let x = 1\nlet y: String = x\n", "let x = 2\n"], firstLine: 21)
        #expect(memo.locatedDiagnostics(output, plan: moved) == Build.located(output, plan: moved))
        #expect(memo.locatedDiagnostics(output, plan: moved).contains("c.md:23:17: error"))
        let unshadowed = plan(["let x = 1\nlet y: String = x\n"])
        #expect(memo.locatedDiagnostics(output, plan: unshadowed) == Build.located(output, plan: unshadowed))
    }

    /// Snippet links are remembered per library fingerprint and follow the code: the same answer as
    /// `SnippetLinks`, from disk the second time, and a new answer when the code or the library changes.
    @Test func rememberedSnippetLinksEqualALookupAndFollowCodeAndLibrary() throws {
        let folder = try ScratchFolder("syntax-memo-links")
        defer { folder.remove() }
        let memo = try #require(SyntaxMemo(packageRoot: folder.root))
        let index = SnippetLinksTests.index
        let snippets = SnippetLinksTests.snippets(["let t = Tensor.zeros([2])\nprint(softmax(t))"])
        let fresh = SnippetLinks.links(for: snippets, index: index)
        #expect(!fresh.isEmpty)
        #expect(memo.snippetLinks(snippets, index: index, library: "A") == fresh)
        #expect(try FileManager.default.contentsOfDirectory(atPath: memo.directory.path).count == 1)
        #expect(memo.snippetLinks(snippets, index: index, library: "A") == fresh, "read back")
        _ = memo.snippetLinks(snippets, index: index, library: "B")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: memo.directory.path).count == 2,
            "another library build is another entry")
        let local = SnippetLinksTests.snippets(["func softmax(_ x: Int) -> Int { x }\nprint(softmax(1))"])
        #expect(memo.snippetLinks(local, index: index, library: "A") == SnippetLinks.links(for: local, index: index))
    }

    @Test func rememberedLiveSpecsEqualAParseAndMistakesKeepTheirPlace() throws {
        let folder = try ScratchFolder("syntax-memo-live")
        defer { folder.remove() }
        let memo = try #require(SyntaxMemo(packageRoot: folder.root))
        let snippet = LiveFigureSpecTests.snippet(LiveFigureSpecTests.good)
        let fresh = try LiveFigureSpec.parse(snippet, file: "chapters/x.md")
        #expect(try memo.liveSpec(snippet, file: "chapters/x.md") == fresh)
        #expect(try FileManager.default.contentsOfDirectory(atPath: memo.directory.path).count == 1)
        #expect(try memo.liveSpec(snippet, file: "chapters/x.md") == fresh, "read back")
        // Another function name is another key; a mistake is found again, at its line, every time.
        let other = LiveFigureSpecTests.snippet(LiveFigureSpecTests.good, live: "other")
        for _ in 0..<2 {
            #expect(throws: BookError.self) { try memo.liveSpec(other, file: "chapters/x.md") }
            do { _ = try memo.liveSpec(other, file: "chapters/x.md") } catch {
                #expect(error.location?.line == 10 && error.message.contains("names no function"))
            }
        }
    }
}
