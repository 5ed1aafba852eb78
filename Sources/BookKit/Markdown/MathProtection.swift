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
/// No span crosses a blank line. A display opener without its closer is recorded in `unterminated` (the
/// chapter fails at the opener) and left as text.
///
/// Linear time: every scan forward (for a closer, a closing backtick run) is memoised by its start, so
/// no byte is scanned twice for the same question, whatever the number of unmatched `$` in a paragraph;
/// `restore` is one pass over the HTML. Only tokens in the text given to `restore` are replaced: callers
/// splice program output and other data in after restoring (see `ChapterPage`), so no output can forge one.
struct MathProtection {
    struct Span: Hashable {
        var source: String
        var display: Bool
        var line: Int
    }

    /// A display-math opener with no closer before the next blank line or the end of the text.
    struct Unterminated: Hashable {
        /// The opener as written: `$$`, `\[`, `\begin{equation}`.
        var opener: String
        /// The closer it needs: `$$`, `\]`, `\end{equation}`.
        var closer: String
        var line: Int
        /// 1-based, in bytes, like cmark's columns.
        var column: Int
        /// Whether a blank line came before any closer (display math cannot contain one).
        var stoppedAtBlankLine: Bool
    }

    private(set) var protected: String = ""
    private(set) var spans: [Span] = []
    private(set) var unterminated: [Unterminated] = []
    /// `\eqref{NAME}` in prose (outside math and code), swapped for `KXREF<n>X` tokens so that only these,
    /// never code or program output, become equation links.
    private(set) var references: [(name: String, line: Int)] = []
    /// `\figref{LABEL}` in prose, swapped for `KXFIG<n>X` tokens the same way (column: 1-based, in bytes).
    private(set) var figureReferences: [(name: String, line: Int, column: Int)] = []

    static let displayEnvironments = ["equation", "align", "gather", "multline"].flatMap { [$0, $0 + "*"] }

