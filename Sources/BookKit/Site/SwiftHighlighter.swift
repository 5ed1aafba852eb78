/// Build-time Swift syntax highlighting: a small lexer that gets strings (with interpolation and raw and
/// multi-line forms), comments (nested block comments), keywords, numbers, attributes and directives
/// right, and wraps them in `<span class="tok-...">`. Everything is HTML-escaped.
///
/// Not a parser: contextual keywords are coloured wherever they stand, and a type is any capitalised
/// identifier. (swift-syntax's classifier is exact, but its release build takes minutes; see
/// toolchain-notes.md.)
enum SwiftHighlighter {
    static let keywords: Set<String> = [
        "associatedtype", "actor", "as", "async", "await", "break", "case", "catch", "class", "continue", "default",
        "defer", "deinit", "do", "else", "enum", "extension", "fallthrough", "false", "fileprivate", "for", "func",
        "guard", "if", "import", "in", "init", "inout", "internal", "is", "let", "mutating", "nil", "nonmutating",
        "open", "operator", "override", "private", "protocol", "public", "repeat", "rethrows", "return", "self",
        "Self", "some", "any", "static", "struct", "subscript", "super", "switch", "throw", "throws", "true", "try",
        "typealias", "var", "where", "while", "final", "lazy", "weak", "unowned", "convenience", "required",
        "consuming", "borrowing", "sending", "nonisolated", "isolated",
    ]

    /// - Parameter links: UTF-8 offset of an identifier in `code` → the page it links to (`SnippetLinks`); only
    ///   an identifier token the lexer finds at that offset is wrapped, never text in a string or a comment.
    /// - Parameter linked: called with each link written (its UTF-8 offset and target), for the page's
    ///   `PageContents`.
    static func html(
        _ code: String, links: [Int: String] = [:], linked: (_ offset: Int, _ target: String) -> Void = { _, _ in }
    ) -> String {
        let c = Array(code.unicodeScalars)
        var out = ""
        var i = 0
        // The UTF-8 offset of each scalar, for `links`.
        var utf8Offsets: [Int] = []
        if !links.isEmpty {
            utf8Offsets.reserveCapacity(c.count)
            var offset = 0
            for scalar in c {
                utf8Offsets.append(offset)
                offset += UTF8.width(scalar)
            }
        }
        func emit(_ kind: String?, _ range: Range<Int>) {
            let text = HTML.escape(String(String.UnicodeScalarView(c[range])))
            let token = kind.map { "<span class=\"tok-\($0)\">\(text)</span>" } ?? text
            if !links.isEmpty, kind != "comment", kind != "string", let href = links[utf8Offsets[range.lowerBound]] {
                linked(utf8Offsets[range.lowerBound], href)
                out += "<a class=\"api-link\" href=\"\(HTML.escape(href))\">\(token)</a>"
            } else {
                out += token
            }
        }
        // Compared in place: two arrays per character made highlighting a tenth of a warm build.
        func at(_ k: Int, _ s: String) -> Bool {
            var j = k
            for u in s.unicodeScalars {
                guard j < c.count, c[j] == u else { return false }
                j += 1
            }
            return true
        }
        // ASCII first: a Unicode property lookup per character was a sixth of highlighting.
        func isIdentStart(_ s: Unicode.Scalar) -> Bool {
            (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || s == "_" || (!s.isASCII && s.properties.isAlphabetic)
        }
        func isIdent(_ s: Unicode.Scalar) -> Bool { isIdentStart(s) || (s >= "0" && s <= "9") }
        while i < c.count {
            let start = i
            if at(i, "//") {
                while i < c.count, c[i] != "\n" { i += 1 }
                emit("comment", start..<i)
            } else if at(i, "/*") {
                var depth = 0
                repeat {
                    if at(i, "/*") { depth += 1; i += 2 } else if at(i, "*/") { depth -= 1; i += 2 } else { i += 1 }
                } while i < c.count && depth > 0
                emit("comment", start..<i)
            } else if c[i] == "\""
                || (c[i] == "#" && i + 1 < c.count && (c[i + 1] == "\"" || c[i + 1] == "#") && rawStringAhead(c, i))
            {
                i = stringEnd(c, from: i)
                emit("string", start..<i)
            } else if c[i] >= "0" && c[i] <= "9" {
                while i < c.count {
                    if isIdent(c[i]) {
                        i += 1
                    } else if c[i] == ".", i + 1 < c.count, c[i + 1] >= "0" && c[i + 1] <= "9" {
                        i += 1
                    } else if c[i] == "-" || c[i] == "+", c[i - 1] == "e" || c[i - 1] == "E", !at(start, "0x") {
                        i += 1
                    } else {
                        break
                    }
                }
                emit("number", start..<i)
            } else if at(i, "<#"), let close = placeholderEnd(c, from: i) {
                // An editor placeholder (`<#name#>`, in `display` templates): one token, kept as written.
                i = close
                emit("placeholder", start..<i)
            } else if c[i] == "@" || c[i] == "#", i + 1 < c.count, isIdentStart(c[i + 1]) {
                i += 1
                while i < c.count, isIdent(c[i]) { i += 1 }
                emit(c[start] == "@" ? "attribute" : "directive", start..<i)
            } else if isIdentStart(c[i]) {
                while i < c.count, isIdent(c[i]) { i += 1 }
                let word = String(String.UnicodeScalarView(c[start..<i]))
                if keywords.contains(word) {
                    emit("keyword", start..<i)
                } else if word.first!.isUppercase {
                    emit("type", start..<i)
                } else {
                    emit(nil, start..<i)
                }
            } else if c[i] == "`" {
                i += 1
                while i < c.count, c[i] != "`", c[i] != "\n" { i += 1 }
                if i < c.count, c[i] == "`" { i += 1 }
                emit(nil, start..<i)
            } else {
                // Punctuation and spaces: one run up to the next character that could start a token (or carries a
                // link), escaped and appended at once; written a character at a time, as before, the text is the
                // same, but each character cost a string and an escape.
                i += 1
                while i < c.count, !mayStartToken(c[i]), links.isEmpty || links[utf8Offsets[i]] == nil { i += 1 }
                emit(nil, start..<i)
            }
        }
        return out
    }

    /// Whether a token other than plain text may start at this character: a comment or an operator (`/`), a string
    /// or a directive (`"`, `#`), a number, a placeholder (`<`), an attribute (`@`), an identifier or a backtick.
    private static func mayStartToken(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "/", "\"", "#", "<", "@", "`", "_", "0"..."9", "a"..."z", "A"..."Z": return true
        default: return !s.isASCII
        }
    }

