/// The whole book on one page, `print.html`, which `book build --pdf` writes and prints to `book.pdf`
/// (`BookPDF`): a title page with the contents, then every chapter in book order, each from a new sheet, as its
/// own page shows it (error banner, boxes, snippets and their outputs, figures, typeset math).
///
/// Guarantees:
/// - Every id of a chapter is prefixed with its slug (`SLUG--ID`), and each chapter's section has the id
///   `SLUG`, so the ids of the page are unique and `#snippet-1` of chapter 3 is not chapter 0's.
/// - Every link stays inside the page or leaves the book for the web: `#ID` becomes `#SLUG--ID`, a link to a
///   chapter page `OTHER.html#ID` becomes `#OTHER--ID` (`OTHER.html`: `#OTHER`), `http:`, `https:` and
///   `mailto:` links are kept, and any other link (the index, the claims page) loses its `href`. So the PDF
///   holds no `file:` address of the folder it was printed from, and its internal links land in the PDF.
/// - Pure: the same chapters give the same bytes.
/// - Its `PageContents` are the chapters' own (`ChapterPage.chapterBody`), localised by the same rules (`target`),
///   each link keeping the line it was written at; so the link check reads this page as data too.
enum PrintPage {
    static let path = "print.html"

    static func page(book: Book, chapters: [CheckedChapter], stamp: Render.Stamp) -> RenderedPage {
        let slugs = Set(book.chapters.map(\.slug))
        var contents = PageContents()
        var body = "<section class=\"print-title-page\">\n"
        body += "<p class=\"print-book-title\">\(HTML.escape(book.title))</p>\n"
        if !book.subtitle.isEmpty { body += "<p class=\"subtitle\">\(HTML.escape(book.subtitle))</p>\n" }
        body += "<nav class=\"print-contents\" aria-label=\"Contents\"><ol>\n"
        for chapter in chapters {
            let slug = chapter.chapter.source.slug
            body += "<li><a href=\"#\(slug)\">\(HTML.escape(chapter.chapter.source.title))</a></li>\n"
            contents.link("#\(slug)", context: "the print page's contents")
        }
        body += "</ol></nav>\n"
        body +=
            "<p class=\"print-stamp\">Built from commit \(HTML.escape(stamp.commit)) with \(HTML.escape(stamp.swiftVersion)).</p>\n"
        body += "</section>\n"
        for checked in chapters {
            let slug = checked.chapter.source.slug
            var chapter = ""
            if !checked.errors.isEmpty {
                chapter +=
                    "<section class=\"build-errors\" role=\"alert\"><h2>This chapter failed its checks</h2><pre>"
                chapter += checked.errors.map { HTML.escape($0.description) }.joined(separator: "\n\n")
                chapter += "</pre></section>\n"
            }
            let (article, own) = ChapterPage.chapterBody(checked)
            chapter += "<article class=\"chapter\">\n" + article + "</article>\n"
            body += "<section class=\"print-chapter\" id=\"\(slug)\">\n"
            contents.define(slug)
            for anchor in own.anchors { contents.define("\(slug)--\(anchor)") }
            for link in own.links {
                guard let target = target(link.target, slug: slug, chapters: slugs) else { continue }
                contents.link(target, from: link.origin, context: link.context)
            }
            body += localise(chapter, slug: slug, chapters: slugs) + "</section>\n"
        }
        return PageTemplate.page(
            title: book.title, book: book, current: nil, sections: [],
            body: RenderedPage(html: body, contents: contents), stamp: stamp)
    }

    /// Rewrites the `id` and `href` attributes of one chapter's markup as the type's guarantees say. Scans
    /// bytes for ` id="` and ` href="`: in the page's markup a `"` inside text is always escaped (cmark and
    /// `HTML.escape`), so these sequences only begin attributes; and for ` id='` and ` href='` inside a tag.
    static func localise(_ html: String, slug: String, chapters: Set<String>) -> String {
        // Both quotes: the author's HTML may write `href='#x'` (cmark and the engine write `"`). Text may hold a
        // bare `'`, so a single-quoted attribute counts only inside a tag (in text, `<` is always escaped).
        let markers: [(marker: [UInt8], isID: Bool, quote: UInt8)] = [
            (Array(" id=\"".utf8), true, UInt8(ascii: "\"")), (Array(" href=\"".utf8), false, UInt8(ascii: "\"")),
            (Array(" id='".utf8), true, UInt8(ascii: "'")), (Array(" href='".utf8), false, UInt8(ascii: "'")),
        ]
        let bytes = Array(html.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + bytes.count / 16)
        func matches(_ pattern: [UInt8], at i: Int) -> Bool {
            guard i + pattern.count <= bytes.count else { return false }
            for k in 0..<pattern.count where bytes[i + k] != pattern[k] { return false }
            return true
        }
        var i = 0
        var inTag = false
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: " "),
                let (marker, isID, quote) = markers.first(where: {
                    matches($0.marker, at: i) && (inTag || $0.quote == UInt8(ascii: "\""))
                })
            else {
                if bytes[i] == UInt8(ascii: "<") {
                    inTag = true
                } else if bytes[i] == UInt8(ascii: ">") {
                    inTag = false
                }
                result.append(bytes[i])
                i += 1
                continue
            }
            let start = i + marker.count
            var end = start
            while end < bytes.count, bytes[end] != quote { end += 1 }
            let value = String(decoding: bytes[start..<end], as: UTF8.self)
            let q = Character(Unicode.Scalar(quote))
            let replaced =
                isID
                ? " id=\(q)\(slug)--\(value)\(q)"
                : localised(value, slug: slug, chapters: chapters).map { " href=\(q)\($0)\(q)" } ?? ""
            result += Array(replaced.utf8)
            i = min(end + 1, bytes.count)
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// What a link of a chapter's `PageContents` is on this page: as its `href` is rewritten, except that a target
    /// neither external nor a chapter's (an image's `figure.svg`) is kept, since a `src` is never rewritten.
    private static func target(_ value: String, slug: String, chapters: Set<String>) -> String? {
        if let local = localised(value, slug: slug, chapters: chapters) { return local }
        return value.hasSuffix(".html") || value.contains(".html#") ? nil : value
    }

    /// The `href` value a chapter's link gets on this page, or nil when it loses its `href`.
    private static func localised(_ value: String, slug: String, chapters: Set<String>) -> String? {
        for scheme in ["http:", "https:", "mailto:"] where value.hasPrefix(scheme) { return value }
        let parts = value.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let page = parts[0], anchor = parts.count > 1 ? parts[1] : ""
        let target: String
        if page.isEmpty {
            target = slug
        } else if page.hasSuffix(".html"), chapters.contains(String(page.dropLast(".html".count))) {
            target = String(page.dropLast(".html".count))
        } else {
            return nil
        }
        return "#\(target)\(anchor.isEmpty ? "" : "--" + anchor)"
    }
}
