import Foundation

/// One formula's KaTeX HTML as stored in `.build/book/katex/`: the formula, the mode and KaTeX's version
/// it was rendered for, the HTML, and a SHA-256 checksum over all four.
///
/// Guarantees: `load` returns HTML only when the entry decodes, names the very formula, mode and version
/// asked for, passes its checksum, and has the shape KaTeX always produces (one `katex` or
/// `katex-display` span, balanced). An entry with injected markup (an `<img onerror>`), a truncated one or one
/// copied from another formula is a miss: the formula is rendered again and the entry rewritten, so the
/// page gets only what KaTeX produced.
struct KaTeXCacheEntry: Codable {
    var tex: String
    var display: Bool
    var version: String
    var html: String
    var checksum: String

    static func load(from file: URL, formula: KaTeX.Formula, version: String) -> String? {
        guard let data = FileManager.default.contents(atPath: file.path),
            let entry = try? JSONDecoder().decode(KaTeXCacheEntry.self, from: data),
            entry.tex == formula.tex, entry.display == formula.display, entry.version == version,
            entry.checksum
                == checksum(tex: entry.tex, display: entry.display, version: entry.version, html: entry.html),
            hasKaTeXShape(entry.html)
        else { return nil }
        return entry.html
    }

    /// Writes atomically; failing to write only costs a render next time.
    static func store(_ html: String, formula: KaTeX.Formula, version: String, to file: URL) {
        let entry = KaTeXCacheEntry(
            tex: formula.tex, display: formula.display, version: version, html: html,
            checksum: checksum(tex: formula.tex, display: formula.display, version: version, html: html))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys  // the same entry is the same bytes
        guard let data = try? encoder.encode(entry) else { return }
        try? data.write(to: file, options: .atomic)
    }

    static func checksum(tex: String, display: Bool, version: String, html: String) -> String {
        var hash = SHA256()
        hash.update("katex-entry-1\u{0}\(version)\u{0}\(display)\u{0}\(tex.utf8.count):\(tex)\u{0}")
        hash.update(html)
        return hash.hexDigest()
    }

    /// KaTeX's `renderToString` output is one `<span class="katex">` (inline) or `<span class="katex-display">`
    /// element, with as many `</span>` as `<span`: a cheap second line behind the checksum against a
    /// truncated entry.
    static func hasKaTeXShape(_ html: String) -> Bool {
        (html.hasPrefix("<span class=\"katex\">") || html.hasPrefix("<span class=\"katex-display\">"))
            && html.hasSuffix("</span>")
            && occurrences(of: "<span", in: html) == occurrences(of: "</span>", in: html)
    }

    /// How often `pattern` occurs in `text`, counted on UTF-8 bytes (`components(separatedBy:)` took a tenth of
    /// a warm no-op build over the book's formulas).
    static func occurrences(of pattern: String, in text: String) -> Int {
        let needle = Array(pattern.utf8)
        var count = 0
        var text = text
        text.withUTF8 { bytes in
            guard bytes.count >= needle.count else { return }
            var i = 0
            while i <= bytes.count - needle.count {
                if bytes[i] == needle[0] {
                    var j = 1
                    while j < needle.count && bytes[i + j] == needle[j] { j += 1 }
                    if j == needle.count {
                        count += 1
                        i += needle.count
                        continue
                    }
                }
                i += 1
            }
        }
        return count
    }
}
