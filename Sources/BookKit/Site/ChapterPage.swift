import Foundation

/// A chapter's page: header (title, summary, original post), error banner, boxes, body with snippets and
/// outputs, previous/next links.
enum ChapterPage {
    /// The page and what it holds (`PageContents`): the article's anchors, links and section texts, the pager's
    /// links, and the shell's.
    static func page(_ checked: CheckedChapter, book: Book, position: Int, stamp: Render.Stamp) -> RenderedPage {
        let source = checked.chapter.source
        var body = ""
        if !checked.errors.isEmpty {
            body += "<section class=\"build-errors\" role=\"alert\"><h2>This chapter failed its checks</h2><pre>"
            body += checked.errors.map { HTML.escape($0.description) }.joined(separator: "\n\n")
            body += "</pre></section>\n"
        }
        let article = chapterBody(checked)
        var contents = article.1
        body += "<article class=\"chapter\">\n" + article.0 + "</article>\n"
        body += "<nav class=\"pager\" aria-label=\"Chapters\">"
        if position > 0 {
            let previous = book.chapters[position - 1]
            body += "<a class=\"previous\" href=\"\(previous.slug).html\">← \(HTML.escape(previous.title))</a>"
            contents.link("\(previous.slug).html", context: "the pager")
        }
        if position + 1 < book.chapters.count {
            let next = book.chapters[position + 1]
            body += "<a class=\"next\" href=\"\(next.slug).html\">\(HTML.escape(next.title)) →</a>"
            contents.link("\(next.slug).html", context: "the pager")
        }
        body += "</nav>\n"
        return PageTemplate.page(
            title: source.title + " · " + book.title, book: book, current: source.slug,
            sections: sidebarSections(contents.headings), body: RenderedPage(html: body, contents: contents),
            stamp: stamp)
    }

    /// The headings the sidebar lists under the current chapter: levels 1 to 3 but the title (the first `#`).
    static func sidebarSections(_ headings: [PageContents.Heading]) -> [PageContents.Heading] {
        let title = headings.firstIndex { $0.level == 1 }
        return headings.indices.filter { $0 != title && headings[$0].level <= 3 }.map { headings[$0] }
    }

    /// The lines under the chapter's title: its summary and the post it follows.
    static func header(_ source: ChapterSource, into contents: inout PageContents) -> String {
        var html = "<p class=\"chapter-summary\">\(HTML.escape(source.summary))</p>"
        if let original = source.original {
            contents.link(original.url, context: "the chapter's original post (book.json)")
            html +=
                "<p class=\"original\">Original post: <a href=\"\(HTML.escape(original.url))\" lang=\"zh-Hans\">\(HTML.escape(original.title))</a>"
            html += " by \(HTML.escape(original.author)), \(HTML.escape(original.date)).</p>"
        }
        return html
    }

    /// - Parameters:
    ///   - decisions: the decisions the snippets printed, by `"snippet-id:name"`; a claim naming one shows the
    ///     rule's reason under it.
    ///   - contents: records each claim's link to its snippet, at the claim's line of `file`.
    static func claimsBox(
        _ claims: [Claim], decisions: [String: DecidedClaim] = [:], file: String, into contents: inout PageContents
    ) -> String {
        var html =
            "<aside class=\"box claims-box\" aria-label=\"Reproduces\"><h2 class=\"box-title\">Reproduces</h2><ul>"
        for claim in claims {
            if let id = claim.snippetID {
                contents.link("#snippet-\(id)", from: SourcePosition(file: file, line: claim.line), context: "a claim")
            }
            let text = HTML.escape(claim.text)
            let linked = claim.snippetID.map { "<a href=\"#snippet-\(HTML.escape($0))\">\(text)</a>" } ?? text
            html +=
                "<li class=\"\(claim.status.rawValue)\"><span class=\"mark\" title=\"\(claim.status.label)\">\(claim.status.mark)</span> \(linked) <span class=\"status\">(\(claim.status.label))</span>"
            if let id = claim.snippetID, let name = claim.decision, let decision = decisions["\(id):\(name)"] {
                html +=
                    "<span class=\"decision\">Decided by the rule of chapter 0: \(HTML.escape(decision.reason)).</span>"
            }
            html += "</li>"
        }
        return html + "</ul></aside>"
    }

