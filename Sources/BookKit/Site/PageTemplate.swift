/// The shell every page shares: head, sidebar (chapters, the current chapter's sections, search), main
/// column, footer stamp. Scripts are small, inline and optional: the page reads fine without them.
enum PageTemplate {
    /// A section of the current chapter, for the sidebar.
    struct Section {
        var level: Int
        var title: String
        var anchor: String
    }

    static func html(title: String, book: Book, current: String?, sections: [Section], body: String,
                     stamp: Render.Stamp) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title))</title>
        <link rel="stylesheet" href="katex/katex.min.css">
        <link rel="stylesheet" href="style.css">
        </head>
        <body>
        <div class="layout">
        \(sidebar(book: book, current: current, sections: sections))
        <main>
        \(body)</main>
        </div>
        <footer class="stamp">\(HTML.escape(book.title)) · built from commit \(HTML.escape(stamp.commit)) with \(HTML.escape(stamp.swiftVersion))</footer>
        <script src="search-index.js"></script>
        <script>\(script)</script>
        </body>
        </html>

        """
    }

    static func sidebar(book: Book, current: String?, sections: [Section]) -> String {
        var html = "<nav class=\"sidebar\" aria-label=\"Book\">\n<p class=\"book-title\"><a href=\"index.html\">\(HTML.escape(book.title))</a></p>\n"
        html += "<div class=\"search\"><input type=\"search\" id=\"search\" placeholder=\"Search the book\" aria-label=\"Search the book\" autocomplete=\"off\"><ol id=\"search-results\" hidden></ol></div>\n<ol class=\"chapters\">\n"
        for chapter in book.chapters {
            let isCurrent = chapter.slug == current
            html += "<li\(isCurrent ? " class=\"current\"" : "")><a href=\"\(chapter.slug).html\"\(isCurrent ? " aria-current=\"page\"" : "")>\(HTML.escape(chapter.title))</a>"
            if isCurrent, !sections.isEmpty {
                html += "<ol class=\"sections\">"
                for section in sections {
                    html += "<li class=\"level-\(section.level)\"><a href=\"#\(section.anchor)\">\(HTML.escape(section.title))</a></li>"
                }
                html += "</ol>"
            }
            html += "</li>\n"
        }
        html += "<li class=\"claims-link\"><a href=\"claims.html\">All claims</a></li>\n</ol>\n</nav>"
        return html
    }

    /// Search over `window.BOOK_SEARCH` (every term must occur; substring matching, so CJK text needs no
    /// word splitting), and a copy button on code blocks.
    static let script = #"""
    (function () {
      var input = document.getElementById("search"), list = document.getElementById("search-results");
      var index = window.BOOK_SEARCH || [];
      function esc(s) { return s.replace(/[&<>"']/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]; }); }
      // Hits whose section heading names a term come first, then those whose chapter title does; book order otherwise.
      function rank(text, terms) { text = text.toLowerCase(); return terms.filter(function (t) { return text.indexOf(t) >= 0; }).length; }
      if (input) input.addEventListener("input", function () {
        var terms = input.value.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
        list.innerHTML = "";
        if (!terms.length) { list.hidden = true; return; }
        var hits = index.filter(function (e) { return terms.every(function (t) { return e.x.indexOf(t) >= 0; }); })
          .map(function (e, i) { return {e: e, i: i, s: 2 * rank(e.h, terms) + rank(e.c, terms)}; })
          .sort(function (a, b) { return b.s - a.s || a.i - b.i; })
          .slice(0, 20).map(function (r) { return r.e; });
        list.innerHTML = hits.length ? hits.map(function (e) {
          return '<li><a href="' + e.p + (e.a ? "#" + e.a : "") + '">' + esc(e.c) + (e.h ? " › " + esc(e.h) : "") + "</a></li>";
        }).join("") : "<li>No matches</li>";
        list.hidden = false;
      });
      document.querySelectorAll("pre.code").forEach(function (pre) {
        var button = document.createElement("button");
        button.className = "copy"; button.type = "button"; button.textContent = "Copy";
        button.addEventListener("click", function () {
          var text = pre.innerText;
          var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 1200); };
          if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done); return; }
          var area = document.createElement("textarea"); area.value = text; document.body.appendChild(area);
          area.select(); document.execCommand("copy"); area.remove(); done();
        });
        pre.appendChild(button);
      });
    })();
    """#
}