    /// - Parameters:
    ///   - text: the chapter source.
    ///   - codeLines: 1-based lines inside code blocks (fences included); copied verbatim.
    init(_ text: String, codeLines: Set<Int>) {
        let bytes = Array(text.utf8)
        let scanner = Scanner(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0, line = 1, lineStart = 0, atLineStart = true
        while i < bytes.count {
            let byte = bytes[i]
            if atLineStart, codeLines.contains(line) {
                while i < bytes.count, bytes[i] != 10 { out.append(bytes[i]); i += 1 }
                if i < bytes.count { out.append(10); i += 1 }
                line += 1; lineStart = i
                continue
            }
            atLineStart = false
            if byte == 10 {
                out.append(10); i += 1; line += 1; lineStart = i; atLineStart = true
                continue
            }
            if byte == Scanner.backtick {
                // A code span: a run of n backticks up to the next run of exactly n.
                var n = 0
                while i + n < bytes.count, bytes[i + n] == Scanner.backtick { n += 1 }
                if let close = scanner.closingBacktickRun(from: i + n, length: n) {
                    let end = close + n
                    for k in i..<end {
                        out.append(bytes[k])
                        if bytes[k] == 10 { line += 1; lineStart = k + 1 }
                    }
                    i = end
                } else {
                    out.append(contentsOf: bytes[i..<(i + n)]); i += n
                }
                continue
            }
            guard byte == Scanner.backslash || byte == Scanner.dollar else {
                out.append(byte); i += 1
                continue
            }
            if byte == Scanner.backslash, i + 1 < bytes.count, bytes[i + 1] == Scanner.dollar {
                out.append(contentsOf: [bytes[i], bytes[i + 1]]); i += 2
                continue
            }
            if byte == Scanner.backslash, scanner.has(Scanner.eqref, at: i),
                let close = scanner.referenceEnd(from: i + Scanner.eqref.count)
            {
                references.append((String(decoding: bytes[(i + Scanner.eqref.count)..<close], as: UTF8.self), line))
                out.append(contentsOf: Array("KXREF\(references.count - 1)X".utf8))
                i = close + 1
                continue
            }
            if byte == Scanner.backslash, scanner.has(Scanner.figref, at: i),
                let close = scanner.referenceEnd(from: i + Scanner.figref.count)
            {
                figureReferences.append(
                    (
                        String(decoding: bytes[(i + Scanner.figref.count)..<close], as: UTF8.self), line,
                        i - lineStart + 1
                    ))
                out.append(contentsOf: Array("KXFIG\(figureReferences.count - 1)X".utf8))
                i = close + 1
                continue
            }
            switch scanner.mathSpan(at: i) {
            case .span(let end, let display):
                let source = String(decoding: bytes[i..<end], as: UTF8.self)
                let index = spans.count
                spans.append(Span(source: source, display: display, line: line))
                var piece = 0
                out.append(contentsOf: Array(Self.token(index, 0).utf8))
                for k in i..<end where bytes[k] == 10 {
                    piece += 1
                    out.append(10); line += 1; lineStart = k + 1
                    out.append(contentsOf: Array(Self.token(index, piece).utf8))
                }
                i = end
            case .unterminated(let openerLength, let closer, let blank):
                unterminated.append(
                    Unterminated(
                        opener: String(decoding: bytes[i..<(i + openerLength)], as: UTF8.self), closer: closer,
                        line: line, column: i - lineStart + 1, stoppedAtBlankLine: blank))
                out.append(contentsOf: bytes[i..<(i + openerLength)]); i += openerLength
            case .text(let length):
                out.append(contentsOf: bytes[i..<(i + length)]); i += length
            case .none:
                out.append(byte); i += 1
            }
        }
        protected = String(decoding: out, as: UTF8.self)
    }

    static func token(_ span: Int, _ line: Int) -> String { "KXMATH\(span)L\(line)X" }

    // MARK: Restoring

    /// How prose `\eqref` tokens come back: `link(name)` gives the HTML for each (inside a tag's attribute
    /// the plain `(n)` text from `plain(name)` is used, since markup cannot go there).
    struct References {
        var link: (String) -> String
        var plain: (String) -> String
        /// The same for `\figref` tokens (by default the source text, escaped).
        var figureLink: (String) -> String = { "\\figref{\(HTML.escape($0))}" }
        var figurePlain: (String) -> String = { "\\figref{\($0)}" }
    }

    /// Puts the math back into rendered HTML: the first token of a span becomes the escaped LaTeX in a
    /// `<span class="math inline|display">`, the continuation tokens (and the line break before them) go.
    func restore(inHTML html: String, references: References? = nil) -> String {
        restore(html, html: true, references: references) { _, span in
            let kind = span.display ? "display" : "inline"
            return "<span class=\"math \(kind)\">\(HTML.escape(span.source))</span>"
        }
    }

    /// Puts the raw LaTeX back into plain text (headings used as titles).
    func restore(inText text: String) -> String { restore(text) { _, span in span.source } }

    /// Replaces each span's tokens with `replacement(index, span)`, and each prose reference token with
    /// `references` (left as it is when nil), in one pass over `text`.
    ///
    /// - Parameter html: the text is HTML: a token inside a tag (an `alt` or `title` attribute) gets the
    ///   escaped LaTeX source instead, since markup cannot go there.
    func restore(
        _ text: String, html: Bool = false, references: References? = nil,
        replacement: (Int, Span) -> String
    ) -> String {
        guard
            !spans.isEmpty
                || (references != nil && !(self.references.isEmpty && self.figureReferences.isEmpty))
        else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 2)
        // Whether the end of `out` is inside a tag: the last `<` written comes after the last `>`.
        var insideTag = false
        func emit(_ piece: ArraySlice<UInt8>) {
            // Copied whole (a typeset formula is a kilobyte or more of KaTeX markup); only its last `<` or `>`
            // decides whether `out` now ends inside a tag.
            out.append(contentsOf: piece)
            if let last = piece.lastIndex(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) {
                insideTag = piece[last] == UInt8(ascii: "<")
            }
        }
        func emit(_ string: String) { emit(Array(string.utf8)[...]) }
        /// The decimal number at `j` and the index after it.
        func number(at j: Int) -> (Int, Int)? {
            var k = j, value = 0
            while k < bytes.count, bytes[k] >= 48, bytes[k] <= 57, k - j < 9 {
                value = value * 10 + Int(bytes[k] - 48); k += 1
            }
            return k > j ? (value, k) : nil
        }
        let math = Array("KXMATH".utf8), reference = Array("KXREF".utf8), figure = Array("KXFIG".utf8)
        func matches(_ pattern: [UInt8], at j: Int) -> Bool {
            guard j + pattern.count <= bytes.count else { return false }
            for k in 0..<pattern.count where bytes[j + k] != pattern[k] { return false }
            return true
        }
        // Where the text since the previous token starts in `out`: a continuation token trims only that.
        var segmentStart = 0
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "K"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "X") else {
                if byte == UInt8(ascii: "<") {
                    insideTag = true
                } else if byte == UInt8(ascii: ">") {
                    insideTag = false
                }
                out.append(byte); i += 1
                continue
            }
            if matches(math, at: i), let (index, afterSpan) = number(at: i + math.count), index < spans.count,
                afterSpan < bytes.count, bytes[afterSpan] == UInt8(ascii: "L"),
                let (piece, afterPiece) = number(at: afterSpan + 1),
                afterPiece < bytes.count, bytes[afterPiece] == UInt8(ascii: "X")
            {
                var cursor = afterPiece + 1
                if piece == 0, html, insideTag {
                    emit(HTML.escape(spans[index].source))
                } else if piece == 0 {
                    let replaced = replacement(index, spans[index])
                    // Inline math and the punctuation right after it stay on one line ("$n$." never wraps
                    // before the period).
                    var punctuationEnd = cursor
                    while punctuationEnd < bytes.count, Self.punctuation.contains(bytes[punctuationEnd]) {
                        punctuationEnd += 1
                    }
                    if !spans[index].display, punctuationEnd > cursor, replaced.hasPrefix("<") {
                        emit("<span class=\"nowrap\">" + replaced)
                        emit(bytes[cursor..<punctuationEnd])
                        emit("</span>")
                        cursor = punctuationEnd
                    } else {
                        emit(replaced)
                    }
                } else {
                    // A continuation token: drop it and the line break (or space) cmark put before it.
                    while out.count > segmentStart, let last = out.last, last == 10 || last == 32 { out.removeLast() }
                }
                i = cursor
                segmentStart = out.count
                continue
            }
            if let references, matches(reference, at: i), let (index, after) = number(at: i + reference.count),
                index < self.references.count, after < bytes.count, bytes[after] == UInt8(ascii: "X")
            {
                let name = self.references[index].name
                emit(insideTag ? HTML.escape(references.plain(name)) : references.link(name))
                i = after + 1
                segmentStart = out.count
                continue
            }
            if let references, matches(figure, at: i), let (index, after) = number(at: i + figure.count),
                index < figureReferences.count, after < bytes.count, bytes[after] == UInt8(ascii: "X")
            {
                let name = figureReferences[index].name
                emit(insideTag ? HTML.escape(references.figurePlain(name)) : references.figureLink(name))
                i = after + 1
                segmentStart = out.count
                continue
            }
            out.append(byte); i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let punctuation = Set(".,;:!?)".utf8)
}

