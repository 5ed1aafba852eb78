/// The ids and links of the footnotes cmark-gfm writes (`[^note]`): the one part of a chapter page whose ids
/// cmark makes itself, numbered by its own rules (`fn-NAME`, `fnref-NAME`, `fnref-NAME-2` for a second
/// reference), which its API does not expose. They are read from cmark's output for those elements only: each
/// `<sup class="footnote-ref">…</sup>` and the `<section class="footnotes">…</section>`; the author's HTML
/// elsewhere is recorded from the Markdown (`ChapterPage.record`).
enum CMarkFootnotes {
    static func record(in html: String, into contents: inout PageContents) {
        for region in regions(of: html) {
            // Only cmark's own: the author's links inside a footnote are recorded from the Markdown already.
            for (name, value) in attributes(in: region) {
                if name == "id", value.hasPrefix("fn") {
                    contents.define(value)
                } else if name == "href", value.hasPrefix("#fn-") || value.hasPrefix("#fnref-") {
                    contents.link(value, context: "a footnote")
                }
            }
        }
    }

    /// The footnote references and the footnotes section, as cmark writes them.
    private static func regions(of html: String) -> [Substring] {
        var found: [Substring] = []
        var rest = html[...]
        while let start = rest.range(of: "<sup class=\"footnote-ref\">") {
            guard let end = rest[start.upperBound...].range(of: "</sup>") else { break }
            found.append(rest[start.lowerBound..<end.upperBound])
            rest = rest[end.upperBound...]
        }
        if let start = html.range(of: "<section class=\"footnotes\""),
            let end = html[start.upperBound...].range(of: "</section>")
        {
            found.append(html[start.lowerBound..<end.upperBound])
        }
        return found
    }

    /// The `id` and `href` attributes (double-quoted, as cmark writes them) of a region, `&amp;` decoded.
    private static func attributes(in region: Substring) -> [(String, String)] {
        var found: [(String, String)] = []
        for name in ["id", "href"] {
            var rest = region
            while let start = rest.range(of: " \(name)=\"") {
                guard let end = rest[start.upperBound...].firstIndex(of: "\"") else { break }
                found.append((name, rest[start.upperBound..<end].replacingOccurrences(of: "&amp;", with: "&")))
                rest = rest[end...]
            }
        }
        return found
    }
}
