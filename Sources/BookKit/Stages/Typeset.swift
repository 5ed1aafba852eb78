import Foundation

/// A chapter's math, typeset: the HTML of each math span and the equation labels.
public struct TypesetMath: Sendable {
    /// Per math span (in `MathProtection.spans` order): the HTML to put in its place.
    var html: [String]
    /// Label → (number, anchor), for `\eqref` in prose.
    var labels: [String: (number: Int, anchor: String)]
    /// The inline math of the ```differences box, typeset (its Markdown is rendered on its own).
    var differences: [String] = []
    /// The ids the typeset formulas define (numbered displays), for the page's `PageContents`.
    var anchors: [String] = []
    /// The `\href` targets inside typeset formulas (`\eqref` in math becomes one), with the formula's line.
    var links: [(target: String, line: Int)] = []

    /// The targets of the `\href{TARGET}` commands of a formula's TeX (what KaTeX turns into links).
    static func hrefTargets(_ tex: String) -> [String] {
        var targets: [String] = []
        var rest = tex[...]
        while let start = rest.range(of: "\\href{") {
            guard let close = rest[start.upperBound...].firstIndex(of: "}") else { break }
            targets.append(String(rest[start.upperBound..<close]))
            rest = rest[close...]
        }
        return targets
    }
}

/// Stage 6½, between check and render: numbers equations, resolves labels and renders all math with
/// KaTeX. Label and KaTeX errors are located chapter errors; a missing KaTeX is an environment error.
/// Disk: runs KaTeX (node) for formulas not yet cached, and caches each under `.build/book/katex/`.
public enum Typeset {
    public static func chapters(_ chapters: [CheckedChapter], packageRoot: URL) throws(BookError) -> [CheckedChapter] {
        try self.chapters(chapters, math: .katex(packageRoot: packageRoot))
    }

    /// - Parameter math: renders the formulas (KaTeX in a build; tests may put a readable stand-in here).
    static func chapters(_ chapters: [CheckedChapter], math: MathRenderer) throws(BookError) -> [CheckedChapter] {
        var chapters = chapters
        var numberings: [EquationNumbering] = []
        var formulas: [KaTeX.Formula] = []
        var boxFormulas: [[KaTeX.Formula]] = []
        for chapter in chapters {
            let numbering = EquationNumbering(spans: chapter.parsed.math.spans, path: chapter.parsed.source.path)
            numberings.append(numbering)
            formulas += numbering.equations.map { KaTeX.Formula(tex: $0.tex, display: $0.display) }
            let boxSpans = MathProtection(chapter.chapter.boxes.differences ?? "", codeLines: []).spans
            boxFormulas.append(
                boxSpans.map {
                    KaTeX.Formula(tex: EquationNumbering.stripDelimiters($0.source).body, display: $0.display)
                })
        }
        let boxStart = formulas.count
        formulas += boxFormulas.flatMap { $0 }
        let rendered = formulas.isEmpty ? [] : try math.render(formulas)
        var offset = 0
        for (c, numbering) in numberings.enumerated() {
            let spans = chapters[c].parsed.math.spans
            var html: [String] = []
            var anchors: [String] = []
            var links: [(target: String, line: Int)] = []
            var errors = numbering.errors
            for (s, equation) in numbering.equations.enumerated() {
                switch rendered[offset + s] {
                case .success(let output):
                    links += TypesetMath.hrefTargets(equation.tex).map { (target: $0, line: spans[s].line) }
                    if equation.display, let number = equation.number {
                        if let anchor = equation.anchor { anchors.append(anchor) }
                        // The number beside the formula's box, not in it: the formula scrolls alone and the
                        // number never lies over it (style.css sets it on its own line when both do not fit).
                        let id = equation.anchor.map { " id=\"\($0)\"" } ?? ""
                        html.append(
                            "<span class=\"equation numbered\"\(id)><span class=\"equation-body\">\(output)</span>"
                                + "<span class=\"equation-number\">(\(number))</span></span>")
                    } else if equation.display {
                        html.append("<span class=\"equation\">\(output)</span>")
                    } else {
                        html.append(output)
                    }
                case .failure(let error):
                    errors.append(
                        BookError(
                            .chapterFormat,
                            at: SourcePosition(file: chapters[c].parsed.source.path, line: spans[s].line),
                            "KaTeX cannot render this formula: \(error.message)",
                            detail: spans[s].source,
                            hint:
                                "KaTeX supports most of LaTeX math (see its list of supported functions); \\label and \\eqref are handled by the book"
                        ))
                    html.append("<span class=\"math-error\">\(HTML.escape(spans[s].source))</span>")
                }
            }
            offset += numbering.equations.count
            for reference in chapters[c].parsed.math.references where numbering.labels[reference.name] == nil {
                errors.append(
                    BookError(
                        .chapterFormat, at: SourcePosition(file: chapters[c].parsed.source.path, line: reference.line),
                        "\\eqref{\(reference.name)} names no equation",
                        hint: "add \\label{\(reference.name)} to the equation, or fix the name"))
            }
            // \figref: figures are numbered from the chapter's snippets (declared and shown figures).
            errors += FigureNumbering(snippets: chapters[c].chapter.snippets, outcomes: chapters[c].outcomes)
                .errors(chapters[c].parsed.math.figureReferences, path: chapters[c].parsed.source.path)
            let boxOffset = boxStart + boxFormulas[..<c].reduce(0) { $0 + $1.count }
            let differences = boxFormulas[c].indices.map { i -> String in
                if case .success(let output) = rendered[boxOffset + i] {
                    let line = chapters[c].chapter.boxes.differencesLine ?? 1
                    links += TypesetMath.hrefTargets(boxFormulas[c][i].tex).map { (target: $0, line: line) }
                    return output
                }
                errors.append(
                    BookError(
                        .chapterFormat,
                        at: SourcePosition(
                            file: chapters[c].parsed.source.path, line: chapters[c].chapter.boxes.differencesLine ?? 1),
                        "KaTeX cannot render a formula of the differences box", detail: boxFormulas[c][i].tex))
                return HTML.escape(boxFormulas[c][i].tex)
            }
            chapters[c].math = TypesetMath(
                html: html, labels: numbering.labels, differences: differences, anchors: anchors, links: links)
            chapters[c].errors = (chapters[c].errors + errors).sorted {
                ($0.location?.line ?? 0, $0.location?.column ?? 0) < ($1.location?.line ?? 0, $1.location?.column ?? 0)
            }
        }
        return chapters
    }

    /// KaTeX's stylesheet and fonts, for `Site.copies`.
    static func assetCopies() -> [String: URL] {
        var copies = ["katex/katex.min.css": KaTeX.assets.appendingPathComponent("katex.min.css")]
        let fonts = KaTeX.assets.appendingPathComponent("fonts").resolvingSymlinksInPath()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: fonts.path)) ?? []
        where name.hasPrefix("KaTeX_") {
            copies["katex/fonts/\(name)"] = fonts.appendingPathComponent(name)
        }
        return copies
    }
}
