/// The book-wide search index, built at build time into `search-index.js` (a script that sets
/// `window.BOOK_SEARCH`, so it loads from `file://` where `fetch` of local files is blocked).
///
/// One entry per section (the text between headings) of every chapter: page, anchor, chapter title,
/// heading, and the lowercased text of its prose, headings and code (so identifiers are found). Matching is
/// by substring, which serves CJK text without a word splitter.
enum SearchIndex {
    struct Entry: Encodable {
        var p: String
        var a: String
        var c: String
        var h: String
        var x: String
    }

    static func script(for chapters: [Chapter]) -> String {
        var entries: [Entry] = []
        for chapter in chapters {
            let page = "\(chapter.source.slug).html"
            var heading = "", anchor = "", text = chapter.source.title.lowercased() + " "
            var used = Set<String>()
            func flush() {
                entries.append(Entry(p: page, a: anchor, c: chapter.source.title, h: heading, x: text))
            }
            var inFence = false
            for line in chapter.source.text.split(separator: "\n", omittingEmptySubsequences: false) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { inFence.toggle() }
                if !inFence, trimmed.hasPrefix("#"), let space = trimmed.firstIndex(of: " "),
                    trimmed[..<space].allSatisfy({ $0 == "#" })
                {
                    flush()
                    heading = String(trimmed[space...]).trimmingCharacters(in: .whitespaces)
                    // The same anchors as the page's headings (Render dedupes the same way).
                    var candidate = HTML.slug(heading), n = 2
                    while used.contains(candidate) { candidate = HTML.slug(heading) + "-\(n)"; n += 1 }
                    used.insert(candidate)
                    anchor = candidate
                    text = heading.lowercased() + " "
                    continue
                }
                text += line.lowercased() + " "
            }
            flush()
        }
        let json = (try? String(decoding: JSONEncoderSorted.encode(entries), as: UTF8.self)) ?? "[]"
        return "window.BOOK_SEARCH = \(json);\n"
    }
}
