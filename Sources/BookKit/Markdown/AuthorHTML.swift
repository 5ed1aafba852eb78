/// What the book allows of the HTML an author writes in Markdown (raw HTML blocks, inline HTML, link and
/// image destinations): markup, but nothing that runs, redirects or loads a document.
///
/// Rejected, each a located chapter error (the chapter fails; its page shows the HTML as escaped text):
/// - an event-handler attribute (any attribute whose name starts with `on`: `onerror`, `onload`, ...);
/// - an element that runs or embeds code, changes the page's base or metadata, or that GFM's tagfilter
///   would neutralise anyway: `script`, `iframe`, `frame`, `frameset`, `object`, `embed`, `applet`, `base`,
///   `meta` (so `<meta http-equiv=refresh>`), `link`, `form`, `style`, `title`, `textarea`, `xmp`,
///   `noembed`, `noframes`, `plaintext`, `noscript` (raw text when scripting is on: quotes inside it protect
///   nothing), and SVG's `animate` and `set` (which can rewrite an `href`);
/// - a comment, declaration or processing instruction read as the HTML tokenizer reads it: a comment ends
///   at `-->` but also at `<!-->`, `<!--->` and `--!>`; `<!x`, `<?x` and `</ x` end at the first `>`, even one
///   inside quotes; whatever follows is checked as markup. A CDATA section (whose end depends on whether it
///   sits in SVG) is rejected;
/// - any attribute value or link destination that is a `javascript:`, `vbscript:` or non-image `data:`
///   URL, however written: character references (`&#106;`, `&colon;`) are decoded and ASCII whitespace
///   and controls removed first, as browsers do;
/// - a tag, quoted attribute value, comment or declaration left open at the end of its HTML block (it would
///   swallow the markup that follows, and a later block's `-->` or `>` would end it where this check cannot
///   see).
///
/// Rejecting rather than stripping: the author learns at the line what will not be published, and the
/// page never silently differs from the source.
enum AuthorHTML {
    /// A problem at `offset` (bytes into the HTML given).
    struct Problem: Hashable {
        var offset: Int
        /// The offending text (an attribute, a tag name), used to find the column in the source.
        var text: String
        var message: String
    }

    static let forbiddenElements: Set<String> = [
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link", "form",
        "style", "title", "textarea", "xmp", "noembed", "noframes", "plaintext", "noscript", "animate", "set",
    ]

    static let hint =
        "write the markup without scripts, event handlers (on...=), javascript:/vbscript:/data: URLs, "
        + "and without script, iframe, object, embed, meta, base, link, form or style elements; "
        + "a snippet's output or a figure shows what a program computes"

    /// An attribute of a start tag, as the HTML tokenizer reads it (`offset`: bytes into the HTML given).
    struct Attribute {
        var element: String
        var name: String
        /// The value as written (character references not decoded); nil for a bare attribute.
        var value: String?
        var offset: Int
    }

