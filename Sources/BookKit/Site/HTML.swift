/// HTML text helpers. Everything that comes from a program or an author passes through `escape` before it
/// reaches a page, except Markdown prose, which cmark-gfm escapes itself.
enum HTML {
    /// Escapes `&`, `<`, `>`, `"` and `'`: safe in text and in double- or single-quoted attributes.
    ///
    /// Control characters are shown, not passed on: C0 controls other than tab and newline, and DEL, become
    /// their Unicode control pictures (NUL is `␀`, ESC is `␛`, CR is `␍`); C1 controls become `\u{9B}`
    /// text. Program output is data: a NUL or an escape sequence shows as what it is, and everything
    /// after it is kept.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n": result.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}": result.unicodeScalars.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case "\u{7F}": result += "\u{2421}"
            case "\u{80}"..."\u{9F}": result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A lowercase anchor from heading text: letters and digits kept, runs of anything else become `-`.
    static func slug(_ text: String) -> String {
        var result = ""
        var pendingDash = false
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                if pendingDash, !result.isEmpty { result += "-" }
                pendingDash = false
                result.append(character)
            } else {
                pendingDash = true
            }
        }
        return result.isEmpty ? "section" : result
    }
}
