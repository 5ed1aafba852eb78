import Foundation

/// A chapter's page: header (title, summary, original post), error banner, boxes, body with snippets and
/// outputs, previous/next links.
enum ChapterPage {
    static func html(_ checked: CheckedChapter, book: Book, position: Int, stamp: Render.Stamp) -> String {
        let source = checked.chapter.source
        var body = ""
        if !checked.errors.isEmpty {
            body += "<section class=\"build-errors\" role=\"alert\"><h2>This chapter failed its checks</h2><pre>"
            body += checked.errors.map { HTML.escape($0.description) }.joined(separator: "\n\n")
            body += "</pre></section>\n"
        }
        let (article, sections) = chapterBody(checked)
        body += "<article class=\"chapter\">\n" + article + "</article>\n"
        body += "<nav class=\"pager\" aria-label=\"Chapters\">"
        if position > 0 {
            let previous = book.chapters[position - 1]
            body += "<a class=\"previous\" href=\"\(previous.slug).html\">← \(HTML.escape(previous.title))</a>"
        }
        if position + 1 < book.chapters.count {
            let next = book.chapters[position + 1]
            body += "<a class=\"next\" href=\"\(next.slug).html\">\(HTML.escape(next.title)) →</a>"
        }
        body += "</nav>\n"
        return PageTemplate.html(
            title: source.title + " · " + book.title, book: book, current: source.slug,
            sections: sections, body: body, stamp: stamp)
    }

    /// The lines under the chapter's title: its summary and the post it follows.
    static func header(_ source: ChapterSource) -> String {
        var html = "<p class=\"chapter-summary\">\(HTML.escape(source.summary))</p>"
        if let original = source.original {
            html +=
                "<p class=\"original\">Original post: <a href=\"\(HTML.escape(original.url))\" lang=\"zh-Hans\">\(HTML.escape(original.title))</a>"
            html += " by \(HTML.escape(original.author)), \(HTML.escape(original.date)).</p>"
        }
        return html
    }

    /// - Parameter decisions: the decisions the snippets printed, by `"snippet-id:name"`; a claim naming one shows
    ///   the rule's reason under it.
    static func claimsBox(_ claims: [Claim], decisions: [String: DecidedClaim] = [:]) -> String {
        var html =
            "<aside class=\"box claims-box\" aria-label=\"Reproduces\"><h2 class=\"box-title\">Reproduces</h2><ul>"
        for claim in claims {
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

    /// - Parameter math: the box's formulas typeset, in order (nil: show the LaTeX).
    static func differencesBox(_ markdown: String, math: [String]?) -> String {
        let protection = MathProtection(markdown, codeLines: [])
        let document = MarkdownDocument(protection.protected)
        AuthorHTML.neutralise(document)
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

    /// The chapter's Markdown as HTML, with each snippet and its actual output in place of the fenced
    /// blocks, heading anchors, and the math put back verbatim.
    ///
    /// Order matters: the Markdown is rendered with markers where snippets, boxes and the header go, the
    /// math is restored in the prose, and only then are those pieces spliced in (`HTMLSplice`), so no
    /// program output, figure, claim or manifest text passes through cmark or math restoration.
    static func chapterBody(_ checked: CheckedChapter) -> (String, [PageTemplate.Section]) {
        let parsed = checked.parsed
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
        var codeBlockIndex = 0
        var usedAnchors = Set<String>()
        var sections: [PageTemplate.Section] = []
        var sawTitle = false
        let figureNumbering = FigureNumbering(snippets: checked.chapter.snippets, outcomes: checked.outcomes)
        let figureLines = Set(checked.chapter.snippets.flatMap { $0.expectedFigures.map(\.fence.line) })
        let boxes = checked.chapter.boxes
        for node in document.allNodes() {
            if node.isHeading {
                let text = parsed.math.restore(inText: node.plainText)
                var anchor = HTML.slug(text), n = 2
                while usedAnchors.contains(anchor) { anchor = HTML.slug(text) + "-\(n)"; n += 1 }
                usedAnchors.insert(anchor)
                node.prependInlineHTML(
                    "<a class=\"anchor\" id=\"\(anchor)\" href=\"#\(anchor)\" aria-hidden=\"true\">#</a>")
                if node.headingLevel == 1, !sawTitle {
                    // The chapter's title: the summary and the original post go right under it.
                    sawTitle = true
                    node.insertAfter(htmlBlock: splice.marker(for: header(checked.chapter.source)))
                } else if node.headingLevel <= 3 {
                    sections.append(PageTemplate.Section(level: node.headingLevel, title: text, anchor: anchor))
                }
                continue
            }
            guard node.isCodeBlock else { continue }
            defer { codeBlockIndex += 1 }
            guard codeBlockIndex < parsed.codeBlocks.count else { continue }
            let line = parsed.codeBlocks[codeBlockIndex].start.line
            if line == boxes.claimsLine {
                node.replace(withHTMLBlock: splice.marker(for: claimsBox(boxes.claims, decisions: decisions(checked))))
            } else if line == boxes.differencesLine, let differences = boxes.differences {
                node.replace(
                    withHTMLBlock: splice.marker(for: differencesBox(differences, math: checked.math?.differences)))
            } else if let snippet = snippetsByLine[line] {
                let figures = figureHTML(
                    snippet, outcome: checked.outcomes[snippet.index],
                    firstNumber: figureNumbering.first[snippet.index] ?? 1)
                node.replace(
                    withHTMLBlock: splice.marker(
                        for: snippetHTML(
                            snippet, outcome: checked.outcomes[snippet.index], figures: figures,
                            links: checked.symbolLinks[snippet.index] ?? [:])))
            } else if outputLines.contains(line) || figureLines.contains(line) {
                // The expected block: the page shows the actual output under the snippet instead.
                node.replace(withHTMLBlock: "")
            }
        }
        let html = document.renderHTML()
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
        } else {
            let references = MathProtection.References(
                link: { "\\eqref{\(HTML.escape($0))}" }, plain: { "\\eqref{\($0)}" }, figureLink: figureLink,
                figurePlain: figurePlain)
            restored = parsed.math.restore(inHTML: html, references: references)
        }
        return (splice.apply(to: restored), sections)
    }

    /// The figures a snippet showed, as numbered `<figure>` elements with the chapter's captions.
    static func figureHTML(_ snippet: Snippet, outcome: SnippetOutcome?, firstNumber: Int) -> [String] {
        guard let outcome, snippet.info.mode.showsOutput else { return [] }
        return outcome.figures.enumerated().map { index, text in
            let number = firstNumber + index
            let caption = index < snippet.expectedFigures.count ? snippet.expectedFigures[index].caption : ""
            let plot = SVGPlot(text)
            let label = "Figure \(number): " + (caption.isEmpty ? plot.title : caption)
            return "<figure class=\"plot-figure\" id=\"figure-\(number)\">\(plot.svg(label: label))"
                + "<figcaption><span class=\"figure-number\">Figure \(number).</span> \(HTML.escape(caption))</figcaption></figure>"
        }
    }

    static func snippetHTML(
        _ snippet: Snippet, outcome: SnippetOutcome?, figures: [String] = [], links: [Int: String] = [:]
    ) -> String {
        let mode = snippet.info.mode
        let anchor = snippet.info.id.map { "snippet-\($0)" } ?? "snippet-\(snippet.index + 1)"
        let code =
            "<pre class=\"code\"><code class=\"language-swift\">\(SwiftHighlighter.html(snippet.code, links: links))</code></pre>"
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