    /// The problems of a piece of raw HTML, in order.
    ///
    /// - Parameter visit: called with each attribute of each start tag, in order (`ChapterPage` records the
    ///   author's ids and links from them).
    static func problems(in html: String, visit: (Attribute) -> Void = { _ in }) -> [Problem] {
        let bytes = Array(html.utf8)
        var problems: [Problem] = []
        var i = 0
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 12 || b == 13 }
        func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 97 && (b | 0x20) <= 122 }
        func firstClose(from j: Int) -> Int? {
            var k = j
            while k < bytes.count, bytes[k] != UInt8(ascii: ">") { k += 1 }
            return k < bytes.count ? k : nil
        }
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
            guard i + 1 < bytes.count else {
                // What a `<` at the very end opens depends on the markup after the block.
                problems.append(
                    Problem(
                        offset: i, text: "<",
                        message: "'<' at the end of its HTML block opens markup that is not closed"))
                break
            }
            let next = bytes[i + 1]
            if next == UInt8(ascii: "!"), i + 3 < bytes.count, bytes[i + 2] == UInt8(ascii: "-"),
                bytes[i + 3] == UInt8(ascii: "-")
            {
                // A comment: nothing in it is markup, up to where the tokenizer ends it.
                guard let end = commentEnd(bytes, contentStart: i + 4) else {
                    // Left open, a later `-->` (say, inside another block's quoted attribute) would close it.
                    problems.append(
                        Problem(
                            offset: i, text: "<!--",
                            message: "HTML comment is not closed in its HTML block: a '-->' after it would end it"))
                    break
                }
                i = end
                continue
            }
            if next == UInt8(ascii: "!"), Array(bytes[(i + 2)..<min(i + 9, bytes.count)]) == Array("[CDATA[".utf8) {
                // In SVG or MathML it ends at `]]>`, elsewhere at the first `>`: no single reading is safe.
                problems.append(
                    Problem(offset: i, text: "<![CDATA[", message: "CDATA section is not allowed in a chapter's HTML"))
                i = (firstClose(from: i + 2).map { $0 + 1 }) ?? bytes.count
                continue
            }
            // A declaration (`<!DOCTYPE`), a processing instruction or a bogus comment (`<!x`, `<?x`, `</ x`):
            // the tokenizer ends each at the first `>`, quotes or not.
            let bogus =
                next == UInt8(ascii: "!") || next == UInt8(ascii: "?")
                || (next == UInt8(ascii: "/")
                    && !(i + 2 < bytes.count && (isLetter(bytes[i + 2]) || bytes[i + 2] == UInt8(ascii: ">"))))
            if bogus {
                guard let close = firstClose(from: i + 2) else {
                    let opener = text(i..<min(i + 4, bytes.count)).split(separator: "\n").first.map(String.init) ?? "<"
                    problems.append(
                        Problem(
                            offset: i, text: opener, message: "'\(opener)' is not closed with '>' in its HTML block"))
                    break
                }
                i = close + 1
                continue
            }
            if next == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: ">") { i += 3; continue }  // `</>` is dropped
            let closing = next == UInt8(ascii: "/")
            let nameStart = closing ? i + 2 : i + 1
            guard nameStart < bytes.count, isLetter(bytes[nameStart]) else { i += 1; continue }
            var j = nameStart
            while j < bytes.count, !isSpace(bytes[j]), bytes[j] != UInt8(ascii: "/"), bytes[j] != UInt8(ascii: ">") {
                j += 1
            }
            let name = text(nameStart..<j).lowercased()
            if !closing, forbiddenElements.contains(name) {
                problems.append(
                    Problem(
                        offset: i, text: "<" + text(nameStart..<j),
                        message: "HTML element <\(name)> is not allowed in a chapter"))
            }
            // Attributes, as the HTML tokenizer reads them.
            var closed = false
            while j < bytes.count {
                while j < bytes.count, isSpace(bytes[j]) || bytes[j] == UInt8(ascii: "/") { j += 1 }
                guard j < bytes.count else { break }
                if bytes[j] == UInt8(ascii: ">") { closed = true; j += 1; break }
                let attributeStart = j
                j += 1  // the first character may be `=`
                while j < bytes.count, !isSpace(bytes[j]), bytes[j] != UInt8(ascii: "/"), bytes[j] != UInt8(ascii: ">"),
                    bytes[j] != UInt8(ascii: "=")
                { j += 1 }
                let attribute = text(attributeStart..<j).lowercased()
                var k = j
                while k < bytes.count, isSpace(bytes[k]) { k += 1 }
                var value: String?
                if k < bytes.count, bytes[k] == UInt8(ascii: "=") {
                    k += 1
                    while k < bytes.count, isSpace(bytes[k]) { k += 1 }
                    if k < bytes.count, bytes[k] == UInt8(ascii: "\"") || bytes[k] == UInt8(ascii: "'") {
                        let quote = bytes[k]
                        var end = k + 1
                        while end < bytes.count, bytes[end] != quote { end += 1 }
                        guard end < bytes.count else {
                            problems.append(
                                Problem(
                                    offset: attributeStart, text: text(attributeStart..<j),
                                    message:
                                        "attribute '\(attribute)' of <\(name)> has no closing quote in its HTML block"))
                            j = bytes.count
                            closed = true  // reported already
                            break
                        }
                        value = text((k + 1)..<end)
                        j = end + 1
                    } else {
                        var end = k
                        while end < bytes.count, !isSpace(bytes[end]), bytes[end] != UInt8(ascii: ">") { end += 1 }
                        value = text(k..<end)
                        j = end
                    }
                }
                if closing { continue }
                visit(Attribute(element: name, name: attribute, value: value, offset: attributeStart))
                if attribute.hasPrefix("on") {
                    problems.append(
                        Problem(
                            offset: attributeStart, text: text(attributeStart..<min(j, bytes.count)),
                            message: "event-handler attribute '\(attribute)' is not allowed in a chapter's HTML"))
                } else if let value, let scheme = dangerousScheme(value) {
                    problems.append(
                        Problem(
                            offset: attributeStart, text: text(attributeStart..<min(j, bytes.count)),
                            message: "\(scheme) URL in attribute '\(attribute)' of <\(name)> is not allowed"))
                }
            }
            if !closed {
                problems.append(
                    Problem(
                        offset: i, text: "<" + name,
                        message: "tag <\(name)> is not closed with '>' in its HTML block"))
            }
            i = max(j, i + 1)
        }
        return problems
    }

    /// Where a comment whose text starts at `contentStart` (just after `<!--`) ends, as the HTML tokenizer's
    /// comment states end it: the index after its closing `>`, or nil if it is still open at the end.
    ///
    /// Not only at `-->`: `<!-->` and `<!--->` close at once (abrupt closing of an empty comment), and `--!>`
    /// closes too. Any two dashes read inside the comment reach the "comment end" state, so a `>` right after
    /// `--` or `--!` (dashes inside the comment, not those of `<!--`) ends it; no other `>` does.
    static func commentEnd(_ bytes: [UInt8], contentStart p: Int) -> Int? {
        let dash = UInt8(ascii: "-"), close = UInt8(ascii: ">"), bang = UInt8(ascii: "!")
        if p < bytes.count, bytes[p] == close { return p + 1 }
        if p + 1 < bytes.count, bytes[p] == dash, bytes[p + 1] == close { return p + 2 }
        var k = p
        while k < bytes.count {
            if bytes[k] == close {
                if k - p >= 2, bytes[k - 1] == dash, bytes[k - 2] == dash { return k + 1 }
                if k - p >= 3, bytes[k - 1] == bang, bytes[k - 2] == dash, bytes[k - 3] == dash { return k + 1 }
            }
            k += 1
        }
        return nil
    }

    /// The problem of a Markdown link or image destination, if any.
    static func problem(inURL url: String) -> String? {
        dangerousScheme(url).map { "\($0) URL as a link destination is not allowed" }
    }

    /// `javascript:`, `vbscript:` or `data:` (non-image) when `value` is such a URL once decoded as a browser
    /// decodes attribute values and URLs.
    static func dangerousScheme(_ value: String) -> String? {
        var normalised = ""
        let decoded = decodeCharacterReferences(value)
        for scalar in decoded.unicodeScalars where scalar.value > 0x20 && scalar.value != 0x7F {
            normalised.unicodeScalars.append(scalar)
            if normalised.unicodeScalars.count >= 24 { break }
        }
        normalised = normalised.lowercased()
        for scheme in ["javascript:", "vbscript:", "livescript:"] where normalised.hasPrefix(scheme) { return scheme }
        if normalised.hasPrefix("data:"), !normalised.hasPrefix("data:image/") { return "data:" }
        return nil
    }

    /// Numeric character references (with or without `;`) and the named ones that stand for ASCII
    /// characters a URL scheme could hide behind (`&colon;`, `&Tab;`, `&NewLine;`); letters have no names.
    static func decodeCharacterReferences(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var i = 0
        let named: [String: Unicode.Scalar] = [
            "colon": ":", "Tab": "\t", "NewLine": "\n", "sol": "/", "amp": "&",
            "lpar": "(", "rpar": ")", "period": ".", "semi": ";", "quot": "\"", "apos": "'",
        ]
        while i < scalars.count {
            guard scalars[i] == "&", i + 1 < scalars.count else { result.append(scalars[i]); i += 1; continue }
            if scalars[i + 1] == "#" {
                var j = i + 2
                let hex = j < scalars.count && (scalars[j] == "x" || scalars[j] == "X")
                if hex { j += 1 }
                var value: UInt32 = 0, digits = 0
                while j < scalars.count, scalars[j].isASCII,
                    let digit = UInt32(String(scalars[j]), radix: hex ? 16 : 10)
                {
                    value = min(value &* (hex ? 16 : 10) &+ digit, 0x110000); digits += 1; j += 1
                }
                if digits > 0 {
                    if j < scalars.count, scalars[j] == ";" { j += 1 }
                    result.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                    i = j
                    continue
                }
            } else {
                var j = i + 1
                var name = ""
                while j < scalars.count, j - i < 12, scalars[j].properties.isAlphabetic {
                    name.unicodeScalars.append(scalars[j]); j += 1
                }
                if j < scalars.count, scalars[j] == ";", let scalar = named[name] {
                    result.append(scalar)
                    i = j + 1
                    continue
                }
            }
            result.append(scalars[i]); i += 1
        }
        return String(result)
    }
}