    /// The decisions printed by the chapter's snippets that ran, by `"snippet-id:name"`.
    static func decisions(_ checked: CheckedChapter) -> [String: DecidedClaim] {
        var found: [String: DecidedClaim] = [:]
        for snippet in checked.chapter.snippets {
            guard let id = snippet.info.id, let outcome = checked.outcomes[snippet.index], outcome.ran else { continue }
            for decision in DecidedClaim.all(in: outcome.stdout) { found["\(id):\(decision.name)"] = decision }
        }
        return found
    }

    /// - Parameters:
    ///   - math: the box's formulas typeset, in order (nil: show the LaTeX).
    ///   - origin: the ```differences fence's position: the box's Markdown starts on the line after it.
    static func differencesBox(
        _ markdown: String, math: [String]?, origin: SourcePosition, into contents: inout PageContents
    ) -> String {
        let protection = MathProtection(markdown, codeLines: [])
        let document = MarkdownDocument(protection.protected)
        AuthorHTML.neutralise(document)
        for node in document.allNodes() {
            record(node, file: origin.file, firstLine: origin.line + 1, into: &contents)
        }
        let html = document.renderHTML()
        let restored =
            math.map { typeset in
                protection.restore(html, html: true) { index, _ in index < typeset.count ? typeset[index] : "" }
            }
            ?? protection.restore(inHTML: html)
        return
            "<aside class=\"box differences-box\" aria-label=\"Differences from the original\"><h2 class=\"box-title\">Differences from the original</h2>"
            + restored + "</aside>"
    }

    /// The anchors and links an author wrote in a node of a chapter's Markdown (a link or image, or raw HTML's
    /// `id`, `href` and `src` attributes), at the lines they were written on.
    ///
    /// - Parameter firstLine: the source line of the document's first line (the box's Markdown starts below its
    ///   fence).
    static func record(_ node: MarkdownNode, file: String, firstLine: Int, into contents: inout PageContents) {
        if node.isLinkOrImage {
            contents.link(
                node.url,
                from: SourcePosition(file: file, line: firstLine - 1 + node.startLine, column: node.startColumn))
        } else if node.isRawHTML {
            let literal = node.literal
            let bytes = Array(literal.utf8)
            _ = AuthorHTML.problems(in: literal) { attribute in
                guard let value = attribute.value.map(AuthorHTML.decodeCharacterReferences) else { return }
                let lines = bytes[..<min(attribute.offset, bytes.count)].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
                let position = SourcePosition(file: file, line: firstLine - 1 + node.startLine + lines)
                switch attribute.name {
                case "id": contents.define(value)
                case "href", "src": contents.link(value, from: position)
                default: break
                }
            }
        }
    }

