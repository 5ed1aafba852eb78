import BookTestSupport
import Testing

@testable import BookKit

/// What a snippet's syntax tells before compiling: its problems (located within the snippet) and the names
/// it declares at file scope.
@Suite struct SnippetSyntaxTests {
    @Test func wellFormedCodeHasNoProblems() {
        let syntax = SnippetSyntax(
            code: """
                import Kexue
                let (a, b) = (1, 2)
                func f(_ x: Int) -> Int { x + a }
                print("\\(f(b)) <#not a placeholder in a string#>")
                switch a { case 1: print("one") default: break }

                """)
        #expect(syntax.problems.isEmpty, "\(syntax.problems)")
    }

    @Test func editorPlaceholderIsATemplate() {
        let syntax = SnippetSyntax(code: "let n = 1\nprint(<#value#>)\n")
        #expect(syntax.problems.count == 1)
        #expect(syntax.problems.first?.line == 2)
        #expect(syntax.problems.first?.column == 7)
        #expect(syntax.problems.first?.message.contains("editor placeholder '<#value#>'") == true)
        #expect(syntax.problems.first?.message.contains("display") == true)
        // In the chapter: an indented fence on line 10, so the code's line 2 is line 12, 2 columns further.
        let snippet = Snippet(
            index: 0, info: SnippetInfo(), code: syntax.code, fence: SourcePosition(file: "c.md", line: 10, column: 3),
            endLine: 13, expected: nil)
        #expect(syntax.problems.first?.position(in: snippet) == SourcePosition(file: "c.md", line: 12, column: 9))
    }

    @Test func unbalancedBracesAreProblems() {
        let open = SnippetSyntax(code: "func f() {\n    print(1)\n")
        #expect(
            open.problems.map(\.description)
                == [
                    "2:13: expected '}' to end function; the snippet's braces do not balance (each snippet must be complete top-level code)"
                ])
        let close = SnippetSyntax(code: "print(1)\n}\n")
        #expect(close.problems.first?.line == 2)
        #expect(close.problems.first?.column == 1)
        #expect(close.problems.first?.message.contains("braces do not balance") == true)
    }

    @Test func fragmentsAreProblems() {
        #expect(
            SnippetSyntax(code: "case .some(let x):\n    print(x)\n").problems.first?.message.contains(
                "the snippet is a fragment") == true)
        #expect(
            SnippetSyntax(code: "} else {\n    print(2)\n}\n").problems.first?.message.contains(
                "the snippet is a fragment") == true)
        #expect(!SnippetSyntax(code: "let x = \n").problems.isEmpty)
        // UTF-8 columns, as swiftc counts them: "é" is two bytes.
        let syntax = SnippetSyntax(code: "let é = 1 +\n")
        #expect(syntax.problems.first?.line == 1)
        #expect(syntax.problems.first?.column == 13)
    }

    @Test func declaredNamesAreFileScopeOnly() {
        let syntax = SnippetSyntax(
            code: """
                let x = 1, y = 2
                var (a, (b, _)) = (1, (2, 3))
                func f(label: Int) { let local = label; print(local) }
                func + (l: P, r: P) -> P { l }
                struct P { var member = 0; func method() {} }
                class C {}
                enum E { case one }
                actor A {}
                protocol Q {}
                typealias T = Int
                extension P { func more() {} }
                if let z = Optional(1) { print(z) }
                for i in 0..<2 { print(i) }

                """)
        #expect(syntax.declaredNames == ["x", "y", "a", "b", "f", "P", "C", "E", "A", "Q", "T"])
        let function = syntax.declarations.first { $0.name == "f" }
        #expect(function?.fullName == "f(label:)")
    }

    /// No false positives: every snippet of the book's chapters compiles, so none may have a problem.
    @Test func everyChapterSnippetIsWellFormed() throws {
        let book = try Load.book(root: Fixtures.packageRoot)
        var count = 0
        for source in book.chapters {
            let (chapter, _) = Extract.chapter(Parse.chapter(source))
            for snippet in chapter.snippets where snippet.info.mode != .fails {
                count += 1
                let problems = SnippetSyntax(code: snippet.code).problems
                #expect(problems.isEmpty, "\(source.path) snippet \(snippet.displayName): \(problems)")
            }
        }
        #expect(count > 50)
    }
}
