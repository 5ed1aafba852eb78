import Foundation

/// Live: builds and checks the WebAssembly module of every `live=` snippet of a chapter (`LiveModule`), and
/// checks that the figure the snippet shows is its function at the defaults. Runs after Check, which produced
/// that figure.
enum Live {
    /// The chapter's live figures by snippet index, and the errors found (at the snippets).
    static func chapter(
        _ chapter: Chapter, outcomes: [Int: SnippetOutcome], packageRoot: URL, toolchain: Toolchain,
        slots: WorkSlots
    ) throws(BookError) -> (figures: [Int: LiveFigure], errors: [BookError]) {
        let live = chapter.snippets.filter { $0.info.live != nil }
        guard !live.isEmpty else { return ([:], []) }
        let tools = try LiveTools.locate(toolchain)
        let memo = SyntaxMemo(packageRoot: packageRoot)
        var figures: [Int: LiveFigure] = [:], errors: [BookError] = []
        for snippet in live {
            do throws(BookError) {
                let spec: LiveFigureSpec
                if let memo {
                    spec = try memo.liveSpec(snippet, file: chapter.source.path)
                } else {
                    spec = try LiveFigureSpec.parse(snippet, file: chapter.source.path)
                }
                let module = try slots.run { () throws(BookError) in
                    try LiveModule.build(
                        spec, snippet: snippet, file: chapter.source.path, tools: tools, packageRoot: packageRoot)
                }
                if let outcome = outcomes[snippet.index], outcome.ran {
                    try staticFigureMatches(spec, module, snippet: snippet, outcome: outcome)
                }
                figures[snippet.index] = LiveFigure(spec: spec, module: module)
            } catch  where error.kind == .environment {
                throw error
            } catch {
                errors.append(error)
            }
        }
        return (figures, errors)
    }

    /// The snippet's first figure must be the function's plot at the defaults: the page starts from that
    /// figure and redraws it, so a snippet that shows something else would make the controls lie.
    static func staticFigureMatches(
        _ spec: LiveFigureSpec, _ module: LiveModule, snippet: Snippet, outcome: SnippetOutcome
    ) throws(BookError) {
        let at = snippet.info.livePosition ?? snippet.fence
        guard let text = outcome.figures.first else {
            throw BookError(
                .output, at: at, "live figure '\(spec.function)': the snippet shows no figure",
                hint: "end the snippet with \(spec.function)().show(): the page starts from that figure")
        }
        let plot = SVGPlot(text)
        let shown = plot.series.map { s in
            (xs: s.points.map { Float($0.x) }, ys: s.points.map { Float($0.y) })
        }
        var encoded: [Float] = [Float(shown.count)]
        for s in shown { encoded += [Float(s.xs.count)] + s.xs + s.ys }
        let tolerance = snippet.info.tolerance ?? LiveModule.defaultTolerance
        if plot.kind != "line" || module.checks.isEmpty
            || LiveModule.compare(native: module.checks[0].values, wasm: encoded, tolerance: tolerance) != nil
        {
            let difference =
                module.checks.first.flatMap {
                    LiveModule.compare(native: $0.values, wasm: encoded, tolerance: tolerance)
                } ?? "a \(plot.kind) figure"
            throw BookError(
                .output, at: at,
                "live figure '\(spec.function)': the snippet's first figure is not \(spec.function)() at its defaults",
                detail: difference.replacingOccurrences(of: "in WebAssembly", with: "in the figure shown"),
                hint: "show the static figure with \(spec.function)().show(), before any other figure of the snippet")
        }
    }
}

/// A checked live figure, ready for its page.
struct LiveFigure: Sendable, Hashable {
    var spec: LiveFigureSpec
    var module: LiveModule

    /// The controls and the module, placed inside the figure's `<figure>` after its caption. The form is
    /// `hidden` until `live.js` has the module running, so a page without scripts (or in print) shows the static
    /// figure and nothing dead.
    func controlsHTML(figureNumber: Int) -> String {
        var out = "<form class=\"live-controls\" hidden aria-label=\"Controls of figure \(figureNumber)\">"
        for (index, control) in spec.controls.enumerated() {
            let value = Self.format(control.value, step: control.step)
            out +=
                "<label><span class=\"live-name\">\(HTML.escape(control.label))</span> "
                + "<input type=\"range\" name=\"\(HTML.escape(control.name))\" min=\"\(Self.format(control.lower, step: control.step))\""
                + " max=\"\(Self.format(control.upper, step: control.step))\" step=\"\(Self.format(control.step, step: control.step))\""
                + " value=\"\(value)\" data-index=\"\(index)\"> <output>\(value)</output></label>"
        }
        out += "</form>"
        out +=
            "<script type=\"application/wasm;base64\" class=\"live-module\">\(Data(module.wasm).base64EncodedString())</script>"
        return out
    }

    /// A value with as many decimals as the step has (at most 6): `0.25`, `64`.
    static func format(_ value: Float, step: Float) -> String {
        var decimals = 0, scaled = Double(step)
        while decimals < 6, abs(scaled - scaled.rounded()) > 1e-6 * max(1, abs(scaled)) {
            decimals += 1
            scaled *= 10
        }
        return String(format: "%.\(decimals)f", Double(value))
    }
}
