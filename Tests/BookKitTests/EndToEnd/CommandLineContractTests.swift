import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The command-line contract of `book build`, through the real executable on a scratch book: exit status
/// (0 every check holds, 1 a check failed, 2 environment or manifest, 64 usage), the progress and summary
/// lines on standard output, and the error format on standard error (`path:line:col: error: message`, detail
/// indented four spaces, a `hint:` line, each error after a blank line).
@Suite struct CommandLineContractTests {
    /// Runs `book ARGUMENTS --root ROOT` and checks its exit status and both streams, each compared whole after
    /// `normalized` (nil skips a stream): modelled on swift-argument-parser's `AssertExecuteCommand`, one
    /// assertion that names the command.
    private func assertExecute(
        _ book: ScratchBook, _ arguments: [String], exitCode: Int32, stdout: String?, stderr: String?,
        environment: [String: String] = [:],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { $1 }
        let result = try Subprocess(
            executable: Fixtures.bookExecutable.path, arguments: arguments + ["--root", book.root.path],
            environment: variables, timeout: 600
        ).run()
        let command = "book " + arguments.joined(separator: " ")
        #expect(result.termination == .exited(exitCode), "\(command): exit status", sourceLocation: sourceLocation)
        let out = normalized(String(decoding: result.stdout, as: UTF8.self), root: book.root)
        let err = normalized(String(decoding: result.stderr, as: UTF8.self), root: book.root)
        if let stdout { #expect(out == stdout, "\(command): standard output", sourceLocation: sourceLocation) }
        if let stderr { #expect(err == stderr, "\(command): standard error", sourceLocation: sourceLocation) }
    }

    /// Durations (`0.8 s`) become `#.# s` and the scratch root `ROOT`, so that the rest is compared exactly.
    private func normalized(_ text: String, root: URL) -> String {
        text.replacingOccurrences(of: root.path, with: "ROOT")
            .replacingOccurrences(of: #"[0-9]+\.[0-9] s"#, with: "#.# s", options: .regularExpression)
    }

    @Test func aGreenBookExitsZeroWithOneLinePerChapterAndTheSummary() throws {
        let book = try ScratchBook("contract-green")
        defer { book.remove() }
        try assertExecute(
            book, ["build"], exitCode: 0,
            stdout: """
                ok    one                             1 snippets      #.# s  1 compiled, 1 run
                ok    two                             1 snippets      #.# s  1 compiled, 1 run

                2 chapters, 2 snippets, 2 checks passed, 0 failed, 0 errors, #.# s
                site: ROOT/site/index.html

                """, stderr: "")
        // Nothing to do the second time: both chapters come from the caches.
        try assertExecute(
            book, ["build"], exitCode: 0,
            stdout: """
                ok    one                             1 snippets      #.# s  cached
                ok    two                             1 snippets      #.# s  cached

                2 chapters, 2 snippets, 2 checks passed, 0 failed, 0 errors, #.# s
                site: ROOT/site/index.html

                """, stderr: "")
    }

    @Test func aFailingCheckExitsOneWithALocatedErrorItsDetailAndAHint() throws {
        let book = try ScratchBook("contract-failing")
        defer { book.remove() }
        try book.write("chapters/two.md", "# two\n\n```swift\nprint(\"new\")\n```\n\n```output\nold\n```\n")
        try assertExecute(
            book, ["build"], exitCode: 1,
            stdout: """
                ok    one                             1 snippets      #.# s  1 compiled, 1 run
                FAIL  two                             1 snippets      #.# s  1 compiled, 1 run  1 error(s)

                2 chapters, 2 snippets, 1 checks passed, 1 failed, 1 errors, #.# s
                site: ROOT/site/index.html

                """,
            stderr: """

                chapters/two.md:7:1: error: snippet #1 output differs
                    line 1: text differs
                      expected: old
                      actual:   new
                hint: if the new output is right, record it with `swift run book build --fix`

                """)
    }

    @Test func theManifestAndTheEnvironmentExitTwo() throws {
        let book = try ScratchBook("contract-environment")
        defer { book.remove() }
        try book.write("chapters/book.json", "{ \"title\": \n")
        try assertExecute(
            book, ["build"], exitCode: 2, stdout: "",
            stderr: """
                chapters/book.json:1:1: error: the manifest is not valid: The given data was not valid JSON.
                hint: expected {"title": ..., "chapters": [{"slug", "file", "title", "summary"}]}

                """)
        try book.write(
            "chapters/book.json",
            "{ \"title\": \"T\", \"chapters\": [ { \"slug\": \"one\", \"file\": \"/etc/hostname\", \"title\": \"O\", \"summary\": \"s\" } ] }"
        )
        try assertExecute(book, ["build"], exitCode: 2, stdout: "", stderr: nil)
        let healthy = try ScratchBook("contract-environment-2")
        defer { healthy.remove() }
        try assertExecute(
            healthy, ["build"], exitCode: 2, stdout: "",
            stderr: """
                error: SWIFTC names /nonexistent/swiftc, which is not an executable
                hint: unset SWIFTC to use the swiftc on PATH, or point it at a Swift compiler

                """, environment: ["SWIFTC": "/nonexistent/swiftc"])
    }

    @Test func usageErrorsExitSixtyFour() throws {
        let book = try ScratchBook("contract-usage")
        defer { book.remove() }
        try assertExecute(
            book, ["build", "--chapters", "one"], exitCode: 64, stdout: "",
            stderr: """
                Error: Unknown option '--chapters'. Did you mean '--chapter'?
                Usage: book build [--chapter <chapter> ...] [--fix] [--exact] [--no-cache] [--pdf] [--jobs <jobs>] [--root <root>] [--output <output>] [--package <package>]
                  See 'book build --help' for more information.

                """)
        try assertExecute(
            book, ["build", "--chapter", "nope"], exitCode: 64, stdout: "",
            stderr: """
                error: no chapter with slug 'nope'
                hint: slugs: one, two

                """)
        try assertExecute(book, ["build", "--jobs", "0"], exitCode: 64, stdout: "", stderr: nil)
        // An output the build must not replace (the chapters folder).
        try assertExecute(book, ["build", "--output", "chapters"], exitCode: 64, stdout: "", stderr: nil)
    }
}
