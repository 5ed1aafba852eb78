import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// How the book's figures read on a phone (issue 16, "figures on phones"): in headless Chromium at 360 px, on the
/// real book's chapter pages rendered without running anything (each snippet shows its recorded output and its
/// recorded ```figure blocks, as `book build` shows them when nothing changed), like `ReadingTests`. The test
/// prints its figures (`swift test --filter FigureReadingTests` shows them).
@Suite(.serialized, .enabled(if: HeadlessBrowser.executable() != nil, "needs chromium"))
struct FigureReadingTests {
    /// The real book's chapters with figures, parsed and extracted, each snippet showing its recorded blocks.
    static let chapters: (Book, [CheckedChapter]) = RecordedBook.chapters()

    /// The site of those pages, written once per test process (to `.build/book/figure-site`); screenshots go to
    /// `.build/book/figure-screenshots`.
    static let site: URL = RecordedBook.writeSite(chapters.0, chapters.1, name: "figure", screenshots: screenshots)

    static let screenshots = Fixtures.packageRoot.appendingPathComponent(".build/book/figure-screenshots")

    /// Per figure: the smallest rendered font size of its text (px on screen), the pairs of series that look
    /// the same without colour (same dash pattern and marker shape), the ticks per axis, the largest gap between
    /// the data and the axis's end as a multiple of the neighbouring tick step, raw `_` subscripts in its text,
    /// and whether its accessible name and `<title>` survived.
    static let probe = """
        (function () {
          var figures = [];
          document.querySelectorAll("svg.plot").forEach(function (svg) {
            var scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width, minFont = 1e9;
            svg.querySelectorAll("text, tspan").forEach(function (t) {
              var own = Array.from(t.childNodes).some(function (n) { return n.nodeType === 3 && n.data.trim() !== ""; });
              if (own) minFont = Math.min(minFont, parseFloat(getComputedStyle(t).fontSize) * scale);
            });
            var signatures = [];
            for (var i = 0; i < 6; i++) {
              var parts = Array.from(svg.querySelectorAll(".series-" + i)).filter(function (e) {
                return !e.closest(".legend") && !e.classList.contains("band") && e.tagName !== "g"; });
              if (parts.length === 0) continue;
              var line = parts.find(function (e) { return e.classList.contains("line"); });
              var marker = parts.find(function (e) { return e.classList.contains("marker") || e.tagName === "circle"; });
              var shape = !marker ? "none" : marker.tagName === "circle" ? "circle" : marker.getAttribute("d").replace(/^M[-0-9.,\\s]+/, "");
              signatures.push((line ? getComputedStyle(line).strokeDasharray : "none") + "|" + shape);
            }
            var same = 0;
            for (var a = 0; a < signatures.length; a++) for (var b = a + 1; b < signatures.length; b++) if (signatures[a] === signatures[b]) same++;
            var frame = svg.querySelector("rect.frame"), fx = +frame.getAttribute("x"), fy = +frame.getAttribute("y");
            var fw = +frame.getAttribute("width"), fh = +frame.getAttribute("height");
            var xt = [], yt = [];
            svg.querySelectorAll("line.grid").forEach(function (l) {
              if (l.getAttribute("x1") === l.getAttribute("x2")) xt.push(+l.getAttribute("x1")); else yt.push(+l.getAttribute("y1"));
            });
            xt.sort(function (p, q) { return p - q; }); yt.sort(function (p, q) { return p - q; });
            var px = [], py = [];
            svg.querySelectorAll("polyline.line, polygon.band").forEach(function (e) {
              if (e.closest(".legend")) return;
              e.getAttribute("points").trim().split(/\\s+/).forEach(function (p) { var c = p.split(","); px.push(+c[0]); py.push(+c[1]); });
            });
            function overshoot(ticks, low, high, dataLow, dataHigh) {
              if (ticks.length < 2) return 99;
              var first = ticks[1] - ticks[0], last = ticks[ticks.length - 1] - ticks[ticks.length - 2];
              return Math.max((dataLow - low) / first, (high - dataHigh) / last);
            }
            // The issue's measure: how far the axis runs past the data, as a fraction of the data's extent.
            function beyond(low, high, dataLow, dataHigh) { return (high - low) / Math.max(1e-9, dataHigh - dataLow) - 1; }
            var leaks = 0;
            svg.querySelectorAll("text").forEach(function (t) { if (/\\S_[A-Za-z0-9{]/.test(t.textContent)) leaks++; });
            var title = svg.querySelector(":scope > title");
            figures.push({ id: svg.closest("figure").id, minFont: Math.round(minFont * 100) / 100, sameLooking: same,
              series: signatures.length, xTicks: xt.length, yTicks: yt.length,
              xOvershoot: Math.round(overshoot(xt, fx, fx + fw, Math.min.apply(null, px), Math.max.apply(null, px)) * 100) / 100,
              yOvershoot: Math.round(overshoot(yt, fy, fy + fh, Math.min.apply(null, py), Math.max.apply(null, py)) * 100) / 100,
              xBeyond: Math.round(beyond(fx, fx + fw, Math.min.apply(null, px), Math.max.apply(null, px)) * 100) / 100,
              yBeyond: Math.round(beyond(fy, fy + fh, Math.min.apply(null, py), Math.max.apply(null, py)) * 100) / 100,
              rawSubscripts: leaks,
              named: svg.getAttribute("role") === "img" && !!svg.getAttribute("aria-label") && !!title
                && title.textContent === svg.getAttribute("aria-label") });
          });
          return JSON.stringify({ figures: figures, escapedTitles: (document.body.innerHTML.match(/&lt;title&gt;/g) || []).length });
        })()
        """

