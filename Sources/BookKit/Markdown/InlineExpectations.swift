/// Expected output written in a snippet's own code, as Swift's books, DocC and Go write it:
///
/// - `// Prints "…"` comments (at the end of a code line or on a line of their own): each is one line of
///   output; the literal takes Swift's escapes (`\"`, `\\`, `\n`, `\t`, `\r`, `\0`, `\'`, `\u{…}`), so
///   `// Prints "a\nb"` is two lines. Several comments concatenate in order. The line's last quote closes
///   the literal, so `// Prints "["dairy"]"` needs no escapes (an escaped `\"` is a quote too). The closing quote ends the
///   comment (only spaces may follow).
/// - `// Output:` on a line of its own, then one `// text` comment per line of output to the end of the
///   snippet (one space after `//` is dropped; text after `Output:` on its line is the first line).
///   `// Output:` with nothing after it expects no output.
///
/// A `//` inside a string literal on the line is not a comment (single-line literals are tracked; a
/// multi-line `"""` literal holding `// Prints` is not recognised as a literal). Both forms in one snippet,
/// an unclosed quote, or code after `// Output:` are located format errors.
enum InlineExpectations {
    static func parse(_ snippet: Snippet) -> Result<ExpectedOutput?, BookError> {
        let lines = snippet.code.split(separator: "\n", omittingEmptySubsequences: false)
        let path = snippet.fence.file
        // cmark strips the fence's indentation from the code: columns add it back.
        func position(_ index: Int, _ column: Int) -> SourcePosition {
            SourcePosition(file: path, line: snippet.codeLine + index, column: column + snippet.fence.column)
        }
        var prints: [InlineExpectation] = []
        for (index, line) in lines.enumerated() {
            guard let comment = commentStart(line) else { continue }
            let body = line.utf8[comment...].dropFirst(2)
            let text = Substring(body).drop(while: { $0 == " " })
            let column = line.utf8.distance(from: line.utf8.startIndex, to: comment)
            // Only at top level (column 1): an indented `// Output:` inside a function body is a comment.
            if text.hasPrefix("Output:"), comment == line.utf8.startIndex {
                guard prints.isEmpty else {
                    return .failure(
                        BookError(
                            .chapterFormat, at: position(index, column),
                            "snippet \(snippet.displayName) states its output both with `// Prints` (line \(prints[0].position.line)) and `// Output:`",
                            hint: "use one form in a snippet"))
                }
                var expected: [String] = []
                let rest = text.dropFirst("Output:".count).drop(while: { $0 == " " })
                if !rest.isEmpty { expected.append(String(rest)) }
                var following = Array(lines[(index + 1)...])
                while let last = following.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { following.removeLast() }
                for (offset, next) in following.enumerated() {
                    let trimmed = next.drop(while: { $0 == " " || $0 == "\t" })
                    guard trimmed.hasPrefix("//") else {
                        return .failure(
                            BookError(
                                .chapterFormat, at: position(index + 1 + offset, next.utf8.count - trimmed.utf8.count),
                                "code after `// Output:` in snippet \(snippet.displayName)",
                                hint: "`// Output:` and its `// line` comments must end the snippet"))
                    }
                    var content = trimmed.dropFirst(2)
                    if content.hasPrefix(" ") { content = content.dropFirst() }
                    expected.append(String(content))
                }
                return .success(
                    ExpectedOutput(
                        text: expected.map { $0 + "\n" }.joined(), fence: position(index, column),
                        endLine: snippet.endLine - 1, form: .outputComment(line: snippet.codeLine + index)))
            }
            guard text.hasPrefix("Prints \"") || text.hasPrefix("prints \"") else { continue }
            let quote = text.index(text.startIndex, offsetBy: "Prints ".count)
            let quoteColumn = line.utf8.distance(from: line.utf8.startIndex, to: quote)
            switch literal(text[text.index(after: quote)...]) {
            case .success(let decoded):
                prints.append(InlineExpectation(position: position(index, column), text: decoded))
            case .failure(let problem):
                return .failure(
                    BookError(
                        .chapterFormat, at: position(index, quoteColumn), problem.message,
                        hint: problem.hint))
            }
        }
        guard let first = prints.first else { return .success(nil) }
        return .success(
            ExpectedOutput(
                text: prints.map { $0.text + "\n" }.joined(), fence: first.position,
                endLine: snippet.endLine - 1, form: .prints(prints)))
    }

    struct Problem: Error { var message: String; var hint: String }

    /// Decodes a Swift string literal's body up to its closing quote; only spaces may follow it.
    static func literal(_ text: Substring) -> Result<String, Problem> {
        var result = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            switch character {
            case "\"":
                let rest = String(IteratorSequence(iterator))
                // Books write `// Prints "["dairy"]"` without escaping: the literal runs to the line's last
                // quote, and a quote before it is text.
                if rest.contains("\"") {
                    result.append("\"")
                    iterator = rest[...].makeIterator()
                    continue
                }
                guard rest.allSatisfy({ $0 == " " || $0 == "\t" }) else {
                    return .failure(
                        Problem(
                            message: "text after the closing quote of a `// Prints` comment",
                            hint:
                                "a `// Prints \"…\"` comment ends with its closing quote; escape a quote inside as \\\""
                        ))
                }
                return .success(result)
            case "\\":
                switch iterator.next() {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                case "0": result.append("\0")
                case "\"": result.append("\"")
                case "'": result.append("'")
                case "\\": result.append("\\")
                case "u":
                    guard iterator.next() == "{" else { return .failure(badEscape) }
                    var digits = ""
                    while let next = iterator.next(), next != "}" { digits.append(next) }
                    guard let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value) else {
                        return .failure(badEscape)
                    }
                    result.unicodeScalars.append(scalar)
                default: return .failure(badEscape)
                }
            default:
                result.append(character)
            }
        }
        return .failure(
            Problem(
                message: "`// Prints` comment has no closing quote",
                hint: "end the expected line with \" (a `// Prints` comment is one line; use \\n for more)"))
    }

    private static let badEscape = Problem(
        message: "unknown escape in a `// Prints` comment",
        hint: "Swift's escapes: \\\" \\\\ \\n \\t \\r \\0 \\' \\u{…}")

    /// Where the line's comment starts (its `//`), outside single-line string literals; nil if none.
    static func commentStart(_ line: Substring) -> Substring.UTF8View.Index? {
        var inString = false, escaped = false
        var index = line.utf8.startIndex
        while index < line.utf8.endIndex {
            let byte = line.utf8[index]
            let next = line.utf8.index(after: index)
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "/"), next < line.utf8.endIndex, line.utf8[next] == UInt8(ascii: "/") {
                return index
            }
            index = next
        }
        return nil
    }
}
