/// Parses the info string of a fenced block: `swift [reset] [mode] [key=value ...]`.
///
/// Words are separated by spaces. At most one mode word; `reset` may stand beside it. Keys: `id` (letters,
/// digits, `-`, `_`), `tolerance` (a non-negative number, or `measured`: numbers not compared), `timeout`
/// (positive seconds). Anything else is an error whose column points at the offending word, so that
/// `chapters/x.md:12:10` lands on it.
enum InfoString {
    /// Whether a fence info string opens a snippet (its first word is `swift`).
    static func isSnippet(_ info: String) -> Bool { firstWord(info) == "swift" }
    /// Whether a fence info string opens an expected-output block.
    static func isOutput(_ info: String) -> Bool { firstWord(info) == "output" }
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
        for (offset, word) in words(info).dropFirst() {
            var here = location
            here.column += offset
            if let equals = word.firstIndex(of: "=") {
                let key = String(word[..<equals]), value = String(word[word.index(after: equals)...])
                switch key {
                case "id":
                    guard !value.isEmpty, value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                        throw BookError(.chapterFormat, at: here, "snippet id '\(value)' is not a name",
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
                        throw BookError(.chapterFormat, at: here, "tolerance '\(value)' is not a non-negative number",
                                        hint: "a relative tolerance, e.g. tolerance=1e-3, or tolerance=measured for timings")
                    }
                    result.tolerance = number
                case "fails":
                    // `fails=TEXT`: the mode, pinned to a phrase of the expected diagnostic.
                    guard !value.isEmpty else {
                        throw BookError(.chapterFormat, at: here, "fails= names no diagnostic text",
                                        hint: "write a phrase of the expected error, e.g. fails=\"cannot find\", or just 'fails'")
                    }
                    if let modeWord {
                        throw BookError(.chapterFormat, at: here, "snippet has two modes, '\(modeWord)' and 'fails'",
                                        hint: "a snippet takes one mode (reset may stand beside it)")
                    }
                    modeWord = "fails"
                    result.mode = .fails
                    result.expectedDiagnostic = value
                case "timeout":
                    guard let seconds = Double(value), seconds > 0, seconds.isFinite else {
                        throw BookError(.chapterFormat, at: here, "timeout '\(value)' is not a positive number of seconds",
                                        hint: "e.g. timeout=30")
                    }
                    result.timeout = seconds
                default:
                    throw BookError(.chapterFormat, at: here, "unknown snippet key '\(key)'",
                                    hint: "known keys: id=NAME, tolerance=REL, timeout=SECONDS, fails=TEXT")
                }
            } else if word == "reset" {
                result.reset = true
            } else if let mode = SnippetMode(rawValue: word), mode != .normal {
                if let modeWord {
                    throw BookError(.chapterFormat, at: here, "snippet has two modes, '\(modeWord)' and '\(word)'",
                                    hint: "a snippet takes one mode (reset may stand beside it)")
                }
                modeWord = word
                result.mode = mode
            } else {
                let modes = SnippetMode.allCases.filter { $0 != .normal }.map(\.rawValue) + ["reset"]
                throw BookError(.chapterFormat, at: here, "unknown snippet mode '\(word)'",
                                hint: "modes: \(modes.joined(separator: ", ")); keys: id=, tolerance=, timeout=")
            }
        }
        return result
    }

    /// The space-separated words with their UTF-8 column offsets from the start of the string.
    private static func words(_ info: String) -> [(Int, String)] {
        var result: [(Int, String)] = []
        var current = "", start = 0, column = 0
        for character in info {
            if character == " " || character == "\t" {
                if !current.isEmpty { result.append((start, current)); current = "" }
            } else {
                if current.isEmpty { start = column }
                current.append(character)
            }
            column += character.utf8.count
        }
        if !current.isEmpty { result.append((start, current)) }
        return result
    }
}
