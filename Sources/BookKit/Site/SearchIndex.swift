/// The book-wide search index, built at build time into `search-index.js` (a script that sets
/// `window.BOOK_SEARCH`, so it loads from `file://` where `fetch` of local files is blocked).
///
/// One entry per section (the text from a heading to the next) of every chapter: page `p`, anchor `a`, chapter
/// title `c`, heading `h` and the section's text `x` as the reader sees it. The sections are what the chapter
/// renderer recorded (`PageContents.sections`, from `ChapterPage.chapterBody`'s text view): prose without
/// Markdown syntax, the header with the original post's (Chinese) title, the claims and differences boxes, the
/// code of every shown snippet (as code), and math as its readable symbols (`readableMath`:
/// `\boldsymbol x \le \frac{1}{2}` is `x ≤ 1/2`), never TeX command names. Program output is left out (it is
/// numbers, and a build that runs nothing has none). Anchors are the page's own.
/// The text is plain (not HTML): the page script matches it by case-insensitive substring, which serves CJK text
/// without a word splitter, and shows it through DOM text nodes.
enum SearchIndex {
    struct Entry: Encodable {
        var p: String
        var a: String
        var c: String
        var h: String
        var x: String
    }

    /// A chapter's page as search sees it.
    struct Page {
        var path: String
        var chapterTitle: String
        var sections: [PageContents.Section]

        init(path: String, chapterTitle: String, sections: [PageContents.Section]) {
            self.path = path
            self.chapterTitle = chapterTitle
            self.sections = sections
        }

        /// A chapter not built now: its body rendered without outcomes, whose sections' text is what its built
        /// page's would be (`ChapterPage.chapterBody`).
        init(rendering chapter: Chapter) {
            let checked = CheckedChapter(
                parsed: Parse.chapter(chapter.source), chapter: chapter, outcomes: [:], errors: [])
            self.init(
                path: "\(chapter.source.slug).html", chapterTitle: chapter.source.title,
                sections: ChapterPage.chapterBody(checked).1.sections)
        }
    }

    static func script(for pages: [Page]) -> String {
        let entries = pages.flatMap { page in
            page.sections.map { Entry(p: page.path, a: $0.anchor, c: page.chapterTitle, h: $0.heading, x: $0.text) }
        }
        let json = (try? String(decoding: JSONEncoderSorted.encode(entries), as: UTF8.self)) ?? "[]"
        return "window.BOOK_SEARCH = \(json);\n"
    }

    // MARK: Math as text

    /// A formula as its readable symbols: Greek letters and operators as Unicode, font and size commands
    /// dropped (their argument kept), `\frac{a}{b}` as `a/b`, `\sqrt{x}` as `√x`, simple superscripts as
    /// superscript characters, `\tag{n}` as `(n)`, `\href{…}{text}` as its text; an unknown command's name is
    /// dropped. What a reader would type to find the formula, not a typesetting.
    static func readableMath(_ tex: String) -> String {
        var reader = TeXReader(Array(tex.unicodeScalars))
        let text = reader.group(closing: false)
        return text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
    }
}

