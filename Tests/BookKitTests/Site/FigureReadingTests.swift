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
        // The live figures' first figures ("page figure-N"): their axes cover the declared limits besides the data.
        let live = Set(
            Self.chapters.1.flatMap { checked in
                let numbering = FigureNumbering(snippets: checked.chapter.snippets, outcomes: checked.outcomes)
                return checked.chapter.snippets.filter { $0.info.live != nil }.compactMap { snippet in
                    numbering.first[snippet.index].map { "\(checked.chapter.source.slug).html figure-\($0)" }
                }
            })
        #expect(live.count >= 3, "the book's live figures: \(live)")
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
                // A live figure's axes cover its declared limits besides the data (they stay put while a reader
                // moves the controls): `scale` ends them within a step of data and limits, which SVGPlotTests check.
                if !live.contains(name) {
                    #expect((figure["xOvershoot"] as? Double ?? 99) <= 1.0, "\(name): x range overshoots")
                    #expect((figure["yOvershoot"] as? Double ?? 99) <= 1.0, "\(name): y range overshoots")
                }
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

    /// Per figure: its direct labels (`text.direct-label`) measured on screen: pairs of labels that overlap, labels
    /// that leave the SVG, labels on the data (a line's segment, a marker, a band's edge), labels not in their
    /// series' colour, and the largest distance from a label to its series' last point (viewBox units); plus the
    /// series and whether a legend is drawn.
    static let labelProbe = """
        (function () {
          function meets(b, a, c) {
            // Whether the segment a-c passes through the rectangle b (Liang-Barsky).
            var low = 0, high = 1, dx = c.x - a.x, dy = c.y - a.y;
            var sides = [[-dx, a.x - b.left], [dx, b.right - a.x], [-dy, a.y - b.top], [dy, b.bottom - a.y]];
            for (var k = 0; k < 4; k++) {
              var p = sides[k][0], q = sides[k][1];
              if (p === 0) { if (q < 0) return false; } else {
                var t = q / p; if (p < 0) low = Math.max(low, t); else high = Math.min(high, t);
                if (low > high) return false; }
            }
            return true;
          }
          function inset(r, d) { return { left: r.left + d, right: r.right - d, top: r.top + d, bottom: r.bottom - d }; }
          function hit(a, b) { return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; }
          var figures = [];
          document.querySelectorAll("svg.plot").forEach(function (svg) {
            var box = svg.getBoundingClientRect(), scale = box.width / svg.viewBox.baseVal.width;
            var lines = Array.from(svg.querySelectorAll("polyline.line"));
            var paths = lines.map(function (line) {
              var m = line.getScreenCTM(), out = [];
              for (var k = 0; k < line.points.numberOfItems; k++) out.push(line.points.getItem(k).matrixTransform(m));
              return out;
            });
            Array.from(svg.querySelectorAll("polygon.band")).forEach(function (band) {
              var m = band.getScreenCTM(), out = [];
              for (var k = 0; k < band.points.numberOfItems; k++) out.push(band.points.getItem(k).matrixTransform(m));
              if (out.length) out.push(out[0]);
              paths.push(out);
            });
            var markers = Array.from(svg.querySelectorAll("g.series .marker")).map(function (e) { return e.getBoundingClientRect(); });
            var labels = Array.from(svg.querySelectorAll("text.direct-label"));
            // The text's own box, a pixel in from the font's full ascent and descent.
            var boxes = labels.map(function (t) { return inset(t.getBoundingClientRect(), 1); });
            var overlaps = 0, outside = 0, onData = 0, wrongColour = 0, distance = 0;
            for (var a = 0; a < boxes.length; a++) for (var b = a + 1; b < boxes.length; b++) if (hit(boxes[a], boxes[b])) overlaps++;
            labels.forEach(function (t, k) {
              var r = boxes[k];
              if (r.left < box.left || r.right > box.right || r.top < box.top || r.bottom > box.bottom) outside++;
              var data = markers.some(function (m) { return hit(r, m); }) || paths.some(function (path) {
                for (var j = 1; j < path.length; j++) if (meets(r, path[j - 1], path[j])) return true;
                return false; });
              if (data) onData++;
              var line = lines[+t.getAttribute("data-series")];
              if (!line || getComputedStyle(t).fill !== getComputedStyle(line).stroke) wrongColour++;
              if (line) {
                var path = paths[+t.getAttribute("data-series")], end = path[path.length - 1];
                var dx = Math.max(r.left - end.x, 0, end.x - r.right), dy = Math.max(r.top - end.y, 0, end.y - r.bottom);
                distance = Math.max(distance, Math.sqrt(dx * dx + dy * dy) / scale);
              }
            });
            figures.push({ id: svg.closest("figure").id, series: lines.length, labels: labels.length,
              legend: !!svg.querySelector(".legend"), overlaps: overlaps, outside: outside, onData: onData,
              wrongColour: wrongColour, distance: Math.round(distance * 10) / 10 });
          });
          return JSON.stringify(figures);
        })()
        """

    /// Direct labels at 1280 and 360 px: every series of the book's line figures is named at the end of its line,
    /// in its colour, within 40 viewBox units of its last point; no label overlaps another, the data or the SVG's
    /// edge; a figure with direct labels draws no legend, and one without keeps its legend.
    @Test func directLabelsAtBothWidths() throws {
        let pages = Self.chapters.1.filter { !$0.chapter.snippets.allSatisfy(\.expectedFigures.isEmpty) }
            .map { $0.chapter.source.slug + ".html" }
        let browser = try HeadlessBrowser()
        for width in [1280, 360] {
            var figures = 0, labelled = 0, labels = 0, worstDistance = 0.0
            for page in pages {
                let visit = try browser.visit(
                    Self.site.appendingPathComponent(page), width: width, evaluate: Self.labelProbe)
                #expect(visit.problems.isEmpty, "\(page): \(visit.problems)")
                let found =
                    try JSONSerialization.jsonObject(with: Data((visit.evaluation as? String ?? "[]").utf8))
                    as? [[String: Any]] ?? []
                for figure in found {
                    let name = "\(page) \(figure["id"] ?? "") at \(width) px"
                    let data = try JSONSerialization.data(withJSONObject: figure, options: [.sortedKeys])
                    print("FigureReadingTests labels \(width) px \(page): \(String(decoding: data, as: UTF8.self))")
                    figures += 1
                    let count = figure["labels"] as? Int ?? 0, series = figure["series"] as? Int ?? 0
                    labels += count
                    if count > 0 { labelled += 1 }
                    #expect(count == 0 || count == series, "\(name): \(count) labels for \(series) series")
                    #expect((figure["legend"] as? Bool ?? false) == (count == 0), "\(name): legend and direct labels")
                    #expect(figure["overlaps"] as? Int == 0, "\(name): labels overlap")
                    #expect(figure["outside"] as? Int == 0, "\(name): a label leaves the SVG")
                    #expect(figure["onData"] as? Int == 0, "\(name): a label on the data")
                    #expect(figure["wrongColour"] as? Int == 0, "\(name): a label not in its series' colour")
                    let distance = (figure["distance"] as? NSNumber)?.doubleValue ?? 99
                    worstDistance = max(worstDistance, distance)
                    #expect(distance <= 40, "\(name): a label \(distance) units from its line's end")
                }
            }
            print(
                "FigureReadingTests labels summary \(width) px: figures \(figures), with direct labels \(labelled), "
                    + "labels \(labels), farthest label \(worstDistance) units from its line's end")
            #expect(figures >= 12, "the book's figures")
            #expect(labelled * 4 >= figures * 3, "direct labels on at least three figures in four")
        }
    }

    /// Per figure: the contrast against the page's background of each series' line and of every text (the
    /// smallest of each), as WCAG's ratio.
    static let contrastProbe = """
        (function () {
          function rgb(value) { var m = value.match(/[0-9.]+/g); return m ? m.slice(0, 3).map(Number) : [0, 0, 0]; }
          function luminance(c) {
            var v = c.map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
            return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
          }
          function ratio(a, b) { var x = luminance(a), y = luminance(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }
          function background(e) {
            for (; e; e = e.parentElement) {
              var c = getComputedStyle(e).backgroundColor;
              if (c && c !== "transparent" && !/rgba\\(.*, 0\\)$/.test(c)) return rgb(c);
            }
            return [255, 255, 255];
          }
          var figures = [];
          document.querySelectorAll("svg.plot").forEach(function (svg) {
            var bg = background(svg), series = 99, text = 99;
            svg.querySelectorAll("polyline.line").forEach(function (l) { series = Math.min(series, ratio(rgb(getComputedStyle(l).stroke), bg)); });
            svg.querySelectorAll("text, tspan").forEach(function (t) {
              var own = Array.from(t.childNodes).some(function (n) { return n.nodeType === 3 && n.data.trim() !== ""; });
              if (own) text = Math.min(text, ratio(rgb(getComputedStyle(t).fill), bg));
            });
            figures.push({ id: svg.closest("figure").id, series: Math.round(series * 100) / 100, text: Math.round(text * 100) / 100 });
          });
          return JSON.stringify(figures);
        })()
        """

    /// In light and dark mode every series' line has a contrast of at least 3:1 against the page, and every text
    /// (tick labels, axis labels, title, direct labels in the series' colours) at least 4.5:1.
    @Test func figureColoursContrastInLightAndDark() throws {
        let pages = Self.chapters.1.filter { !$0.chapter.snippets.allSatisfy(\.expectedFigures.isEmpty) }
            .map { $0.chapter.source.slug + ".html" }
        let browser = try HeadlessBrowser()
        for dark in [false, true] {
            var minSeries = 99.0, minText = 99.0
            for page in pages {
                let visit = try browser.visit(
                    Self.site.appendingPathComponent(page), width: 1280, dark: dark, evaluate: Self.contrastProbe)
                if dark {
                    try visit.screenshot.write(
                        to: Self.screenshots.appendingPathComponent("\(page.dropLast(".html".count))-dark.png"))
                }
                let found =
                    try JSONSerialization.jsonObject(with: Data((visit.evaluation as? String ?? "[]").utf8))
                    as? [[String: Any]] ?? []
                for figure in found {
                    let series = (figure["series"] as? NSNumber)?.doubleValue ?? 0,
                        text = (figure["text"] as? NSNumber)?.doubleValue ?? 0
                    minSeries = min(minSeries, series)
                    minText = min(minText, text)
                    let name = "\(page) \(figure["id"] ?? "") \(dark ? "dark" : "light")"
                    #expect(series >= 3, "\(name): a series' line at \(series):1")
                    #expect(text >= 4.5, "\(name): text at \(text):1")
                }
            }
            print(
                "FigureReadingTests contrast \(dark ? "dark" : "light"): smallest series \(minSeries):1, "
                    + "smallest text \(minText):1")
        }
    }
}
