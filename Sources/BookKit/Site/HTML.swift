/// HTML text helpers. Everything that comes from a program or an author passes through `escape` before it
/// reaches a page, except Markdown prose, which cmark-gfm escapes itself.
enum HTML {
    /// Escapes `&`, `<`, `>`, `"` and `'`: safe in text and in double- or single-quoted attributes.
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