// MARK: Scanning

/// The forward scans of `MathProtection`, each memoised by where it starts.
///
/// A scan (for a closing `$`, a `$$`, a `\]`, an `\end{...}`, a backtick run) is a walk that depends only
/// on the bytes from its start on, so two walks that reach one position end the same way: each position
/// records the walk's result the first time it is crossed, and later walks stop there. Without this, a
/// paragraph of n unmatched `$` took n² steps.
private final class Scanner {
    static let backtick = UInt8(ascii: "`"), backslash = UInt8(ascii: "\\"), dollar = UInt8(ascii: "$")
    static let eqref = Array("\\eqref{".utf8)
    static let figref = Array("\\figref{".utf8)
    static let begin = Array("\\begin{".utf8)

    enum Found {
        case span(end: Int, display: Bool)
        case unterminated(openerLength: Int, closer: String, blankLine: Bool)
        /// Bytes that are text whatever follows (`$$$$`).
        case text(length: Int)
    }

    /// How a walk ended: at a closer (its position), at a blank line or backtick, or at the end.
    private enum Outcome {
        case closer(Int)
        case blankLine
        case end
    }

    /// A closer looked for by a memoised walk, and whether `\x` pairs are skipped on the way.
    private struct Walk {
        var closer: [UInt8]
        var skipsEscapes: Bool
        /// Per position: nil not yet known; else the outcome of a walk starting there.
        var memo: [Int32]
    }

