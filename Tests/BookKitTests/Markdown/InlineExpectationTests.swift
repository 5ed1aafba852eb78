import BookTestSupport
import Testing

@testable import BookKit

/// The `// Prints "…"` and `// Output:` parser on its own (fixtures cover the build around it).
@Suite struct InlineExpectationTests {
    private func snippet(_ code: String, fenceColumn: Int = 1) -> Snippet {
        Snippet(
            index: 0, info: SnippetInfo(), code: code,
            fence: SourcePosition(file: "c.md", line: 10, column: fenceColumn),
            endLine: 10 + code.split(separator: "\n", omittingEmptySubsequences: false).count)
    }

    private func expected(_ code: String) throws -> ExpectedOutput? {
        try InlineExpectations.parse(snippet(code)).get()
    }

    @Test func slashesInsideAStringAreNotAComment() throws {
        let parsed = try expected(#"print("http://example.com") // Prints "http://example.com""# + "\n")
        #expect(parsed?.text == "http://example.com\n")
        #expect(parsed?.fence.column == 29)
        #expect(try expected(#"print("// Prints \"x\"")"# + "\n") == nil)
    }

    @Test func escapesAndLowercase() throws {
        #expect(try expected(#"// prints "tab\there \u{E9} \\ \"q\"""# + "\n")?.text == "tab\there é \\ \"q\"\n")
        #expect(try expected("// Prints \"\"\n")?.text == "\n", "an empty line")
        #expect(try expected("// Prints the list\n") == nil, "prose, not an expectation")
    }

    @Test func errorsAreLocated() {
        let cases: [(String, String)] = [
            (#"x // Prints "a" and more"# + "\n", "c.md:11:13: error: text after the closing quote"),
            (#"// Prints "\q""# + "\n", "c.md:11:11: error: unknown escape"),
            ("// Prints \"a\"\n// Output:\n// a\n", "c.md:12:1: error: snippet #1 states its output both"),
        ]
        for (code, prefix) in cases {
            switch InlineExpectations.parse(snippet(code)) {
            case .success(let value): Issue.record("\(code) parsed as \(String(describing: value))")
            case .failure(let error): #expect(error.description.hasPrefix(prefix), "\(error.description)")
            }
        }
    }

    /// Indented fences (in a list item): the column is the file's.
    @Test func outputCommentInAnIndentedFence() throws {
        let parsed = try InlineExpectations.parse(snippet("print(1)\n// Output: 1\n//\n//   two\n\n", fenceColumn: 4))
            .get()
        #expect(parsed?.text == "1\n\n  two\n")
        #expect(parsed?.fence.line == 12 && parsed?.fence.column == 4)
    }

    /// What `--fix` writes decodes back to the same text.
    @Test func fixLiteralRoundTrips() throws {
        let text = "a \"b\" \\ c\td \u{1}"
        #expect(try expected("// Prints \"\(Fix.swiftLiteral(text))\"\n")?.text == text + "\n")
    }
}