/// Reads TeX math into readable text (`SearchIndex.readableMath`): a recursive reader over brace groups.
private struct TeXReader {
    let scalars: [Unicode.Scalar]
    var i = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    /// Text up to the end, or (when `closing`) to the `}` that closes the current group.
    mutating func group(closing: Bool) -> String {
        var out = ""
        while i < scalars.count {
            let c = scalars[i]
            switch c {
            case "}":
                i += 1
                if closing { return out }
            case "{":
                i += 1
                out += group(closing: true)
            case "\\":
                out += command()
            case "^", "_":
                i += 1
                out += Self.script(argument(), superscript: c == "^")
            case "&", "~", "\n", "\t":
                i += 1
                out += " "
            case "$":
                i += 1
            default:
                i += 1
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// One argument: a brace group, a command, or one character.
    mutating func argument() -> String {
        while i < scalars.count, scalars[i] == " " || scalars[i] == "\n" { i += 1 }
        guard i < scalars.count else { return "" }
        switch scalars[i] {
        case "{":
            i += 1
            return group(closing: true)
        case "\\":
            return command()
        default:
            i += 1
            return String(scalars[i - 1])
        }
    }

    /// An optional `[...]` argument, skipped.
    mutating func skipOptional() {
        guard i < scalars.count, scalars[i] == "[" else { return }
        while i < scalars.count, scalars[i] != "]" { i += 1 }
        i += 1
    }

    mutating func skipSpaces() { while i < scalars.count, scalars[i] == " " || scalars[i] == "\n" { i += 1 } }

    /// The command at `\`, read with its arguments where it takes some.
    mutating func command() -> String {
        i += 1
        guard i < scalars.count else { return "" }
        let first = scalars[i]
        guard first.properties.isAlphabetic, first.isASCII else {
            // A control symbol: `\\`, `\,`, `\{`, `\|`, ...
            i += 1
            switch first {
            case "{", "}", "%", "_", "&", "#", "$": return String(first)
            case "|": return "‖"
            default: return " "
            }
        }
        var name = ""
        while i < scalars.count, scalars[i].isASCII, scalars[i].properties.isAlphabetic {
            name.unicodeScalars.append(scalars[i]); i += 1
        }
        if i < scalars.count, scalars[i] == "*" { i += 1 }
        if let symbol = Self.symbols[name] { return symbol }
        if Self.operators.contains(name) { return name }
        switch name {
        case "frac", "dfrac", "tfrac", "cfrac":
            let numerator = argument(), denominator = argument()
            return Self.operand(numerator) + "/" + Self.operand(denominator)
        case "sqrt":
            skipOptional()
            return "√" + Self.operand(argument())
        case "tag":
            return " (" + argument() + ")"
        case "href":
            _ = argument()
            return argument()
        case "mathbb":
            let letter = argument()
            return Self.doubleStruck[letter] ?? letter
        case "begin", "end", "label", "color", "hspace", "vspace", "phantom", "hphantom", "vphantom", "textcolor":
            _ = argument()
            return name == "textcolor" ? argument() : ""
        case "left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr", "middle":
            skipSpaces()
            if i < scalars.count, scalars[i] == "." { i += 1 }
            return ""
        case "quad", "qquad", "enspace", "thinspace":
            return " "
        default:
            // Fonts, accents, sizes and anything unknown: the name goes, the argument (read next) stays. A space
            // after the name only ends it.
            skipSpaces()
            return ""
        }
    }

    /// A fraction's part or a root's radicand, in parentheses when it is more than one term.
    static func operand(_ text: String) -> String {
        let trimmed = text.split(separator: " ").joined(separator: " ")
        let compound = trimmed.unicodeScalars.contains { " +-−=<>/·×±,".unicodeScalars.contains($0) }
        return compound && !(trimmed.hasPrefix("(") && trimmed.hasSuffix(")")) ? "(" + trimmed + ")" : trimmed
    }

    /// A sub- or superscript: as Unicode script characters when each has one (`x²`, `10⁻³`); a symbol on its
    /// own (`⊤`, `′`) as it is; otherwise a subscript runs on (`W_q` is `Wq`) and a superscript keeps its caret.
    static func script(_ text: String, superscript: Bool) -> String {
        let table = superscript ? superscripts : subscripts
        let scalars = text.unicodeScalars.filter { $0 != " " }
        if !scalars.isEmpty, scalars.allSatisfy({ table[$0] != nil }) {
            return String(String.UnicodeScalarView(scalars.map { table[$0]! }))
        }
        if !superscript || text.isEmpty { return text }
        if scalars.count == 1, let only = scalars.first, !only.properties.isAlphabetic,
            only.properties.numericType == nil
        {
            return text
        }
        return scalars.count == 1 ? "^" + text : "^(" + text + ")"
    }

    static let superscripts: [Unicode.Scalar: Unicode.Scalar] = Dictionary(
        uniqueKeysWithValues: zip("0123456789+-−=()niT".unicodeScalars, "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱᵀ".unicodeScalars))
    static let subscripts: [Unicode.Scalar: Unicode.Scalar] = Dictionary(
        uniqueKeysWithValues: zip("0123456789+-−=()".unicodeScalars, "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎".unicodeScalars))
    static let doubleStruck: [String: String] = ["R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼", "P": "ℙ"]

    /// Operators named by a word (`\log`, `\max`): the word.
    static let operators: Set<String> = [
        "log", "ln", "exp", "max", "min", "arg", "sin", "cos", "tan", "tanh", "sinh", "cosh", "det", "lim", "sup",
        "inf", "dim", "ker", "Pr", "gcd", "deg", "argmax", "argmin", "sgn", "softmax", "diag", "tr", "erf",
    ]

    static let symbols: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
        "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
        "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ",
        "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
        "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ",
        "Omega": "Ω", "cdot": "·", "cdotp": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "le": "≤",
        "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "ll": "≪", "gg": "≫", "approx": "≈", "sim": "∼",
        "simeq": "≃", "equiv": "≡", "propto": "∝", "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←",
        "Rightarrow": "⇒", "Leftarrow": "⇐", "implies": "⇒", "iff": "⇔", "Leftrightarrow": "⇔",
        "leftrightarrow": "↔", "mapsto": "↦", "longrightarrow": "⟶", "uparrow": "↑", "downarrow": "↓",
        "infty": "∞", "sum": "∑", "prod": "∏", "int": "∫", "partial": "∂", "nabla": "∇", "in": "∈", "notin": "∉",
        "ni": "∋", "subset": "⊂", "subseteq": "⊆", "supset": "⊃", "cup": "∪", "cap": "∩", "forall": "∀",
        "exists": "∃", "neg": "¬", "land": "∧", "lor": "∨", "wedge": "∧", "vee": "∨", "ldots": "…", "dots": "…",
        "cdots": "⋯", "vdots": "⋮", "ddots": "⋱", "top": "⊤", "bot": "⊥", "perp": "⊥", "circ": "∘", "otimes": "⊗",
        "oplus": "⊕", "odot": "⊙", "langle": "⟨", "rangle": "⟩", "lVert": "‖", "rVert": "‖", "Vert": "‖",
        "lvert": "|", "rvert": "|", "vert": "|", "mid": "|", "emptyset": "∅", "varnothing": "∅", "ell": "ℓ",
        "hbar": "ℏ", "prime": "′", "star": "⋆", "ast": "∗", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈",
        "rceil": "⌉", "setminus": "∖", "backslash": "∖", "lbrace": "{", "rbrace": "}", "colon": ":",
        "triangleq": "≜", "coloneqq": "≔", "degree": "°", "square": "□", "checkmark": "✓",
    ]
}

/// The text of a rendered chapter body, section by section (`ChapterPage.chapterBody` records it for search):
/// a small reader of the HTML that `ChapterPage` writes in its text view (well-formed, attributes escaped), not
/// a general HTML parser.
enum PageText {
    typealias Section = PageContents.Section

    /// Splits at each heading with an anchor (`h1`…`h6`, its anchor the `id` of the `a.anchor` inside it; a heading
    /// without one, a box's title, is text); drops comments, the heading's `#` link, and the content of `svg`, `script`, `style` and `template`; decodes character
    /// references; and collapses white space. Text before the first heading is a section with an empty anchor.
    static func sections(_ html: String) -> [Section] {
        let bytes = Array(html.utf8)
        var sections: [Section] = []
        var current = Section(anchor: "", heading: "", text: "")
        var text: [UInt8] = [], heading: [UInt8] = []
        var inHeading = false, inAnchorLink = false
        var anchor: String? = nil
        var skipping: [UInt8]? = nil
        func close() {
            current.text = collapse(text)
            if !current.anchor.isEmpty || !current.heading.isEmpty || !current.text.isEmpty { sections.append(current) }
            text = []
        }
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "<") else {
                if skipping == nil, !inAnchorLink {
                    if inHeading { heading.append(byte) } else { text.append(byte) }
                }
                i += 1
                continue
            }
            if bytes[i...].starts(with: Array("<!--".utf8)) {
                i = find(Array("-->".utf8), in: bytes, from: i + 4).map { $0 + 3 } ?? bytes.count
                continue
            }
            let end = bytes[i...].firstIndex(of: UInt8(ascii: ">")) ?? bytes.count - 1
            let tag = Array(bytes[(i + 1)..<end])
            i = end + 1
            let closing = tag.first == UInt8(ascii: "/")
            let name = Array(tag.drop { $0 == UInt8(ascii: "/") }.prefix { isNameByte($0) }).map { lower($0) }
            if let skipped = skipping {
                if closing, name == skipped { skipping = nil }
                continue
            }
            if !closing, ["svg", "script", "style", "template"].contains(String(decoding: name, as: UTF8.self)) {
                if tag.last != UInt8(ascii: "/") { skipping = name }
                continue
            }
            let isHeading = name.count == 2 && name[0] == UInt8(ascii: "h") && (49...54).contains(name[1])
            if isHeading, !closing {
                inHeading = true
                heading = []
                anchor = nil
                continue
            }
            if isHeading, closing {
                inHeading = false
                if let anchor {
                    close()
                    current = Section(anchor: anchor, heading: collapse(heading), text: "")
                } else {
                    // A heading without an anchor (a box's title) is text of the section it is in.
                    text += [32] + heading + [32]
                }
                continue
            }
            if inHeading, name == Array("a".utf8) {
                if closing {
                    inAnchorLink = false
                } else if let id = attribute("id", in: tag), attribute("class", in: tag) == "anchor" {
                    anchor = id
                    inAnchorLink = true
                }
                continue
            }
            // Inline elements join their text to the words around it; any other tag separates words.
            if !Self.inline.contains(String(decoding: name, as: UTF8.self)) {
                if inHeading { heading.append(32) } else { text.append(32) }
            }
        }
        close()
        return sections
    }