    let bytes: [UInt8]
    private var walks: [[UInt8]: Walk] = [:]
    /// The inline `$` walk's memo (its closer rule is not a fixed string).
    private var dollarMemo: [Int32] = []
    /// Per backtick run length: the last scan for a run of that length (from, where it stopped, found).
    private var backtickScans: [Int: (from: Int, stop: Int, found: Int?)] = [:]
    private var visited: [Int] = []

    private static let unknown: Int32 = -3, blank: Int32 = -1, atEnd: Int32 = -2

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func has(_ pattern: [UInt8], at j: Int) -> Bool {
        guard j >= 0, j + pattern.count <= bytes.count else { return false }
        for k in 0..<pattern.count where bytes[j + k] != pattern[k] { return false }
        return true
    }

    /// True when the byte at j starts a line containing only spaces/tabs (or the text ends).
    func blankLineAhead(_ j: Int) -> Bool {
        var k = j
        while k < bytes.count, bytes[k] == 32 || bytes[k] == 9 { k += 1 }
        return k >= bytes.count || bytes[k] == 10
    }

    /// Whether only spaces and newlines follow the newline at `k` (the "blank line" is the end of the text).
    func endsText(after k: Int) -> Bool {
        var j = k + 1
        while j < bytes.count, Self.isSpace(bytes[j]) { j += 1 }
        return j >= bytes.count
    }

    /// The `}` closing `\eqref{` on the same line.
    func referenceEnd(from j: Int) -> Int? {
        var k = j
        while k < bytes.count, bytes[k] != 10 {
            if bytes[k] == UInt8(ascii: "}") { return k }
            k += 1
        }
        return nil
    }

    /// If a math span starts at `i`, its end (exclusive) and whether it is display math; or a display
    /// opener at `i` that is never closed.
    func mathSpan(at i: Int) -> Found? {
        if has(Self.dollarPair, at: i) {
            switch walk(Self.dollarPair, skipsEscapes: true, from: i + 2) {
            case .closer(let close) where close > i + 2: return .span(end: close + 2, display: true)
            // `$$$$` is no span (and no error): four dollars of text.
            case .closer: return .text(length: 4)
            case .blankLine: return .unterminated(openerLength: 2, closer: "$$", blankLine: true)
            case .end: return .unterminated(openerLength: 2, closer: "$$", blankLine: false)
            }
        }
        if has(Self.openBracket, at: i) {
            switch walk(Self.closeBracket, skipsEscapes: false, from: i + 2) {
            case .closer(let close): return .span(end: close + 2, display: true)
            case .blankLine: return .unterminated(openerLength: 2, closer: "\\]", blankLine: true)
            case .end: return .unterminated(openerLength: 2, closer: "\\]", blankLine: false)
            }
        }
        if has(Self.openParen, at: i) {
            // Inline: an unclosed `\(` is Markdown's escaped parenthesis.
            if case .closer(let close) = walk(Self.closeParen, skipsEscapes: false, from: i + 2) {
                return .span(end: close + 2, display: false)
            }
            return nil
        }
        if has(Self.begin, at: i) {
            for (env, opener, closer) in Self.environments where has(opener, at: i) {
                switch walk(closer, skipsEscapes: false, from: i + opener.count) {
                case .closer(let close): return .span(end: close + closer.count, display: true)
                case .blankLine:
                    return .unterminated(openerLength: opener.count, closer: "\\end{\(env)}", blankLine: true)
                case .end: return .unterminated(openerLength: opener.count, closer: "\\end{\(env)}", blankLine: false)
                }
            }
            return nil
        }
        if bytes[i] == Self.dollar {
            guard i + 1 < bytes.count, !Self.isSpace(bytes[i + 1]), bytes[i + 1] != Self.dollar else { return nil }
            if case .closer(let close) = inlineDollarWalk(from: i + 1) { return .span(end: close + 1, display: false) }
        }
        return nil
    }

