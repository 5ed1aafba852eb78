/// Keeps LaTeX away from the Markdown parser.
///
/// cmark-gfm knows no math: it consumes the backslash of `\{`, turns `\\` into `\`, reads `_x_` and `*`
/// pairs as emphasis across math and splits table cells at `|` (shared/reference/toolchain-notes.md).
/// Before parsing, every math span is swapped for placeholder tokens of letters and digits, which Markdown
/// leaves alone; after rendering the tokens are swapped back for the original LaTeX, HTML-escaped only
/// (`<`, `>`, `&`), so the math reaches the page byte for byte.
///
/// Each line of a span gets its own token (`KXMATH3L0X`, `KXMATH3L1X`, ...), so the protected text keeps
/// every line where it was and no line goes blank: line numbers and paragraph structure survive.
///
/// Recognised, outside code spans and code blocks:
/// - display: `$$...$$`, `\[...\]`, `\begin{ENV}...\end{ENV}` for equation, align, gather, multline
///   (starred or not);
/// - inline: `\(...\)` and `$...$`, with pandoc's rule: the opening `$` is followed by a non-space, the
///   closing `$` is preceded by a non-space and not followed by a digit (so "$5 and $10" stays text);
///   `\$` is a literal dollar; inline math never contains a backtick (a code span wins).
/// No span crosses a blank line.
struct MathProtection {
    struct Span: Hashable {
        var source: String
        var display: Bool
        var line: Int
    }

    private(set) var protected: String = ""
    private(set) var spans: [Span] = []
    /// `\eqref{NAME}` in prose (outside math and code), swapped for `KXREF<n>X` tokens so that only these,
    /// never code or program output, become equation links.
    private(set) var references: [(name: String, line: Int)] = []

    static let displayEnvironments = ["equation", "align", "gather", "multline"].flatMap { [$0, $0 + "*"] }

    /// - Parameters:
    ///   - text: the chapter source.
    ///   - codeLines: 1-based lines inside code blocks (fences included); copied verbatim.
    init(_ text: String, codeLines: Set<Int>) {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0, line = 1, atLineStart = true
        func blankLineAhead(_ j: Int) -> Bool {
            // True when the byte at j starts a line containing only spaces/tabs.
            var k = j
            while k < bytes.count, bytes[k] == 32 || bytes[k] == 9 { k += 1 }
            return k >= bytes.count || bytes[k] == 10
        }
        while i < bytes.count {
            let byte = bytes[i]
            if atLineStart, codeLines.contains(line) {
                while i < bytes.count, bytes[i] != 10 { out.append(bytes[i]); i += 1 }
                if i < bytes.count { out.append(10); i += 1 }
                line += 1
                continue
            }
            atLineStart = false
            if byte == 10 {
                out.append(10); i += 1; line += 1; atLineStart = true
                continue
            }
            if byte == UInt8(ascii: "`") {
                // A code span: a run of n backticks up to the next run of exactly n.
                var n = 0
                while i + n < bytes.count, bytes[i + n] == UInt8(ascii: "`") { n += 1 }
                if let close = Self.closingBacktickRun(bytes, from: i + n, length: n) {
                    let end = close + n
                    for k in i..<end {
                        out.append(bytes[k])
                        if bytes[k] == 10 { line += 1 }
                    }
                    i = end
                } else {
                    out.append(contentsOf: bytes[i..<(i + n)]); i += n
                }
                continue
            }
            if byte == UInt8(ascii: "\\"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "$") {
                out.append(contentsOf: [bytes[i], bytes[i + 1]]); i += 2
                continue
            }
            if Self.starts(bytes, at: i, with: "\\eqref{"), let close = bytes[(i + 7)...].firstIndex(of: UInt8(ascii: "}")),
               !bytes[(i + 7)..<close].contains(10) {
                references.append((String(decoding: bytes[(i + 7)..<close], as: UTF8.self), line))
                out.append(contentsOf: Array("KXREF\(references.count - 1)X".utf8))
                i = close + 1
                continue
            }
            if let (end, display) = Self.mathSpan(bytes, at: i, blankLineAhead: blankLineAhead) {
                let source = String(decoding: bytes[i..<end], as: UTF8.self)
                let index = spans.count
                spans.append(Span(source: source, display: display, line: line))
                let pieces = source.split(separator: "\n", omittingEmptySubsequences: false)
                for (k, _) in pieces.enumerated() {
                    if k > 0 { out.append(10); line += 1 }
                    out.append(contentsOf: Array(Self.token(index, k).utf8))
                }
                i = end
                continue
            }
            out.append(byte); i += 1
        }
        protected = String(decoding: out, as: UTF8.self)
    }