    /// At 360 px every figure's text is 9 px or more, no two series of a figure look alike without colour,
    /// every axis has at least four ticks and ends within one tick step of the data, no raw `W_l` is shown,
    /// and each figure keeps its accessible name (`role="img"`, `aria-label` and an unescaped `<title>`).
    @Test func figuresReadOnAPhone() throws {
        let pages = Self.chapters.1.filter { !$0.chapter.snippets.allSatisfy(\.expectedFigures.isEmpty) }
            .map { $0.chapter.source.slug + ".html" }
        #expect(pages.count >= 5, "the book's figure pages")
        let browser = try HeadlessBrowser()
        var all: [[String: Any]] = []
        for page in pages {
            let visit = try browser.visit(Self.site.appendingPathComponent(page), width: 360, evaluate: Self.probe)
            #expect(visit.problems.isEmpty, "\(page): \(visit.problems)")
            try visit.screenshot.write(
                to: Self.screenshots.appendingPathComponent("\(page.dropLast(".html".count))-360.png"))
            let found =
                try JSONSerialization.jsonObject(with: Data((visit.evaluation as? String ?? "{}").utf8))
                as? [String: Any] ?? [:]
            #expect(found["escapedTitles"] as? Int == 0, "\(page): an escaped <title>")
            for figure in found["figures"] as? [[String: Any]] ?? [] {
                var row = figure
                row["page"] = page
                all.append(row)
                let data = try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys])
                print("FigureReadingTests 360 px: \(String(decoding: data, as: UTF8.self))")
                let name = "\(page) \(figure["id"] ?? "")"
                #expect((figure["minFont"] as? Double ?? 0) >= 9, "\(name): text below 9 px")
                #expect(figure["sameLooking"] as? Int == 0, "\(name): series alike without colour")
                #expect((figure["xTicks"] as? Int ?? 0) >= 4 && (figure["yTicks"] as? Int ?? 0) >= 4, "\(name): ticks")
                #expect((figure["xOvershoot"] as? Double ?? 99) <= 1.0, "\(name): x range overshoots")
                #expect((figure["yOvershoot"] as? Double ?? 99) <= 1.0, "\(name): y range overshoots")
                #expect(figure["rawSubscripts"] as? Int == 0, "\(name): a raw subscript")
                #expect(figure["named"] as? Bool == true, "\(name): accessible name")
            }
        }
        #expect(all.count >= 10, "the book's figures")
        func worst(_ key: String, _ pick: ([Double]) -> Double?) -> Double {
            pick(all.compactMap { ($0[key] as? NSNumber)?.doubleValue }) ?? -1
        }
        print(
            "FigureReadingTests summary: figures \(all.count), min font \(worst("minFont") { $0.min() }) px, "
                + "same-looking pairs \(worst("sameLooking") { $0.reduce(0, +) }), fewest ticks "
                + "\(min(worst("xTicks") { $0.min() }, worst("yTicks") { $0.min() })), worst overshoot "
                + "\(max(worst("xOvershoot") { $0.max() }, worst("yOvershoot") { $0.max() })) steps, axis past the data by "
                + "\(max(worst("xBeyond") { $0.max() }, worst("yBeyond") { $0.max() })) of its extent at most, raw subscripts "
                + "\(worst("rawSubscripts") { $0.reduce(0, +) })")
    }
}
