/// Numbers a chapter's display equations and resolves `\label` / `\eqref`, turning each math span into the
/// input KaTeX gets. KaTeX knows no `\label`, `\eqref` or cross-formula numbering (KaTeX issue 2003), so:
///
/// - every display equation is numbered in order, except starred environments and those with `\nonumber`
///   or `\notag`; the number stays out of KaTeX's input (a `\tag` is drawn inside the formula's box, over a
///   wide formula and scrolling with it): `Typeset` sets it beside the formula, in the book's own element;
/// - `\label{NAME}` is removed and names its equation's number; a label used twice is an error;
/// - `\eqref{NAME}` (in math) becomes `\href{#ANCHOR}{(n)}`; in prose `Render` turns it into a link; an
///   unknown name is an error at its line.
struct EquationNumbering {
    struct Equation {
        /// What KaTeX renders.
        var tex: String
        var display: Bool
        var number: Int?
        /// The `id` of the equation's element, for links.
        var anchor: String?
    }

    private(set) var equations: [Equation] = []
    /// Label → (number, anchor).
    private(set) var labels: [String: (number: Int, anchor: String)] = [:]
    private(set) var errors: [BookError] = []

    init(spans: [MathProtection.Span], path: String) {
        var number = 0
        // First pass: numbers and labels, so that an \eqref may point forward.
        var pending: [(body: String, env: String?, display: Bool, number: Int?, anchor: String?)] = []
        for span in spans {
            guard span.display else {
                pending.append((Self.stripDelimiters(span.source).body, nil, false, nil, nil))
                continue
            }
            var (body, env) = Self.stripDelimiters(span.source)
            var labelNames: [String] = []
            while let (name, range) = Self.command("label", in: body) {
                labelNames.append(name)
                body.removeSubrange(range)
            }
            let unnumbered =
                (env.map { $0.hasSuffix("*") } ?? false) || body.contains("\\nonumber") || body.contains("\\notag")
            var assigned: Int?
            var anchor: String?
            if !unnumbered {
                number += 1
                assigned = number
                anchor = labelNames.first.map(Self.anchor) ?? "equation-\(number)"
            }
            for name in labelNames {
                guard let assigned, let anchor else {
                    errors.append(
                        BookError(
                            .chapterFormat, at: SourcePosition(file: path, line: span.line),
                            "label '\(name)' is on an unnumbered equation",
                            detail: span.source, hint: "remove the star or \\nonumber, or the label"))
                    continue
                }
                if labels[name] != nil {
                    errors.append(
                        BookError(
                            .chapterFormat, at: SourcePosition(file: path, line: span.line),
                            "label '\(name)' is defined twice",
                            detail: span.source, hint: "labels name one equation each"))
                } else {
                    labels[name] = (assigned, anchor)
                }
            }
            body = body.replacingOccurrences(of: "\\nonumber", with: "").replacingOccurrences(of: "\\notag", with: "")
            pending.append((body, env, true, assigned, anchor))
        }
        // Second pass: references, then the KaTeX input.
        for (index, item) in pending.enumerated() {
            var body = item.body
            while let (name, range) = Self.command("eqref", in: body) {
                if let target = labels[name] {
                    body.replaceSubrange(range, with: "\\href{#\(target.anchor)}{(\(target.number))}")
                } else {
                    errors.append(
                        BookError(
                            .chapterFormat, at: SourcePosition(file: path, line: spans[index].line),
                            "\\eqref{\(name)} names no equation",
                            detail: spans[index].source, hint: "add \\label{\(name)} to the equation, or fix the name"))
                    body.replaceSubrange(range, with: "\\text{(??)}")
                }
            }
            let tex: String
            switch item.env {
            case nil, "equation", "equation*": tex = body
            case let env?:
                // Numbering is ours: KaTeX gets the starred form, unnumbered.
                let starred = env.hasSuffix("*") ? env : env + "*"
                tex = "\\begin{\(starred)}" + body + "\\end{\(starred)}"
            }
            equations.append(Equation(tex: tex, display: item.display, number: item.number, anchor: item.anchor))
        }
    }

    /// The anchor id for a label: `eq:softmax` → `eq-softmax`.
    static func anchor(_ label: String) -> String { HTML.slug(label) }

    /// The body of a math span without its delimiters, and the environment name for `\begin{...}` spans.
    static func stripDelimiters(_ source: String) -> (body: String, env: String?) {
        if source.hasPrefix("$$"), source.hasSuffix("$$"), source.count >= 4 {
            return (String(source.dropFirst(2).dropLast(2)), nil)
        }
        if source.hasPrefix("\\["), source.hasSuffix("\\]") { return (String(source.dropFirst(2).dropLast(2)), nil) }
        if source.hasPrefix("\\("), source.hasSuffix("\\)") { return (String(source.dropFirst(2).dropLast(2)), nil) }
        if source.hasPrefix("$"), source.hasSuffix("$"), source.count >= 2 {
            return (String(source.dropFirst().dropLast()), nil)
        }
        for env in MathProtection.displayEnvironments {
            let open = "\\begin{\(env)}", close = "\\end{\(env)}"
            if source.hasPrefix(open), source.hasSuffix(close) {
                return (String(source.dropFirst(open.count).dropLast(close.count)), env)
            }
        }
        return (source, nil)
    }

    /// The first `\NAME{argument}` in `text`: its argument and the range of the whole command.
    static func command(_ name: String, in text: String) -> (String, Range<String.Index>)? {
        guard let start = text.range(of: "\\\(name){") else { return nil }
        guard let close = text[start.upperBound...].firstIndex(of: "}") else { return nil }
        return (String(text[start.upperBound..<close]), start.lowerBound..<text.index(after: close))
    }
}