    /// The chapter's Markdown as HTML, with each snippet and its actual output in place of the fenced
    /// blocks, heading anchors, and the math put back verbatim; and what the HTML holds (`PageContents`), its
    /// sections' text included.
    ///
    /// Order matters: the Markdown is rendered with markers where snippets, boxes and the header go, the
    /// math is restored in the prose, and only then are those pieces spliced in (`HTMLSplice`), so no
    /// program output, figure, claim or manifest text passes through cmark or math restoration.
    ///
    /// The sections' text for search comes from the same rendering, in its text view: each formula as its
    /// readable symbols (`SearchIndex.readableMath`), each snippet as its code without output, the claims box
    /// without decisions. It depends on the chapter's source alone, so a chapter not built now, rendered without
    /// outcomes, gives the same text as its built page.
    static func chapterBody(_ checked: CheckedChapter) -> (String, PageContents) {
        let parsed = checked.parsed
        let file = checked.chapter.source.path
        let document = MarkdownDocument(parsed.math.protected)
        // Rejected author HTML is an error of the chapter (Parse); on the page it is shown as text.
        AuthorHTML.neutralise(document)
        var splice = HTMLSplice(avoiding: parsed.math.protected)
        let snippetsByLine = Dictionary(uniqueKeysWithValues: checked.chapter.snippets.map { ($0.fence.line, $0) })
        // The trailer blocks (expected output and stdin) are replaced by what the snippet's figure shows.
        let outputLines = Set(
            checked.chapter.snippets.compactMap { $0.expected.flatMap { $0.isInline ? nil : $0.fence.line } }
        )
        .union(checked.chapter.snippets.compactMap { $0.stdin?.fence.line })
        var contents = PageContents()
        // What the text view records is thrown away: its pieces are the page's, without outputs.
        var textOnly = PageContents()
        for anchor in checked.math?.anchors ?? [] { contents.define(anchor) }
        var codeBlockIndex = 0
        var headings: [MarkdownNode] = []
        var hasFootnotes = false
        let figureNumbering = FigureNumbering(snippets: checked.chapter.snippets, outcomes: checked.outcomes)
        let figureLines = Set(checked.chapter.snippets.flatMap { $0.expectedFigures.map(\.fence.line) })
        let boxes = checked.chapter.boxes
        for node in document.allNodes() {
            if node.isHeading {
                headings.append(node)
                continue
            }
            hasFootnotes = hasFootnotes || node.isFootnoteReference
            record(node, file: file, firstLine: 1, into: &contents)
            guard node.isCodeBlock else { continue }
            defer { codeBlockIndex += 1 }
            guard codeBlockIndex < parsed.codeBlocks.count else { continue }
            let line = parsed.codeBlocks[codeBlockIndex].start.line
            if line == boxes.claimsLine {
                node.replace(
                    withHTMLBlock: splice.marker(
                        for: claimsBox(boxes.claims, decisions: decisions(checked), file: file, into: &contents),
                        text: claimsBox(boxes.claims, file: file, into: &textOnly)))
            } else if line == boxes.differencesLine, let differences = boxes.differences {
                let origin = SourcePosition(file: file, line: line)
                node.replace(
                    withHTMLBlock: splice.marker(
                        for: differencesBox(
                            differences, math: checked.math?.differences, origin: origin, into: &contents),
                        text: differencesBox(
                            differences, math: readableDifferences(differences), origin: origin, into: &textOnly)))
            } else if let snippet = snippetsByLine[line] {
                let figures = figureHTML(
                    snippet, outcome: checked.outcomes[snippet.index],
                    firstNumber: figureNumbering.first[snippet.index] ?? 1, live: checked.liveFigures[snippet.index],
                    into: &contents)
                node.replace(
                    withHTMLBlock: splice.marker(
                        for: snippetHTML(
                            snippet, outcome: checked.outcomes[snippet.index], figures: figures,
                            links: checked.symbolLinks[snippet.index] ?? [:], file: file, into: &contents),
                        text: snippetHTML(snippet, outcome: nil, file: file, into: &textOnly)))
            } else if outputLines.contains(line) || figureLines.contains(line) {
                // The expected block: the page shows the actual output under the snippet instead.
                node.replace(withHTMLBlock: "")
            }
        }
        // Headings last: their anchors avoid every id the page defines otherwise (snippets, figures, equations,
        // the author's HTML), in document order among themselves.
        var sawTitle = false
        for node in headings {
            let text = parsed.math.restore(inText: node.plainText)
            let anchor = contents.uniqueAnchor(for: text)
            contents.link("#\(anchor)", context: "a heading's own link")
            contents.addHeading(level: node.headingLevel, text: text, anchor: anchor)
            node.prependInlineHTML(
                "<a class=\"anchor\" id=\"\(anchor)\" href=\"#\(anchor)\" aria-hidden=\"true\">#</a>")
            if node.headingLevel == 1, !sawTitle {
                // The chapter's title: the summary and the original post go right under it.
                sawTitle = true
                node.insertAfter(
                    htmlBlock: splice.marker(
                        for: header(checked.chapter.source, into: &contents),
                        text: header(checked.chapter.source, into: &textOnly)))
            }
        }
        let html = document.renderHTML()
        if hasFootnotes { CMarkFootnotes.record(in: html, into: &contents) }
        let restored: String
        // \figref in prose (tokens, like \eqref): a link to the figure, "Figure N"; an unknown label is an error of
        // the Typeset stage and shows as "Figure ??".
        func figureLink(_ name: String) -> String {
            guard let target = figureNumbering.labels[name] else { return "Figure ??" }
            return "<a class=\"figref\" href=\"#\(target.anchor)\">Figure \(target.number)</a>"
        }
        func figurePlain(_ name: String) -> String {
            figureNumbering.labels[name].map { "Figure \($0.number)" } ?? "Figure ??"
        }
        if let math = checked.math {
            // \eqref in prose (tokens; code and output never contain them).
            let references = MathProtection.References(
                link: { name in
                    guard let target = math.labels[name] else { return "(??)" }
                    return "<a class=\"eqref\" href=\"#\(target.anchor)\">(\(target.number))</a>"
                }, plain: { name in math.labels[name].map { "(\($0.number))" } ?? "(??)" }, figureLink: figureLink,
                figurePlain: figurePlain)
            restored = parsed.math.restore(html, html: true, references: references) { index, _ in math.html[index] }
            for reference in parsed.math.references {
                guard let target = math.labels[reference.name] else { continue }
                contents.link("#\(target.anchor)", from: SourcePosition(file: file, line: reference.line))
            }
            for link in math.links { contents.link(link.target, from: SourcePosition(file: file, line: link.line)) }
        } else {
            let references = MathProtection.References(
                link: { "\\eqref{\(HTML.escape($0))}" }, plain: { "\\eqref{\($0)}" }, figureLink: figureLink,
                figurePlain: figurePlain)
            restored = parsed.math.restore(inHTML: html, references: references)
        }
        for reference in parsed.math.figureReferences {
            guard let target = figureNumbering.labels[reference.name] else { continue }
            contents.link(
                "#\(target.anchor)",
                from: SourcePosition(file: file, line: reference.line, column: reference.column))
        }
        contents.sections = PageText.sections(
            splice.applyText(to: readableText(html, parsed: parsed, file: file, snippets: checked.chapter.snippets)))
        return (splice.apply(to: restored), contents)
    }

