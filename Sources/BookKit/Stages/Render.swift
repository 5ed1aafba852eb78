import Foundation

/// A chapter ready to render: its parse, its snippets, and what checking them produced.
public struct CheckedChapter: Sendable {
    public var parsed: ParsedChapter
    public var chapter: Chapter
    public var outcomes: [Int: SnippetOutcome]
    public var errors: [BookError]
    /// The typeset math, when the `Typeset` stage ran; otherwise the page shows the LaTeX source.
    public var math: TypesetMath?
    /// Per snippet index: UTF-8 offset of an identifier in its code → its API reference entry (`SnippetLinks`).
    public var symbolLinks: [Int: [Int: String]]
    /// Per snippet index: its live figure's module and controls (`Live`).
    var liveFigures: [Int: LiveFigure] = [:]

    public init(
        parsed: ParsedChapter, chapter: Chapter, outcomes: [Int: SnippetOutcome], errors: [BookError],
        math: TypesetMath? = nil, symbolLinks: [Int: [Int: String]] = [:]
    ) {
        self.parsed = parsed
        self.chapter = chapter
        self.outcomes = outcomes
        self.errors = errors
        self.math = math
        self.symbolLinks = symbolLinks
    }

    init(
        parsed: ParsedChapter, chapter: Chapter, outcomes: [Int: SnippetOutcome], errors: [BookError],
        math: TypesetMath?, symbolLinks: [Int: [Int: String]], liveFigures: [Int: LiveFigure]
    ) {
        self.init(
            parsed: parsed, chapter: chapter, outcomes: outcomes, errors: errors, math: math, symbolLinks: symbolLinks)
        self.liveFigures = liveFigures
    }
}

/// The site as values: relative path to file contents. `SiteWriter` puts it on disk.
public struct Site: Sendable {
    public var files: [String: String] = [:]
    /// Files copied as they are (KaTeX's stylesheet and fonts): site path → source file.
    public var copies: [String: URL] = [:]
    /// What each HTML page of `files` holds (its anchors and links, for `LinkCheck`), by site path.
    public var contents: [String: PageContents] = [:]

    /// Puts a page in the site: its HTML in `files`, its contents beside it.
    public mutating func add(_ page: RenderedPage, at path: String) {
        files[path] = page.html
        contents[path] = page.contents
    }
}

/// Stage 7: renders pages. No clock, and no disk but a listing of KaTeX's font folder (`Typeset.assetCopies`,
/// the files the site copies); the same input gives the same bytes.
public enum Render {
    /// What the footer of every page says; names the source, never the time.
    public struct Stamp: Sendable {
        public var commit: String
        public var swiftVersion: String
        public init(commit: String, swiftVersion: String) {
            self.commit = commit
            self.swiftVersion = swiftVersion
        }
    }

    /// - Parameters:
    ///   - book: the whole book (its manifest order and titles).
    ///   - chapters: the chapters built now, with their outcomes.
    ///   - all: every chapter of the book, extracted but not run: the claims page and the search index
    ///     cover the whole book even when only some chapters are built.
    ///   - pages: chapter pages already rendered (by `PageLinkGate`), by site path; the others are rendered here.
    ///   - resources: the stylesheet and page script (`BookResources.load()`), written as they are.
    ///   - apiPages: the API reference's pages (`APIPages.site`), by site path.
    ///   - printed: the build prints the book (`--pdf`): the index links `book.pdf` and `print.html`, which the
    ///     build adds (`PrintPage`, `BookPDF`).
    public static func site(
        book: Book, chapters: [CheckedChapter], all: [Chapter], stamp: Stamp,
        pages: [String: RenderedPage] = [:], resources: BookResources, apiPages: [String: RenderedPage] = [:],
        printed: Bool = false
    ) -> Site {
        var site = Site()
        // The API reference (`APIPages`); a site without one still gets its overview, which the sidebar links.
        for (path, page) in apiPages { site.add(page, at: path) }
        if site.files[APIIndex.overviewPage] == nil {
            for (path, page) in APIPages.site(nil, unavailable: nil, book: book, stamp: stamp) {
                site.add(page, at: path)
            }
        }
        site.files["style.css"] = resources.stylesheet
        site.files["book.js"] = resources.pageScript
        site.files["theme.js"] = resources.themeScript
        site.copies = Typeset.assetCopies()
        site.add(index(book: book, stamp: stamp, printed: printed), at: "index.html")
        site.add(claimsPage(book: book, chapters: all, stamp: stamp), at: "claims.html")
        for checked in chapters {
            let position = book.chapters.firstIndex { $0.slug == checked.chapter.source.slug } ?? 0
            let path = "\(checked.chapter.source.slug).html"
            site.add(pages[path] ?? ChapterPage.page(checked, book: book, position: position, stamp: stamp), at: path)
        }
        // Search covers the whole book: a chapter built now gives the sections its page recorded, one not built now
        // its body's rendered without outcomes (the same text).
        site.files["search-index.js"] = SearchIndex.script(
            for: all.map { chapter in
                let path = "\(chapter.source.slug).html"
                guard let sections = site.contents[path]?.sections else { return SearchIndex.Page(rendering: chapter) }
                return SearchIndex.Page(path: path, chapterTitle: chapter.source.title, sections: sections)
            })
        return site
    }

