/// Parses the info string of a fenced block: `swift [reset] [mode] [key=value ...]`.
///
/// Words are separated by spaces. At most one mode word; `reset` and `unordered` may stand beside it. Keys:
/// `id` (letters, digits, `-`, `_`), `tolerance` (a non-negative number, or `measured`: numbers not
/// compared), `timeout` (positive seconds), `optimize` (`none`). A value may be quoted, `key="text with
/// spaces"`, with `\"` and `\\` escapes inside. Anything else is an error whose column points at the
/// offending word, so that `chapters/x.md:12:10` lands on it.
///
/// The string parsed is the fence line's own text (`Extract` reads it from the source), not cmark's info
/// string, which has already removed Markdown backslash escapes: so `\"` reaches the quote rule and the
/// columns are the file's.
enum InfoString {
    /// Whether a fence info string opens a snippet (its first word is `swift`).
    static func isSnippet(_ info: String) -> Bool { firstWord(info) == "swift" }
    /// Whether a fence info string opens an expected-output block.
    static func isOutput(_ info: String) -> Bool { firstWord(info) == "output" }
    /// Whether a fence info string opens a snippet's standard input block.
    static func isStdin(_ info: String) -> Bool { firstWord(info) == "stdin" }
    /// Whether a fence info string opens an expected-figure block (`figure CAPTION`).
    static func isFigure(_ info: String) -> Bool { firstWord(info) == "figure" }

    private static func firstWord(_ info: String) -> Substring {
        info.split(separator: " ", maxSplits: 1).first ?? ""
    }

    /// - Parameters:
    ///   - info: the whole info string, starting with `swift`.
    ///   - location: where the info string starts (the column after the backticks).
    static func parse(_ info: String, at location: SourcePosition) throws(BookError) -> SnippetInfo {
        var result = SnippetInfo()
        var modeWord: String?
        for (offset, word) in try words(info, at: location).dropFirst() {
            var here = location
            here.column += offset
            if let equals = word.firstIndex(of: "=") {
                let key = String(word[..<equals]), value = String(word[word.index(after: equals)...])
                switch key {
                case "id":
                    guard !value.isEmpty, value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
                    else {
                        throw BookError(
                            .chapterFormat, at: here, "snippet id '\(value)' is not a name",
                            hint: "use letters, digits, '-' and '_', e.g. id=scores")
                    }
                    result.id = value
                    result.idPosition = here
                case "tolerance" where value == "measured":
                    // A measurement (a timing): its numbers differ from run to run by nature, so only the text
                    // around them is checked, and the page shows the recorded run.
                    result.tolerance = .infinity
                case "tolerance":
                    guard let number = Double(value), number >= 0, number.isFinite else {
                        throw BookError(
                            .chapterFormat, at: here, "tolerance '\(value)' is not a non-negative number",
                            hint: "a relative tolerance, e.g. tolerance=1e-3, or tolerance=measured for timings")
                    }
                    result.tolerance = number
                case "fails":
                    // `fails=TEXT`: the mode, pinned to a phrase of the expected diagnostic.
                    guard !value.isEmpty else {
                        throw BookError(
                            .chapterFormat, at: here, "fails= names no diagnostic text",
                            hint: "write a phrase of the expected error, e.g. fails=\"cannot find\", or just 'fails'")
                    }
                    if let modeWord {
                        throw BookError(
                            .chapterFormat, at: here, "snippet has two modes, '\(modeWord)' and 'fails'",
                            hint: "a snippet takes one mode (reset may stand beside it)")
                    }
                    modeWord = "fails"
                    result.mode = .fails
                    result.expectedDiagnostic = value
                case "timeout":
                    guard let seconds = Double(value), seconds > 0, seconds.isFinite else {
                        throw BookError(
                            .chapterFormat, at: here, "timeout '\(value)' is not a positive number of seconds",
                            hint: "e.g. timeout=30")
                    }
                    result.timeout = seconds
                case "live":
                    // `live=NAME`: the snippet's function NAME draws a figure the page recomputes (`LiveFigure`).
                    guard let first = value.first, first.isLetter || first == "_",
                        value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
                    else {
                        throw BookError(
                            .chapterFormat, at: here, "live '\(value)' is not a function name",
                            hint:
                                "name the snippet's function that returns the figure's LivePlot, e.g. live=entropyCurves"
                        )
                    }
                    result.live = value
                    result.livePosition = here
                case "optimize":
                    guard value == "none" else {
                        throw BookError(
                            .chapterFormat, at: here, "optimize '\(value)' is not a known setting",
                            hint:
                                "optimize=none compiles the snippet's programs with -Onone (assert traps, traps carry their messages); without it they are compiled -O"
                        )
                    }
                    result.unoptimized = true
                default:
                    throw BookError(
                        .chapterFormat, at: here, "unknown snippet key '\(key)'",
                        hint: "known keys: \(keys)")
                }
            } else if word == "reset" {
                result.reset = true
            } else if word == "unordered" {
                result.unordered = true
            } else if let mode = SnippetMode(rawValue: word), mode != .normal {
                if let modeWord {
                    throw BookError(
                        .chapterFormat, at: here, "snippet has two modes, '\(modeWord)' and '\(word)'",
                        hint: "a snippet takes one mode (reset may stand beside it)")
                }
                modeWord = word
                result.mode = mode
            } else {
                let modes = SnippetMode.allCases.filter { $0 != .normal }.map(\.rawValue) + ["reset", "unordered"]
                throw BookError(
                    .chapterFormat, at: here, "unknown snippet mode '\(word)'",
                    hint: "modes: \(modes.joined(separator: ", ")); keys: \(keys)")
            }
        }
        if let position = result.livePosition, result.mode != .normal {
            throw BookError(
                .chapterFormat, at: position, "a live figure cannot be in a '\(result.mode.rawValue)' snippet",
                hint: "live= needs a snippet whose figure the reader sees: drop the mode word")
        }
        return result
    }

    private static let keys = "id=NAME, tolerance=REL, timeout=SECONDS, optimize=none, fails=TEXT, live=FUNCTION"

    /// The space-separated words with their UTF-8 column offsets from the start of the string. A `"` opens
    /// a quoted part that ends at the next unescaped `"`: spaces inside belong to the word, the quotes are
    /// dropped, `\"` and `\\` stand for `"` and `\`.
    static func words(_ info: String, at location: SourcePosition) throws(BookError) -> [(Int, String)] {
        var result: [(Int, String)] = []
        var current = "", start = 0, column = 0
        var inWord = false
        var quoteColumn: Int?
        var escaped = false
        for character in info {
            defer { column += character.utf8.count }
            if quoteColumn != nil {
                if escaped {
                    // Only the quote and the backslash are escapes; any other backslash stays as written.
                    if character != "\"" && character != "\\" { current.append("\\") }
                    current.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    quoteColumn = nil
                } else {
                    current.append(character)
                }
            } else if character == " " || character == "\t" {
                if inWord { result.append((start, current)); current = ""; inWord = false }
            } else {
                if !inWord { start = column; inWord = true }
                if character == "\"" { quoteColumn = column } else { current.append(character) }
            }
        }
        if let quoteColumn {
            var here = location
            here.column += quoteColumn
            throw BookError(
                .chapterFormat, at: here, "quoted value is not closed",
                hint: "end it with \" on the fence line; write \\\" for a quote inside it")
        }
        if escaped { current.append("\\") }
        if inWord { result.append((start, current)) }
        return result
    }
}