    /// The rendered Markdown with each formula as its readable text and each `\eqref` as its number: the
    /// prose of the text view. A numbered display's number (beside it on the page) is left out, so the search
    /// index reads as it did before the text came from here (the same entries, text and excerpts).
    /// A `\figref` is "Figure N" as numbered without outcomes (the figures the chapter declares), so that the text
    /// depends on the source alone.
    private static func readableText(_ html: String, parsed: ParsedChapter, file: String, snippets: [Snippet])
        -> String
    {
        let numbering = EquationNumbering(spans: parsed.math.spans, path: file)
        let figures = FigureNumbering(snippets: snippets, outcomes: [:])
        let figure = { (name: String) in figures.labels[name].map { "Figure \($0.number)" } ?? "Figure ??" }
        let readable = numbering.equations.map { HTML.escape(SearchIndex.readableMath($0.tex)) }
        let number = { (name: String) in numbering.labels[name].map { "(\($0.number))" } ?? "(??)" }
        let references = MathProtection.References(
            link: number, plain: number, figureLink: { HTML.escape(figure($0)) }, figurePlain: figure)
        return parsed.math.restore(html, html: true, references: references) { index, _ in
            readable[index]
        }
    }

    /// The differences box's formulas as readable text, for the text view.
    private static func readableDifferences(_ markdown: String) -> [String] {
        MathProtection(markdown, codeLines: []).spans.map {
            HTML.escape(SearchIndex.readableMath(EquationNumbering.stripDelimiters($0.source).body))
        }
    }