    private static let dollarPair = Array("$$".utf8), openBracket = Array("\\[".utf8), closeBracket = Array("\\]".utf8)
    private static let openParen = Array("\\(".utf8), closeParen = Array("\\)".utf8)
    private static let environments = MathProtection.displayEnvironments.map { env in
        (env, Array("\\begin{\(env)}".utf8), Array("\\end{\(env)}".utf8))
    }

    /// First `closer` at or after `start`, not crossing a blank line (skipping `\x` pairs if asked).
    private func walk(_ closer: [UInt8], skipsEscapes: Bool, from start: Int) -> Outcome {
        var state = walks[closer] ?? Walk(closer: closer, skipsEscapes: skipsEscapes, memo: [])
        walks[closer] = nil  // keeps the memo uniquely referenced while it is written
        if state.memo.isEmpty { state.memo = [Int32](repeating: Self.unknown, count: bytes.count + 1) }
        let outcome = memoised(&state.memo, from: start) { k in
            if bytes[k] == 10, blankLineAhead(k + 1) { return (endsText(after: k) ? .end : .blankLine, 1) }
            if skipsEscapes, bytes[k] == Self.backslash, k + 1 < bytes.count { return (nil, 2) }
            if has(closer, at: k) { return (.closer(k), 1) }
            return (nil, 1)
        }
        walks[closer] = state
        return outcome
    }

    /// The closing `$` of inline math opened before `start`: pandoc's rule (preceded by a non-space, not
    /// followed by a digit); a backtick (a code span binds tighter) or a blank line ends the search.
    private func inlineDollarWalk(from start: Int) -> Outcome {
        var memo = dollarMemo
        dollarMemo = []
        if memo.isEmpty { memo = [Int32](repeating: Self.unknown, count: bytes.count + 1) }
        let outcome = memoised(&memo, from: start) { k in
            if bytes[k] == 10, blankLineAhead(k + 1) { return (.blankLine, 1) }
            if bytes[k] == Self.backslash { return (nil, 2) }
            if bytes[k] == Self.backtick { return (.blankLine, 1) }
            if bytes[k] == Self.dollar, !Self.isSpace(bytes[k - 1]),
                !(k + 1 < bytes.count && Self.isDigit(bytes[k + 1]))
            {
                return (.closer(k), 1)
            }
            return (nil, 1)
        }
        dollarMemo = memo
        return outcome
    }

    /// Walks from `start` with `step` (an outcome ends the walk; otherwise the stride to the next
    /// position) until an outcome or a position whose outcome is known, then records the outcome for
    /// every position crossed.
    private func memoised(
        _ memo: inout [Int32], from start: Int,
        step: (Int) -> (Outcome?, Int)
    ) -> Outcome {
        visited.removeAll(keepingCapacity: true)
        var k = start
        var outcome = Outcome.end
        while true {
            if k >= bytes.count { outcome = .end; break }
            let known = memo[k]
            if known != Self.unknown { outcome = Self.decode(known); break }
            visited.append(k)
            let (result, stride) = step(k)
            if let result { outcome = result; break }
            k += stride
        }
        let code = Self.encode(outcome)
        for position in visited { memo[position] = code }
        return outcome
    }

    private static func encode(_ outcome: Outcome) -> Int32 {
        switch outcome {
        case .closer(let k): return Int32(k)
        case .blankLine: return blank
        case .end: return atEnd
        }
    }

    private static func decode(_ code: Int32) -> Outcome {
        switch code {
        case blank: return .blankLine
        case atEnd: return .end
        default: return .closer(Int(code))
        }
    }

    /// The start of the next run of exactly `n` backticks at or after `start` (which follows a run),
    /// before a paragraph break. Memoised per length: a later query inside the stretch the last scan for
    /// that length crossed has the same answer.
    func closingBacktickRun(from start: Int, length n: Int) -> Int? {
        if let last = backtickScans[n], last.from <= start, start <= last.stop { return last.found }
        var j = start
        var found: Int?
        while j < bytes.count {
            if bytes[j] == Self.backtick {
                var m = 0
                while j + m < bytes.count, bytes[j + m] == Self.backtick { m += 1 }
                if m == n { found = j; break }
                j += m
            } else {
                if bytes[j] == 10, j + 1 < bytes.count, bytes[j + 1] == 10 { break }
                j += 1
            }
        }
        backtickScans[n] = (start, j, found)
        return found
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 }
    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
}