    /// The end (after `#>`) of an editor placeholder starting at `i`, if it closes on the same line.
    private static func placeholderEnd(_ c: [Unicode.Scalar], from start: Int) -> Int? {
        var k = start + 2
        while k + 1 < c.count, c[k] != "\n" {
            if c[k] == "#", c[k + 1] == ">" { return k + 2 }
            k += 1
        }
        return nil
    }

    private static func rawStringAhead(_ c: [Unicode.Scalar], _ i: Int) -> Bool {
        var k = i
        while k < c.count, c[k] == "#" { k += 1 }
        return k < c.count && c[k] == "\""
    }

    /// The end of a string literal starting at `i`: `"..."`, `"""..."""`, `#"..."#`, with escapes and
    /// interpolations (whose parentheses may nest and contain strings) skipped.
    private static func stringEnd(_ c: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        var hashes = 0
        while i < c.count, c[i] == "#" { hashes += 1; i += 1 }
        let multiline = i + 2 < c.count && c[i] == "\"" && c[i + 1] == "\"" && c[i + 2] == "\""
        i += multiline ? 3 : 1
        let closing = (multiline ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes)
        let closer = Array(closing.unicodeScalars)
        while i < c.count {
            if c[i] == "\\" && Array(c[(i + 1)..<min(c.count, i + 1 + hashes)]) == Array(repeating: "#", count: hashes)
            {
                i += 1 + hashes
                if i < c.count, c[i] == "(" {
                    var depth = 0
                    while i < c.count {
                        if c[i] == "(" {
                            depth += 1
                        } else if c[i] == ")" {
                            depth -= 1; if depth == 0 { i += 1; break }
                        } else if c[i] == "\"" {
                            i = stringEnd(c, from: i); continue
                        }
                        i += 1
                    }
                } else if i < c.count {
                    i += 1
                }
                continue
            }
            if !multiline, c[i] == "\n" { return i }
            if i + closer.count <= c.count, Array(c[i..<(i + closer.count)]) == closer { return i + closer.count }
            i += 1
        }
        return c.count
    }
}