    /// One chapter's page alone, as a book of that one chapter would show it before anything ran (no
    /// outputs, math as LaTeX): what `bench build --large` times for parse + protect + restore + render.
    public static func previewPage(_ parsed: ParsedChapter, chapter: Chapter, stamp: Stamp) -> String {
        let book = Book(title: parsed.source.title, subtitle: "", chapters: [parsed.source])
        let checked = CheckedChapter(parsed: parsed, chapter: chapter, outcomes: [:], errors: parsed.errors)
        return ChapterPage.page(checked, book: book, position: 0, stamp: stamp).html
    }

    // MARK: Pages

    static func index(book: Book, stamp: Stamp, printed: Bool = false) -> RenderedPage {
        var contents = PageContents()
        var body = "<header class=\"book-header\"><h1>\(HTML.escape(book.title))</h1>"
        if !book.subtitle.isEmpty { body += "<p class=\"subtitle\">\(HTML.escape(book.subtitle))</p>" }
        body += "</header>\n<nav class=\"toc\" aria-label=\"Chapters\"><ol>\n"
        for chapter in book.chapters {
            body += "<li><a href=\"\(chapter.slug).html\">\(HTML.escape(chapter.title))</a>"
            contents.link("\(chapter.slug).html", context: "the index page")
            body += "<p class=\"summary\">\(HTML.escape(chapter.summary))</p></li>\n"
        }
        body += "</ol></nav>\n<p><a href=\"claims.html\">Every claim of every chapter, with its status</a></p>\n"
        contents.link("claims.html", context: "the index page")
        body += "<p><a href=\"\(APIIndex.overviewPage)\">The API reference of the library the snippets use</a></p>\n"
        contents.link(APIIndex.overviewPage, context: "the index page")
        if printed {
            body +=
                "<p class=\"print-links\">The whole book <a href=\"book.pdf\">as one PDF</a> (A4) or <a href=\"\(PrintPage.path)\">on one page</a></p>\n"
            contents.link("book.pdf", context: "the index page")
            contents.link(PrintPage.path, context: "the index page")
        }
        return PageTemplate.page(
            title: book.title, book: book, current: nil, sections: [],
            body: RenderedPage(html: body, contents: contents), stamp: stamp)
    }

    /// Every claim of every chapter with its status: the book's tally, then one table per chapter with its own.
    /// A claim decided by a snippet's printed decision (`Claim.decision`) is marked as such: its status is the
    /// rule's, not the author's.
    /// Each row's link carries the claim's line in its chapter's file.
    static func claimsPage(book: Book, chapters: [Chapter], stamp: Stamp) -> RenderedPage {
        let all = chapters.flatMap(\.boxes.claims)
        var contents = PageContents()
        contents.link("\(book.chapters.first?.slug ?? "index").html", context: "the claims page")
        var body =
            "<h1>Claims</h1>\n<p>Each post's claims, and what this book's runs made of them. A claim marked "
            + "<em>decided</em> takes its status from the rule of <a href=\"\(book.chapters.first?.slug ?? "index").html\">chapter 0</a>, "
            + "applied to the interval its snippet printed.</p>\n"
        body += "<p class=\"tally book-tally\">\(tally(all))</p>\n"
        for chapter in chapters where !chapter.boxes.claims.isEmpty {
            let page = "\(chapter.source.slug).html"
            body +=
                "<section class=\"claims-chapter\"><h2><a href=\"\(page)\">\(HTML.escape(chapter.source.title))</a></h2>\n"
            contents.link(page, context: "the claims page")
            body += "<p class=\"tally\">\(tally(chapter.boxes.claims))</p>\n"
            body += "<table class=\"claims\"><thead><tr><th>Claim</th><th>Status</th></tr></thead><tbody>\n"
            for claim in chapter.boxes.claims {
                let link = claim.snippetID.map { "\(page)#snippet-\(HTML.escape($0))" } ?? page
                contents.link(
                    claim.snippetID.map { "\(page)#snippet-\($0)" } ?? page,
                    from: SourcePosition(file: chapter.source.path, line: claim.line), context: "the claims page")
                body +=
                    "<tr class=\"\(claim.status.rawValue)\"><td><a href=\"\(link)\">\(HTML.escape(claim.text))</a></td>"
                body +=
                    "<td><span class=\"mark\">\(claim.status.mark)</span> \(claim.status.label)"
                    + (claim.decision == nil ? "" : " <span class=\"decided\">decided</span>") + "</td></tr>\n"
            }
            body += "</tbody></table></section>\n"
        }
        return PageTemplate.page(
            title: "Claims · " + book.title, book: book, current: nil, sections: [],
            body: RenderedPage(html: body, contents: contents), stamp: stamp)
    }

    /// "12 claims: 5 reproduced, 4 qualitative, 1 not reproduced, 2 not attempted; 3 decided by the rule".
    static func tally(_ claims: [Claim]) -> String {
        let counts = Claim.Status.allCases.map { status in (status, claims.filter { $0.status == status }.count) }
        let decided = claims.filter { $0.decision != nil }.count
        return "\(claims.count) claim\(claims.count == 1 ? "" : "s"): "
            + counts.map {
                "<span class=\"\($0.0.rawValue)\">\($0.1) \($0.0.rawValue.replacingOccurrences(of: "-", with: " "))</span>"
            }.joined(separator: ", ")
            + "; \(decided) decided by the rule"
    }
}