    static func token(_ span: Int, _ line: Int) -> String { "KXMATH\(span)L\(line)X" }

    private static func starts(_ bytes: [UInt8], at i: Int, with text: String) -> Bool {
        let u = Array(text.utf8)
        return i + u.count <= bytes.count && Array(bytes[i..<(i + u.count)]) == u
    }

    /// Puts the prose references back: `link(name)` gives the HTML for each (inside a tag's attribute the
    /// plain `(n)` text from `plain(name)` is used, since markup cannot go there).
    func restoreReferences(_ html: String, link: (String) -> String, plain: (String) -> String) -> String {
        guard !references.isEmpty, html.contains("KXREF") else { return html }
        var result = ""
        var rest = Substring(html)
        while let range = rest.range(of: "KXREF") {
            result += rest[..<range.lowerBound]
            let digits = rest[range.upperBound...].prefix(while: { $0.isASCII && $0.isNumber })
            let after = rest.index(range.upperBound, offsetBy: digits.count)
            guard let index = Int(digits), index < references.count, rest[after...].hasPrefix("X") else {
                result += rest[range]
                rest = rest[range.upperBound...]
                continue
            }
            let name = references[index].name
            result += Self.insideTag(result) ? HTML.escape(plain(name)) : link(name)
            rest = rest[rest.index(after: after)...]
        }
        return result + rest
    }

    /// Whether the end of `html` is inside a tag (an attribute value), where markup must not go.
    static func insideTag(_ html: String) -> Bool {
        guard let open = html.lastIndex(of: "<") else { return false }
        guard let close = html.lastIndex(of: ">") else { return true }
        return open > close
    }

    /// Puts the math back into rendered HTML: the first token of a span becomes the escaped LaTeX in a
    /// `<span class="math inline|display">`, the continuation tokens (and the line break before them) go.
    func restore(inHTML html: String) -> String {
        restore(html, html: true) { _, span in
            let kind = span.display ? "display" : "inline"
            return "<span class=\"math \(kind)\">\(HTML.escape(span.source))</span>"
        }
    }

    /// Puts the raw LaTeX back into plain text (headings used as titles).
    func restore(inText text: String) -> String { restore(text) { _, span in span.source } }

