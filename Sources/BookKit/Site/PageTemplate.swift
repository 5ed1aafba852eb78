/// The shell every page shares: head, sidebar (chapters, the current chapter's sections, search), main
/// column, footer stamp. Scripts are small files of the site (`search-index.js`, and `book.js` from
/// `BookResources`) and optional: the page reads fine without them. `theme.js` runs in `<head>`, before the first
/// paint, so a reader's chosen theme shows from the start; the skip link is the first thing Tab reaches and moves
/// the focus to `<main>`.
enum PageTemplate {
    /// The whole page around `body`, with the body's contents and the shell's own (its stylesheets, scripts,
    /// sidebar links and the search box's ids).
    ///
    /// - Parameter sections: the current chapter's headings that the sidebar lists under it.
    static func page(
        title: String, book: Book, current: String?, sections: [PageContents.Heading], body: RenderedPage,
        stamp: Render.Stamp
    ) -> RenderedPage {
        var contents = body.contents
        for target in ["katex/katex.min.css", "style.css", "theme.js", "#\(mainID)", "index.html"]
            + book.chapters.map({ "\($0.slug).html" }) + sections.map({ "#\($0.anchor)" })
            + ["claims.html", APIIndex.overviewPage, "search-index.js", "book.js"]
        {
            contents.link(target, context: "the page template")
        }
        for id in [mainID, "nav-toggle", "search", "search-results"] { contents.define(id) }
        return RenderedPage(
            html: html(title: title, book: book, current: current, sections: sections, body: body.html, stamp: stamp),
            contents: contents)
    }

    /// The id of every page's `<main>`, the skip link's target. Not a heading's slug of any likely title (the
    /// chapters' anchors come from their headings).
    static let mainID = "book-content"

    private static func html(
        title: String, book: Book, current: String?, sections: [PageContents.Heading], body: String,
        stamp: Render.Stamp
    ) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title))</title>
        <link rel="stylesheet" href="katex/katex.min.css">
        <link rel="stylesheet" href="style.css">
        <script src="theme.js"></script>
        </head>
        <body>
        <a class="skip-link" href="#\(mainID)">Skip to content</a>
        <div class="layout">
        \(sidebar(book: book, current: current, sections: sections))
        <main id="\(mainID)" tabindex="-1">
        \(body)</main>
        </div>
        <footer class="stamp">\(HTML.escape(book.title)) · built from commit \(HTML.escape(stamp.commit)) with \(HTML.escape(stamp.swiftVersion))</footer>
        <script src="search-index.js"></script>
        <script src="book.js"></script>
        </body>
        </html>

        """
    }

    private static func sidebar(book: Book, current: String?, sections: [PageContents.Heading]) -> String {
        var html =
            "<nav class=\"sidebar\" aria-label=\"Book\">\n<p class=\"book-title\"><a href=\"index.html\">\(HTML.escape(book.title))</a></p>\n"
        // On narrow screens the search and the contents fold behind a menu button: a checkbox and its label, so it
        // works without JavaScript (style.css shows `.nav-body` when the box is checked; wide screens always show it).
        html += "<input type=\"checkbox\" id=\"nav-toggle\" class=\"nav-toggle\" aria-label=\"Show the contents\">"
        html +=
            "<label for=\"nav-toggle\" class=\"nav-button\" aria-hidden=\"true\">☰ Contents</label>\n<div class=\"nav-body\">\n"
        html +=
            "<div class=\"search\"><input type=\"search\" id=\"search\" placeholder=\"Search the book\" aria-label=\"Search the book\" autocomplete=\"off\"><ol id=\"search-results\" hidden></ol></div>\n<ol class=\"chapters\">\n"
        for chapter in book.chapters {
            let isCurrent = chapter.slug == current
            html +=
                "<li\(isCurrent ? " class=\"current\"" : "")><a href=\"\(chapter.slug).html\"\(isCurrent ? " aria-current=\"page\"" : "")>\(HTML.escape(chapter.title))</a>"
            if isCurrent, !sections.isEmpty {
                html += "<ol class=\"sections\">"
                for section in sections {
                    html +=
                        "<li class=\"level-\(section.level)\"><a href=\"#\(section.anchor)\">\(HTML.escape(section.text))</a></li>"
                }
                html += "</ol>"
            }
            html += "</li>\n"
        }
        html += "<li class=\"claims-link\"><a href=\"claims.html\">All claims</a></li>\n"
        html +=
            "<li class=\"api-reference-link\"><a href=\"\(APIIndex.overviewPage)\">API reference</a></li>\n</ol>\n</div>\n</nav>"
        return html
    }
}
