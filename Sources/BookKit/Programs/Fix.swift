/// `book build --fix`: rewrites the expected blocks of a chapter (```output and ```figure) to what its
/// snippets printed and showed, and changes no other byte of the file.
///
/// Only snippets whose check fails are touched (a block that matches within tolerance keeps the author's
/// formatting). For those, the snippet's trailer (its output block and figure blocks) is written anew right
/// after the snippet, each block preceded by one blank line and indented like the snippet's fence; figure
/// captions (the rest of the ```figure info string) are kept by position. A snippet that now prints
/// nothing loses its output block.
///
/// Inline expectations keep their form: the `// Output:` comment lines are written anew (the `// Output:`
/// line keeps its indentation); `// Prints "…"` comments are rewritten in place, the code before each kept,
/// when the output has as many lines as the comments expect. When it has not, `refusals` says so at the
/// first comment and the snippet is left alone: where a new line belongs in the code is the author's call.
///
/// Before anything is written, `unstable` runs each program that `--fix` would record a second time,
/// without the run cache: output that differs between the two runs is refused, naming the lines.
public enum Fix {
    /// The snippets whose output `apply` would record: checked, compared, and failing their check.
    static func toRecord(
        _ chapter: Chapter, outcomes: [Int: SnippetOutcome], comparable: (Snippet) -> Bool,
        exact: Bool = false
    ) -> [Snippet] {
        chapter.snippets.filter { snippet in
            snippet.info.mode.isChecked && comparable(snippet)
                && !Check.outputErrors(snippet, outcomes[snippet.index] ?? SnippetOutcome(), exact: exact).isEmpty
        }
    }

    /// Snippets whose `// Prints` comments cannot take the new output: a different number of lines.
    public static func refusals(
        chapter: Chapter, outcomes: [Int: SnippetOutcome], comparable: (Snippet) -> Bool,
        exact: Bool = false
    ) -> [BookError] {
        toRecord(chapter, outcomes: outcomes, comparable: comparable, exact: exact).compactMap { snippet in
            guard let expected = snippet.expected, case .prints(let comments) = expected.form else { return nil }
            let stdout = outcomes[snippet.index]?.stdout ?? ""
            guard printsChunks(stdout, comments: comments) == nil else { return nil }
            let got = OutputComparison.lines(stdout).count
            let want = comments.reduce(0) {
                $0 + $1.text.split(separator: "\n", omittingEmptySubsequences: false).count
            }
            return BookError(
                .output, at: expected.fence,
                "--fix cannot rewrite the `// Prints` comments of snippet \(snippet.displayName): they expect \(want) line(s), it printed \(got)",
                hint:
                    "edit the comments by hand (one `// Prints \"…\"` per line of output), or use `// Output:` or an ```output block, which --fix rewrites whole"
            )
        }
    }

    /// The output for each `// Prints` comment, in order, when the output has as many lines as the
    /// comments expect (a comment with `\n` expects several); nil when it has not.
    static func printsChunks(_ stdout: String, comments: [InlineExpectation]) -> [String]? {
        var lines = stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let counts = comments.map { $0.text.split(separator: "\n", omittingEmptySubsequences: false).count }
        guard counts.reduce(0, +) == lines.count, stdout.isEmpty || stdout.hasSuffix("\n") else { return nil }
        var chunks: [String] = [], start = 0
        for count in counts {
            chunks.append(lines[start..<(start + count)].joined(separator: "\n"))
            start += count
        }
        return chunks
    }

