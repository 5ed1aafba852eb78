import Foundation

/// A chapter ready to render: its parse, its snippets, and what checking them produced.
public struct CheckedChapter: Sendable {
    public var parsed: ParsedChapter
    public var chapter: Chapter
    public var outcomes: [Int: SnippetOutcome]
    public var errors: [BookError]
    /// The typeset math, when the `Typeset` stage ran; otherwise the page shows the LaTeX source.
    public var math: TypesetMath?

    public init(parsed: ParsedChapter, chapter: Chapter, outcomes: [Int: SnippetOutcome], errors: [BookError],
                math: TypesetMath? = nil) {
        self.parsed = parsed
        self.chapter = chapter
        self.outcomes = outcomes
        self.errors = errors
        self.math = math
    }
}

/// The site as values: relative path to file contents. `SiteWriter` puts it on disk.
public struct Site: Sendable {
    public var files: [String: String] = [:]
    /// Files copied as they are (KaTeX's stylesheet and fonts): site path → source file.
    public var copies: [String: URL] = [:]
}

/// Stage 7: renders pages. Pure: no disk, no clock; the same input gives the same bytes.
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

    public static func site(book: Book, chapters: [CheckedChapter], stamp: Stamp) -> Site {
        var site = Site()
        site.files["style.css"] = Stylesheet.css
        site.copies = Typeset.assetCopies()
        site.files["index.html"] = index(book: book, stamp: stamp)
        for checked in chapters {
            let position = book.chapters.firstIndex { $0.slug == checked.chapter.source.slug } ?? 0
            site.files["\(checked.chapter.source.slug).html"] = chapterPage(checked, book: book, position: position, stamp: stamp)
        }
        return site
    }

    // MARK: Pages

    static func index(book: Book, stamp: Stamp) -> String {
        var body = "<header class=\"book-header\"><h1>\(HTML.escape(book.title))</h1>"
        if !book.subtitle.isEmpty { body += "<p class=\"subtitle\">\(HTML.escape(book.subtitle))</p>" }
        body += "</header>\n<nav class=\"toc\" aria-label=\"Chapters\"><ol>\n"
        for chapter in book.chapters {
            body += "<li><a href=\"\(chapter.slug).html\">\(HTML.escape(chapter.title))</a>"
            body += "<p class=\"summary\">\(HTML.escape(chapter.summary))</p></li>\n"
        }
        body += "</ol></nav>\n"
        return page(title: book.title, bookTitle: book.title, body: body, stamp: stamp)
    }

    static func chapterPage(_ checked: CheckedChapter, book: Book, position: Int, stamp: Stamp) -> String {
        let source = checked.chapter.source
        var body = "<nav class=\"crumbs\"><a href=\"index.html\">\(HTML.escape(book.title))</a></nav>\n"
        if !checked.errors.isEmpty {
            body += "<section class=\"build-errors\" role=\"alert\"><h2>This chapter failed its checks</h2><pre>"
            body += checked.errors.map { HTML.escape($0.description) }.joined(separator: "\n\n")
            body += "</pre></section>\n"
        }
        body += "<article class=\"chapter\">\n" + chapterBody(checked) + "</article>\n"
        body += "<nav class=\"pager\">"
        if position > 0 {
            let previous = book.chapters[position - 1]
            body += "<a class=\"previous\" href=\"\(previous.slug).html\">← \(HTML.escape(previous.title))</a>"
        }
        if position + 1 < book.chapters.count {
            let next = book.chapters[position + 1]
            body += "<a class=\"next\" href=\"\(next.slug).html\">\(HTML.escape(next.title)) →</a>"
        }
        body += "</nav>\n"
        return page(title: source.title + " · " + book.title, bookTitle: book.title, body: body, stamp: stamp)
    }

    /// The chapter's Markdown as HTML, with each snippet and its actual output in place of the fenced
    /// blocks, heading anchors, and the math put back verbatim.
    static func chapterBody(_ checked: CheckedChapter) -> String {
        let parsed = checked.parsed
        let document = MarkdownDocument(parsed.math.protected)
        let snippetsByLine = Dictionary(uniqueKeysWithValues: checked.chapter.snippets.map { ($0.fence.line, $0) })
        let outputLines = Set(checked.chapter.snippets.compactMap { $0.expected?.fence.line })
        var codeBlockIndex = 0
        var usedAnchors = Set<String>()
        for node in document.allNodes() {
            if node.isHeading {
                let text = parsed.math.restore(inText: node.plainText)
                var anchor = HTML.slug(text), n = 2
                while usedAnchors.contains(anchor) { anchor = HTML.slug(text) + "-\(n)"; n += 1 }
                usedAnchors.insert(anchor)
                node.prependInlineHTML("<a class=\"anchor\" id=\"\(anchor)\" href=\"#\(anchor)\" aria-hidden=\"true\">#</a>")
                continue
            }
            guard node.isCodeBlock else { continue }
            defer { codeBlockIndex += 1 }
            guard codeBlockIndex < parsed.codeBlocks.count else { continue }
            let line = parsed.codeBlocks[codeBlockIndex].start.line
            if let snippet = snippetsByLine[line] {
                node.replace(withHTMLBlock: snippetHTML(snippet, outcome: checked.outcomes[snippet.index]))
            } else if outputLines.contains(line) {
                // The expected block: the page shows the actual output under the snippet instead.
                node.replace(withHTMLBlock: "")
            }
        }
        var html = document.renderHTML()
        if let math = checked.math {
            // \eqref in prose: math spans are still tokens here, so only prose is touched.
            html = EquationNumbering.replacingCommand("eqref", in: html) { name in
                guard let target = math.labels[name] else { return "(??)" }
                return "<a class=\"eqref\" href=\"#\(target.anchor)\">(\(target.number))</a>"
            }
            return parsed.math.restore(html) { index, _ in math.html[index] }
        }
        return parsed.math.restore(inHTML: html)
    }

    static func snippetHTML(_ snippet: Snippet, outcome: SnippetOutcome?) -> String {
        let mode = snippet.info.mode
        let anchor = snippet.info.id.map { "snippet-\($0)" } ?? "snippet-\(snippet.index + 1)"
        let code = "<pre class=\"code\"><code class=\"language-swift\">\(SwiftHighlighter.html(snippet.code))</code></pre>"
        let outcome = outcome ?? SnippetOutcome()
        func block(_ kind: String, _ label: String, _ text: String) -> String {
            "<div class=\"\(kind)\"><div class=\"label\">\(label)</div><pre>\(HTML.escape(text))</pre></div>"
        }
        var parts: [String] = []
        switch mode {
        case .hidden:
            return "<!-- hidden snippet \(snippet.index + 1) -->"
        case .setup:
            return "<details class=\"snippet setup\" id=\"\(anchor)\"><summary>Setup code</summary>\(code)</details>"
        case .normal, .silent, .traps:
            parts.append(code)
            if mode != .silent {
                if !outcome.stdout.isEmpty { parts.append(block("output", "Output", outcome.stdout)) }
                if !outcome.stderr.isEmpty { parts.append(block("stderr", "Standard error", outcome.stderr)) }
                if let trap = outcome.trap { parts.append(block("trap", "Trapped", trap)) }
            }
        case .compileOnly:
            parts.append(code)
            parts.append("<div class=\"note\">Compiled, not run.</div>")
        case .fails:
            parts.append(code)
            if let diagnostics = outcome.diagnostics { parts.append(block("diagnostic", "Compiler error", diagnostics)) }
        }
        let modeClass = mode == .normal ? "run" : mode.rawValue
        return "<figure class=\"snippet \(modeClass)\" id=\"\(anchor)\">\(parts.joined())</figure>"
    }

    static func page(title: String, bookTitle: String, body: String, stamp: Stamp) -> String {
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
        <main>
        \(body)</main>
        <footer class="stamp">\(HTML.escape(bookTitle)) · built from commit \(HTML.escape(stamp.commit)) with \(HTML.escape(stamp.swiftVersion))</footer>
        </body>
        </html>

        """
    }
}