extension AuthorHTML {
    /// A problem found in a parsed document, at a 1-based line and column of the document's text.
    struct Located: Hashable {
        var line: Int
        var column: Int
        var message: String
    }

    /// The problems of every raw HTML node and link or image destination of `document`, in document order.
    ///
    /// - Parameter text: the text the document was parsed from (math-protected: same lines as the source),
    ///   to find the column of each problem.
    static func problems(in document: MarkdownDocument, text: String) -> [Located] {
        var lines: [Substring]?
        func column(of needle: String, line: Int, fallback: Int) -> Int {
            if lines == nil { lines = text.split(separator: "\n", omittingEmptySubsequences: false) }
            guard line >= 1, line <= lines!.count, !needle.isEmpty else { return fallback }
            let haystack = Array(lines![line - 1].utf8).map { $0 | (($0 >= 65 && $0 <= 90) ? 0x20 : 0) }
            let pattern = Array((needle.split(separator: "\n").first.map(String.init) ?? needle).lowercased().utf8)
            guard pattern.count <= haystack.count else { return fallback }
            for start in 0...(haystack.count - pattern.count)
            where Array(haystack[start..<(start + pattern.count)]) == pattern {
                return start + 1
            }
            return fallback
        }
        var located: [Located] = []
        for node in document.allNodes() {
            if node.isRawHTML {
                let literal = node.literal
                let bytes = Array(literal.utf8)
                for problem in problems(in: literal) {
                    let lineOffset = bytes[..<min(problem.offset, bytes.count)].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
                    let line = node.startLine + lineOffset
                    located.append(
                        Located(
                            line: line,
                            column: column(
                                of: problem.text, line: line, fallback: lineOffset == 0 ? node.startColumn : 1),
                            message: problem.message))
                }
            } else if node.isLinkOrImage, let message = problem(inURL: node.url) {
                located.append(
                    Located(
                        line: node.startLine,
                        column: column(of: "](", line: node.startLine, fallback: node.startColumn),
                        message: message))
            }
        }
        return located
    }

    /// Makes `document` safe to render whatever it holds: a rejected raw HTML node becomes escaped text, a
    /// rejected destination becomes empty. (The chapter fails anyway; its page must not run the markup.)
    static func neutralise(_ document: MarkdownDocument) {
        for node in document.allNodes() {
            if node.isRawHTML, !problems(in: node.literal).isEmpty {
                node.replace(withText: node.literal)
            } else if node.isLinkOrImage, problem(inURL: node.url) != nil {
                node.setURL("")
            }
        }
    }
}