    /// `text` as a Swift string literal's body: `\`, `"` and control characters escaped.
    static func swiftLiteral(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Runs the programs that produced the output `--fix` would record once more, bypassing the run cache,
    /// and returns an error per snippet whose output (text or figures) differs between the two runs beyond
    /// its tolerance (a `tolerance=measured` timing differs in its numbers by nature and passes).
    /// - Parameter rerun: runs a compiled program without the cache (`Run.program(_, useCache: false)`).
    public static func unstable(
        chapter: Chapter, outcomes: [Int: SnippetOutcome], comparable: (Snippet) -> Bool,
        exact: Bool = false, compiled: [CompiledProgram],
        rerun: (CompiledProgram) throws(BookError) -> ProgramRun
    ) throws(BookError) -> [BookError] {
        var errors: [BookError] = []
        var second: [ProgramPlan: ProgramRun] = [:]
        for snippet in toRecord(chapter, outcomes: outcomes, comparable: comparable, exact: exact) {
            // The program whose run the snippet's outcome came from: its own trap or aside program, else the main one.
            let producer = compiled.first { program in
                switch program.plan.purpose {
                case .trap(let k), .aside(let k): k == snippet.index
                case .main: program.plan.snippets.contains { $0.index == snippet.index }
                case .compileCheck: false
                }
            }
            guard let producer, producer.executable != nil else { continue }
            if second[producer.plan] == nil { second[producer.plan] = try rerun(producer) }
            let first = outcomes[snippet.index] ?? SnippetOutcome()
            let again = second[producer.plan]?.outcomes[snippet.index] ?? SnippetOutcome()
            let tolerance = snippet.info.tolerance ?? OutputComparison.defaultTolerance
            var reports: [String] = []
            if let mismatch = OutputComparison.compare(
                expected: first.stdout, actual: again.stdout, tolerance: tolerance,
                unordered: snippet.info.unordered)
            {
                reports.append(mismatch.report)
            }
            if first.figures.count != again.figures.count {
                reports.append("it showed \(first.figures.count) figure(s), then \(again.figures.count)")
            } else {
                for (index, (a, b)) in zip(first.figures, again.figures).enumerated() {
                    if let mismatch = OutputComparison.compare(expected: a, actual: b, tolerance: tolerance) {
                        reports.append("figure \(index + 1):\n" + mismatch.report)
                    }
                }
            }
            guard !reports.isEmpty else { continue }
            errors.append(
                BookError(
                    .output, at: snippet.fence,
                    "snippet \(snippet.displayName) printed different output in two runs; --fix recorded nothing",
                    detail: reports.joined(separator: "\n").replacingOccurrences(of: "expected:", with: "run 1:  ")
                        .replacingOccurrences(of: "actual:  ", with: "run 2:  "),
                    hint:
                        "make the output deterministic (seed random numbers, sort a Set or Dictionary or mark the snippet unordered, round timings or use tolerance=measured), then run --fix again"
                ))
        }
        return errors
    }

    public static func apply(
        to text: String, chapter: Chapter, outcomes: [Int: SnippetOutcome],
        comparable: (Snippet) -> Bool, exact: Bool = false
    ) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Edit from the bottom so that earlier line numbers stay valid.
        for snippet in toRecord(chapter, outcomes: outcomes, comparable: comparable, exact: exact).reversed() {
            let outcome = outcomes[snippet.index] ?? SnippetOutcome()
            // New lines continue the fence's containers: its line's prefix with list markers turned into
            // spaces ("- " → "  ", "1. " → "   ", "> - " → ">   "), so that they stay in the same list item
            // or quote and never open a new item; blank lines keep it without trailing spaces.
            let fenceLine = snippet.fence.line - 1 < lines.count ? lines[snippet.fence.line - 1] : ""
            let prefix = continuation(
                of: String(decoding: fenceLine.utf8.prefix(max(0, snippet.fence.column - 1)), as: UTF8.self))
            let blank = String(prefix.reversed().drop(while: { $0 == " " }).reversed())
            let inline = snippet.expected?.isInline == true
            var trailer: [String] = []
            if !outcome.stdout.isEmpty, !inline {
                trailer += [blank] + block(outcome.stdout, info: "output", prefix: prefix)
            }
            for (index, figure) in outcome.figures.enumerated() {
                let caption = index < snippet.expectedFigures.count ? snippet.expectedFigures[index].caption : ""
                trailer +=
                    [blank] + block(figure, info: caption.isEmpty ? "figure" : "figure \(caption)", prefix: prefix)
            }
            // The old trailer: from the line after the snippet's closing fence to its last block (a
            // ```stdin block stays: it is input, not a record).
            let start = min(snippet.stdin?.endLine ?? snippet.endLine, lines.count)
            let ends =
                [snippet.expected.flatMap { $0.isInline ? nil : $0.endLine }].compactMap { $0 }
                + snippet.expectedFigures.map(\.endLine)
            let end = max(start, min(ends.max() ?? start, lines.count))
            lines.replaceSubrange(start..<end, with: trailer)
            // Then the code's own comments (above the trailer, so its line numbers still hold).
            guard let expected = snippet.expected else { continue }
            switch expected.form {
            case .block:
                break
            case .outputComment(let line):
                // From `// Output:` to the last comment line (blank lines after it stay).
                var last = snippet.endLine - 2
                while last >= line, lines[last].allSatisfy({ $0 == " " || $0 == "\t" }) { last -= 1 }
                let indent = String(lines[line - 1].prefix(while: { $0 == " " || $0 == "\t" || $0 == ">" }))
                var comments = [indent + "// Output:"]
                for outputLine in OutputComparison.lines(outcome.stdout) {
                    comments.append(outputLine.isEmpty ? indent + "//" : indent + "// " + outputLine)
                }
                lines.replaceSubrange((line - 1)...max(line - 1, last), with: comments)
            case .prints(let comments):
                guard let chunks = printsChunks(outcome.stdout, comments: comments) else { continue }
                for (comment, chunk) in zip(comments, chunks) {
                    let index = comment.position.line - 1
                    let bytes = Array(lines[index].utf8)
                    let column = comment.position.column - 1
                    guard column < bytes.count, let quote = bytes[column...].firstIndex(of: UInt8(ascii: "\"")) else {
                        continue
                    }
                    lines[index] = String(decoding: bytes[...quote], as: UTF8.self) + swiftLiteral(chunk) + "\""
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The prefix that continues the containers a line opens: everything before a block's first column is
    /// container markup (block-quote `>`, list markers `-`, `+`, `*`, `1.`, `1)`, and spaces or tabs), and a
    /// continuation line keeps the `>` and the whitespace and puts a space for every other byte.
    static func continuation(of prefix: String) -> String {
        String(prefix.map { $0 == ">" || $0 == "\t" ? $0 : " " })
    }

    /// A fenced block holding `text`, with a fence longer than any backtick run at a line start.
    static func block(_ text: String, info: String, prefix pad: String) -> [String] {
        var content = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if content.last == "" { content.removeLast() }
        let longest =
            content.map { line in line.drop(while: { $0 == " " }).prefix(while: { $0 == "`" }).count }.max() ?? 0
        let fence = String(repeating: "`", count: max(3, longest + 1))
        let blank = String(pad.reversed().drop(while: { $0 == " " }).reversed())
        return [pad + fence + info] + content.map { $0.isEmpty ? blank : pad + $0 } + [pad + fence]
    }
}