    /// The figures a snippet showed, as numbered `<figure>` elements with the chapter's captions. A live
    /// snippet's first figure gets its controls and module (`LiveFigure`).
    static func figureHTML(
        _ snippet: Snippet, outcome: SnippetOutcome?, firstNumber: Int, live: LiveFigure? = nil,
        into contents: inout PageContents
    ) -> [String] {
        guard let outcome, snippet.info.mode.showsOutput else { return [] }
        return outcome.figures.enumerated().map { index, text in
            let number = firstNumber + index
            contents.define("figure-\(number)")
            let caption = index < snippet.expectedFigures.count ? snippet.expectedFigures[index].caption : ""
            let plot = SVGPlot(text)
            let label = "Figure \(number): " + (caption.isEmpty ? plot.title : caption)
            let live = index == 0 ? live : nil
            return "<figure class=\"plot-figure\(live == nil ? "" : " live-figure")\" id=\"figure-\(number)\">"
                + plot.svg(label: label, live: live != nil)
                + "<figcaption><span class=\"figure-number\">Figure \(number).</span> \(HTML.escape(caption))</figcaption>"
                + (live?.controlsHTML(figureNumber: number) ?? "") + "</figure>"
        }
    }

    static func snippetHTML(
        _ snippet: Snippet, outcome: SnippetOutcome?, figures: [String] = [], links: [Int: String] = [:],
        file: String = "", into contents: inout PageContents
    ) -> String {
        let mode = snippet.info.mode
        let anchor = snippet.anchor
        if mode != .hidden { contents.define(anchor) }
        // An identifier linked to the API reference (`SnippetLinks`) is located at its line and column of the code.
        var codeLinks = PageContents()
        let utf8 = Array(snippet.code.utf8)
        let highlighted = SwiftHighlighter.html(snippet.code, links: links) { offset, target in
            let before = utf8[..<min(offset, utf8.count)]
            let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            codeLinks.link(
                target,
                from: SourcePosition(
                    file: file, line: snippet.codeLine + before.count { $0 == UInt8(ascii: "\n") },
                    column: offset - lineStart + 1),
                context: "a name in snippet \(snippet.displayName)")
        }
        if mode != .hidden { contents.add(codeLinks) }
        let code = "<pre class=\"code\"><code class=\"language-swift\">\(highlighted)</code></pre>"
        let outcome = outcome ?? SnippetOutcome()
        func block(_ kind: String, _ label: String, _ text: String) -> String {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            if lines > 24 {
                // Long outputs are folded; the first lines stay visible in the summary's place.
                return
                    "<div class=\"\(kind)\"><details class=\"long-output\"><summary>\(label) (\(lines) lines)</summary><pre>\(HTML.escape(text))</pre></details></div>"
            }
            return "<div class=\"\(kind)\"><div class=\"label\">\(label)</div><pre>\(HTML.escape(text))</pre></div>"
        }
        var parts: [String] = []
        switch mode {
        case .hidden:
            return "<!-- hidden snippet \(snippet.index + 1) -->"
        case .setup:
            return "<details class=\"snippet setup\" id=\"\(anchor)\"><summary>Setup code</summary>\(code)</details>"
        case .normal, .silent, .traps, .aside:
            parts.append(code)
            // Left out of its program (a failing build's page): the reader sees why under the code.
            if let diagnostics = outcome.diagnostics {
                parts.append(block("diagnostic", "Does not compile", diagnostics))
            }
            if let stdin = snippet.stdin { parts.append(block("stdin", "Input", stdin.text)) }
            if mode != .silent {
                // A passing snippet with inline expectations shows its recorded output in its comments already.
                let statedInline = snippet.expected?.isInline == true && outcome.stdout == snippet.expected?.text
                if !outcome.stdout.isEmpty, !statedInline { parts.append(block("output", "Output", outcome.stdout)) }
                if !outcome.stderr.isEmpty { parts.append(block("stderr", "Standard error", outcome.stderr)) }
                if let trap = outcome.trap { parts.append(block("trap", "Trapped", trap)) }
                parts += figures
            }
            if mode == .aside {
                parts.append("<div class=\"note\">An aside: the snippets after it do not see its changes.</div>")
            }
        case .compileOnly:
            parts.append(code)
            parts.append("<div class=\"note\">Compiled, not run.</div>")
        case .fails:
            parts.append(code)
            if let diagnostics = outcome.diagnostics {
                parts.append(block("diagnostic", "Compiler error", diagnostics))
            }
        case .display:
            parts.append(code)
        }
        let modeClass = mode == .normal ? "run" : mode.rawValue
        return "<figure class=\"snippet \(modeClass)\" id=\"\(anchor)\">\(parts.joined())</figure>"
    }

}