    /// Replaces each span's tokens with `replacement(index, span)`.
    ///
    /// - Parameter html: the text is HTML: a token inside a tag (an `alt` or `title` attribute) gets the
    ///   escaped LaTeX source instead, since markup cannot go there.
    func restore(_ text: String, html: Bool = false, replacement: (Int, Span) -> String) -> String {
        guard !spans.isEmpty, text.contains("KXMATH") else { return text }
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: "KXMATH") {
            var prefix = rest[..<range.lowerBound]
            var cursor = range.upperBound
            let spanDigits = rest[cursor...].prefix(while: { $0.isASCII && $0.isNumber })
            cursor = rest.index(cursor, offsetBy: spanDigits.count)
            guard rest[cursor...].hasPrefix("L") else {
                result += rest[..<range.upperBound]; rest = rest[range.upperBound...]; continue
            }
            cursor = rest.index(after: cursor)
            let lineDigits = rest[cursor...].prefix(while: { $0.isASCII && $0.isNumber })
            cursor = rest.index(cursor, offsetBy: lineDigits.count)
            guard rest[cursor...].hasPrefix("X"), let index = Int(spanDigits), let piece = Int(lineDigits),
                  index < spans.count else {
                result += rest[..<range.upperBound]; rest = rest[range.upperBound...]; continue
            }
            cursor = rest.index(after: cursor)
            if piece == 0, html, Self.insideTag(result + prefix) {
                result += prefix
                result += HTML.escape(spans[index].source)
            } else if piece == 0 {
                result += prefix
                // Inline math and the punctuation right after it stay on one line ("$n$." never wraps
                // before the period).
                let punctuation = rest[cursor...].prefix(while: { ".,;:!?)".contains($0) })
                if !spans[index].display, !punctuation.isEmpty, replacement(index, spans[index]).hasPrefix("<") {
                    result += "<span class=\"nowrap\">" + replacement(index, spans[index]) + punctuation + "</span>"
                    cursor = rest.index(cursor, offsetBy: punctuation.count)
                } else {
                    result += replacement(index, spans[index])
                }
            } else {
                // A continuation token: drop it and the line break (or space) cmark put before it.
                while let last = prefix.last, last == "\n" || last == " " { prefix = prefix.dropLast() }
                result += prefix
            }
            rest = rest[cursor...]
        }
        return result + rest
    }

    // MARK: Scanning

    private static func closingBacktickRun(_ bytes: [UInt8], from start: Int, length n: Int) -> Int? {
        var j = start
        while j < bytes.count {
            if bytes[j] == UInt8(ascii: "`") {
                var m = 0
                while j + m < bytes.count, bytes[j + m] == UInt8(ascii: "`") { m += 1 }
                if m == n { return j }
                j += m
            } else {
                if bytes[j] == 10, j + 1 < bytes.count, bytes[j + 1] == 10 { return nil }
                j += 1
            }
        }
        return nil
    }

    /// If a math span starts at `i`, its end (exclusive) and whether it is display math.
    private static func mathSpan(_ bytes: [UInt8], at i: Int, blankLineAhead: (Int) -> Bool) -> (Int, Bool)? {
        func has(_ s: String, at j: Int) -> Bool {
            let u = Array(s.utf8)
            return j + u.count <= bytes.count && Array(bytes[j..<(j + u.count)]) == u
        }
        /// First index of `closer` at or after `j`, not crossing a blank line.
        func find(_ closer: String, from j: Int) -> Int? {
            var k = j
            while k < bytes.count {
                if bytes[k] == 10, blankLineAhead(k + 1) { return nil }
                if bytes[k] == UInt8(ascii: "\\"), closer != "\\]", closer != "\\)", !closer.hasPrefix("\\end"),
                   k + 1 < bytes.count { k += 2; continue }
                if has(closer, at: k) { return k }
                k += 1
            }
            return nil
        }
        let dollar = UInt8(ascii: "$")
        if has("$$", at: i) {
            if let close = find("$$", from: i + 2), close > i + 2 { return (close + 2, true) }
            return nil
        }
        if has("\\[", at: i), let close = find("\\]", from: i + 2) { return (close + 2, true) }
        if has("\\(", at: i), let close = find("\\)", from: i + 2) { return (close + 2, false) }
        if has("\\begin{", at: i) {
            for env in displayEnvironments where has("\\begin{\(env)}", at: i) {
                let closer = "\\end{\(env)}"
                if let close = find(closer, from: i + 7 + env.count + 1) { return (close + closer.utf8.count, true) }
            }
            return nil
        }
        if bytes[i] == dollar {
            guard i + 1 < bytes.count, !isSpace(bytes[i + 1]), bytes[i + 1] != dollar else { return nil }
            var k = i + 1
            while k < bytes.count {
                if bytes[k] == 10, blankLineAhead(k + 1) { return nil }
                if bytes[k] == UInt8(ascii: "\\") { k += 2; continue }
                // A backtick starts a code span, which binds tighter than inline math.
                if bytes[k] == UInt8(ascii: "`") { return nil }
                if bytes[k] == dollar {
                    let closes = !isSpace(bytes[k - 1]) && !(k + 1 < bytes.count && isDigit(bytes[k + 1]))
                    if closes { return (k + 1, false) }
                }
                k += 1
            }
        }
        return nil
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 }
    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
}