    private static let inline: Set<String> = [
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q",
        "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
    ]

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == UInt8(ascii: "-")
    }

    private static func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= pattern.count, start <= bytes.count - pattern.count else { return nil }
        for j in start...(bytes.count - pattern.count) where bytes[j..<(j + pattern.count)].elementsEqual(pattern) {
            return j
        }
        return nil
    }

    /// A double-quoted attribute's decoded value.
    private static func attribute(_ name: String, in tag: [UInt8]) -> String? {
        let pattern = Array(" \(name)=\"".utf8)
        guard let start = find(pattern, in: tag, from: 0) else { return nil }
        let valueStart = start + pattern.count
        let valueEnd = tag[valueStart...].firstIndex(of: UInt8(ascii: "\"")) ?? tag.count
        return decode(Array(tag[valueStart..<valueEnd]))
    }

    /// Decoded text with runs of white space as one space, trimmed.
    private static func collapse(_ bytes: [UInt8]) -> String {
        decode(bytes).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
            .joined(separator: " ")
    }

    /// Decodes `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`, `&nbsp;` and numeric references; others stay.
    private static func decode(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.contains("&") else { return text }
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            guard let semicolon = after.prefix(10).firstIndex(of: ";") else {
                out += "&"
                rest = after
                continue
            }
            let entity = String(after[..<semicolon])
            var decoded: String?
            switch entity {
            case "amp": decoded = "&"
            case "lt": decoded = "<"
            case "gt": decoded = ">"
            case "quot": decoded = "\""
            case "apos": decoded = "'"
            case "nbsp": decoded = " "
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    decoded = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                } else if entity.hasPrefix("#") {
                    decoded = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
                }
            }
            if let decoded {
                out += decoded
                rest = after[after.index(after: semicolon)...]
            } else {
                out += "&"
                rest = after
            }
        }
        return out + rest
    }
}
