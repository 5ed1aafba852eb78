import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The book's live figures in headless Chromium, from `file://`: each module starts, and moving each control to
/// its two ends with the keyboard (End, Home: trusted events, as a reader's) redraws every series exactly where
/// the native build's values for those parameters fall, to the 0.05 px the SVG's coordinates are written with.
/// Those are the points the build checked the module at (`LiveModule.checkPoints`), so page, module and native
/// build are compared end to end. Screenshots go to `.build/book/screenshots/live-*.png`.
@Suite(.serialized) struct LiveFigureBrowserTests {
    static let root = Fixtures.packageRoot

    /// The live snippets of the real book, with their chapters and specs.
    static func liveFigures() throws -> [(page: String, snippet: Snippet, spec: LiveFigureSpec, path: String)] {
        let book = try Load.book(root: root)
        return try book.chapters.flatMap { source in
            let (chapter, _) = Extract.chapter(Parse.chapter(source))
            return try chapter.snippets.filter { $0.info.live != nil }.map { snippet in
                ("\(source.slug).html", snippet, try LiveFigureSpec.parse(snippet, file: source.path), source.path)
            }
        }
    }

    @Test(.enabled(if: HeadlessBrowser.executable() != nil, "needs chromium"))
    func movingEachControlRedrawsTheNativeValues() throws {
        let output = Self.root.appendingPathComponent(".build/book/live-site")
        var options = BookBuilder.Options(root: Self.root)
        options.output = output
        let report = try BookBuilder(options: options).build()
        #expect(report.errors.isEmpty, "\(report.errors.map(\.description).joined(separator: "\n"))")
        let figures = try Self.liveFigures()
        #expect(figures.count >= 3, "the book has its three live figures")
        let tools = try LiveTools.locate(try Toolchain.locate())
        let shots = Self.root.appendingPathComponent(".build/book/screenshots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        let browser = try HeadlessBrowser()

        for figure in figures {
            // The module and the native values, from the build's cache (the build above made them).
            let module = try LiveModule.build(
                figure.spec, snippet: figure.snippet, file: figure.path, tools: tools, packageRoot: Self.root)
            let visit = try browser.visit(
                output.appendingPathComponent(figure.page), width: 1280,
                evaluate: """
                    new Promise(function (done) {
                      var started = performance.now();
                      (function poll() {
                        var all = Array.from(document.querySelectorAll(".live-figure"));
                        var states = all.map(function (g) { return g.dataset.live || ""; });
                        if (states.every(function (s) { return s === "ready" || s === "failed"; }) || performance.now() - started > 10000)
                          done(JSON.stringify(states));
                        else setTimeout(poll, 20);
                      })();
                    })
                    """)
            #expect(visit.problems.isEmpty, "\(figure.page): \(visit.problems)")
            #expect(
                (visit.evaluation as? String).map { !$0.contains("failed") && $0.contains("ready") } == true,
                "\(figure.page): modules \(visit.evaluation ?? "none")")
            // The figure of this snippet: the live figure whose controls call this function's parameters.
            let select = """
                (function () {
                  var figures = Array.from(document.querySelectorAll(".live-figure"));
                  return figures.find(function (f) {
                    var names = Array.from(f.querySelectorAll("input[data-index]")).map(function (i) { return i.name; });
                    return names.join(",") === "\(figure.spec.controls.map(\.name).joined(separator: ","))";
                  });
                })()
                """
            var firstInteraction: String?
            for point in module.checks.dropFirst() {
                // The control that differs from the defaults, and which end it is at.
                guard
                    let index = point.parameters.indices.first(where: {
                        point.parameters[$0] != figure.spec.controls[$0].value
                    })
                else { continue }
                let atUpper = point.parameters[index] == figure.spec.controls[index].upper
                // Back to the defaults (as the reader left them), then the key on the control.
                let reset = try browser.evaluate(
                    """
                    (function () {
                      var f = \(select);
                      Array.from(f.querySelectorAll("input[data-index]")).forEach(function (input, i) {
                        input.value = [\(figure.spec.controls.map { "\($0.value)" }.joined(separator: ","))][i];
                        input.dispatchEvent(new Event("input", { bubbles: true }));
                      });
                      f.querySelectorAll("input[data-index]")[\(index)].focus();
                      return f.dataset.liveMs || "";
                    })()
                    """)
                if firstInteraction == nil { firstInteraction = reset as? String }
                try browser.press(atUpper ? "End" : "Home", code: atUpper ? "End" : "Home", keyCode: atUpper ? 35 : 36)
                let drawn =
                    try browser.evaluate(
                        """
                        (function () {
                          var f = \(select), svg = f.querySelector("svg.live-screen") || f.querySelector("svg.plot");
                          var frame = svg.getAttribute("data-frame"), x = svg.getAttribute("data-x"), y = svg.getAttribute("data-y");
                          var lines = Array.from(svg.querySelectorAll("g.series polyline")).map(function (p) { return p.getAttribute("points"); });
                          var input = f.querySelectorAll("input[data-index]")[\(index)];
                          return JSON.stringify({ frame: frame, x: x, y: y, lines: lines, value: input.value,
                                                  output: input.parentElement.querySelector("output").textContent,
                                                  error: f.dataset.liveError || "" });
                        })()
                        """) as? String ?? "{}"
                let facts = try JSONSerialization.jsonObject(with: Data(drawn.utf8)) as? [String: Any] ?? [:]
                let place =
                    "\(figure.page) \(figure.spec.function) \(LiveModule.describe(point.parameters, figure.spec))"
                #expect(Float(facts["value"] as? String ?? "") == point.parameters[index], "\(place): slider value")
                #expect((facts["error"] as? String ?? "x").isEmpty, "\(place): \(facts["error"] ?? "")")
                let expected = try #require(LiveCheckPoint.series(point.values))
                let lines = facts["lines"] as? [String] ?? []
                #expect(lines.count == expected.count, "\(place): lines and series differ in number")
                let pixel = Self.geometry(facts)
                for (k, (series, line)) in zip(expected, lines).enumerated() {
                    let want = zip(series.xs, series.ys).compactMap { pixel(Double($0), Double($1)) }
                    let got = line.split(separator: " ").map { $0.split(separator: ",").compactMap { Double($0) } }
                    #expect(
                        got.count == want.count,
                        "\(place) series \(k + 1): \(got.count) points, expected \(want.count)")
                    let worst = zip(got, want).map { max(abs($0[0] - $1.x), abs($0[1] - $1.y)) }.max() ?? 0
                    #expect(worst <= 0.051, "\(place) series \(k + 1): a point is \(worst) px from the native value")
                }
            }
            // What the README and the note report: the module's size, when it was ready, how long a redraw takes.
            let timing =
                try browser.evaluate(
                    "(function () { var f = \(select); return [f.dataset.liveReadyMs, f.dataset.liveMs, f.dataset.liveDraws].join(' '); })()"
                ) as? String ?? ""
            print(
                "live figure \(figure.spec.function): module \(module.wasm.count) bytes; ready at \(timing.split(separator: " ").first ?? "?") ms;"
                    + " first interaction redrawn in \(firstInteraction ?? "?") ms;"
                    + " last redraw \(timing.split(separator: " ").dropFirst().first ?? "?") ms after \(timing.split(separator: " ").last ?? "?") redraws"
            )
            let shot = try browser.command("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": false])
            try (Data(base64Encoded: shot["data"] as? String ?? "") ?? Data())
                .write(to: shots.appendingPathComponent("live-\(figure.spec.function).png"))
        }
    }

    /// The data → pixel map of a live SVG (`data-frame`, `data-x`, `data-y`), as `SVGPlot` and `live.js` draw.
    static func geometry(_ facts: [String: Any]) -> (Double, Double) -> (x: Double, y: Double)? {
        func numbers(_ key: String) -> [Double] {
            (facts[key] as? String ?? "").split(separator: " ").compactMap { Double($0) }
        }
        let frame = numbers("frame"), x = numbers("x"), y = numbers("y")
        guard frame.count == 4, x.count == 3, y.count == 3 else { return { _, _ in nil } }
        let xRange = (lower: x[0], upper: x[1]), yRange = (lower: y[0], upper: y[1])
        let xLog = x[2] == 1, yLog = y[2] == 1
        return { px, py in
            guard px.isFinite, py.isFinite, !xLog || px > 0, !yLog || py > 0 else { return nil }
            return (
                frame[0] + SVGPlot.position(px, xRange, log: xLog) * frame[2],
                frame[1] + (1 - SVGPlot.position(py, yRange, log: yLog)) * frame[3]
            )
        }
    }
}
