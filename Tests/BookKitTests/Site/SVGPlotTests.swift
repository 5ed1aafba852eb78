import BookTestSupport
import Testing

@testable import BookKit

@Suite struct SVGPlotTests {
    /// Kexue's `Figure.meanBand` text: the band is parsed apart from the series and drawn under it, in its colour.
    @Test func bandUnderItsSeries() {
        let text =
            "figure line\ntitle t\nx step\ny loss\nseries GP\n0.0 2.0\n1.0 6.0\nband GP\n0.0 1.0 3.0\n1.0 4.0 8.0\n"
        let plot = SVGPlot(text)
        #expect(plot.series.count == 1 && plot.series[0].points.count == 2)
        #expect(plot.bands.count == 1 && plot.bands[0].name == "GP" && plot.bands[0].points.count == 2)
        let svg = plot.svg(label: "Figure 1")
        let polygon = svg.range(of: "<polygon class=\"series-0 band\""),
            line = svg.range(of: "<polyline class=\"series-0 line\"")
        #expect(polygon != nil && line != nil)
        if let polygon, let line { #expect(polygon.lowerBound < line.lowerBound) }
        // The band's extremes (1 and 8) are inside the y axis: a tick at 8 is drawn.
        #expect(svg.contains(">8</text>"))
    }

    /// A figure without bands draws no polygon and parses as before.
    @Test func noBandNoPolygon() {
        let plot = SVGPlot("figure line\ntitle t\nx x\ny y\nseries a\n1.0 1.0\n2.0 4.0\n")
        #expect(plot.bands.isEmpty && plot.series[0].points.count == 2)
        #expect(!plot.svg(label: "f").contains("<polygon"))
    }

    /// Linear axes start and end on 1-2-5 ticks next to the data: less than one step beyond it on either side,
    /// at least four ticks.
    @Test func linearScaleIsTightAndNice() {
        let cases: [(Double, Double, [Double])] = [
            (0.37, 9.2, [0, 2, 4, 6, 8, 10]), (0, 1990, [0, 500, 1000, 1500, 2000]),
            (2.05, 2.81, [2, 2.2, 2.4, 2.6, 2.8, 3]), (-3, 4.5, [-4, -2, 0, 2, 4, 6]),
            (0.61, 0.78, [0.6, 0.65, 0.7, 0.75, 0.8]),
        ]
        for (lower, upper, expected) in cases {
            let (range, ticks) = SVGPlot.scale((lower, upper), log: false)
            #expect(ticks == expected, "\(lower)...\(upper)")
            #expect(range.lower == ticks.first && range.upper == ticks.last)
            let step = ticks[1] - ticks[0]
            #expect(lower - range.lower < step && range.upper - upper < step && ticks.count >= 4)
        }
        // Constant data still gets an axis around it.
        #expect(SVGPlot.scale((5, 5), log: false).ticks.count >= 2)
    }

    /// Log axes: powers of ten over many decades (every k-th when there are too many), 1-2-5 or 1-9 per decade
    /// over few, linear steps within one decade; always at least four ticks, the range ending on ticks.
    @Test func logScaleHasFourTicksAndEndsNextToTheData() {
        #expect(SVGPlot.scale((0.003, 42), log: true).ticks == [0.001, 0.01, 0.1, 1, 10, 100])
        #expect(SVGPlot.scale((10, 200), log: true).ticks == [10, 20, 50, 100, 200])
        #expect(SVGPlot.scale((1.5, 9), log: true).ticks == [1, 2, 5, 10])
        #expect(SVGPlot.scale((3.5, 9), log: true).ticks == [3, 4, 5, 6, 7, 8, 9])
        #expect(SVGPlot.scale((2.1, 2.8), log: true).ticks.count >= 4)
        let wide = SVGPlot.scale((1e-12, 1e12), log: true).ticks
        #expect(wide.count >= 4 && wide.count <= 7 && wide.first! <= 1e-12 && wide.last! >= 1e12)
        for (lower, upper) in [(0.013, 0.9), (2.1, 2.8), (0.1, 0.52), (3e-5, 7e3)] {
            let ticks = SVGPlot.scale((lower, upper), log: true).ticks
            #expect(ticks.count >= 4 && ticks.allSatisfy { $0 > 0 }, "\(lower)...\(upper): \(ticks)")
            #expect(ticks.first! <= lower && ticks[1] > lower && ticks.last! >= upper && ticks[ticks.count - 2] < upper)
        }
    }

    /// Axis limits (`ylimits`, a live figure's) widen the axes to cover them besides the data, ending within a tick
    /// step of both; a live SVG says where its frame is and which ranges its axes show, and a figure without
    /// limits renders exactly as before they existed.
    @Test func limitsWidenTheAxesAndALiveSVGSaysWhere() throws {
        let plain = "figure line\ntitle T\nx n\ny v\nseries a\n1 2\n2 3\n3 2.5\n"
        let limited = plain.replacingOccurrences(of: "y v\n", with: "y v\nylimits 0.0 20.0\nxlimits 0.5 3.0\n")
        #expect(SVGPlot(limited).yLimits! == (0, 20) && SVGPlot(limited).xLimits! == (0.5, 3))
        let live = SVGPlot(limited).svg(label: "L", live: true)
        func attribute(_ name: String, in svg: String) -> [Double] {
            guard let start = svg.range(of: " \(name)=\"") else { return [] }
            let rest = svg[start.upperBound...]
            return rest[..<rest.firstIndex(of: "\"")!].split(separator: " ").compactMap { Double($0) }
        }
        let y = attribute("data-y", in: live), x = attribute("data-x", in: live)
        #expect(y == [0, 20, 0], "the y axis covers the limits: \(y)")
        #expect(x.count == 3 && x[0] <= 0.5 && x[1] >= 3 && x[2] == 0, "the x axis covers the limits: \(x)")
        #expect(attribute("data-frame", in: live).count == 4)
        #expect(SVGPlot(plain).svg(label: "P") == SVGPlot(plain).svg(label: "P", live: false))
        #expect(!SVGPlot(limited).svg(label: "L").contains("data-frame"), "only a live figure says where")
        // Limits that are not two ordered numbers are ignored, not trusted.
        #expect(SVGPlot(plain.replacingOccurrences(of: "y v\n", with: "y v\nylimits 5 1\n")).yLimits == nil)
    }

    /// Each series has its own dash pattern and marker shape, drawn on the line and in the legend.
    @Test func seriesDifferWithoutColour() {
        var text = "figure line\ntitle t\nx x\ny y\n"
        for name in ["a", "b", "c", "d", "e", "f"] { text += "series \(name)\n1 1\n2 2\n3 1\n" }
        let svg = SVGPlot(text).svg(label: "f")
        #expect(Set(SVGPlot.dashes).count == 6 && Set(SVGPlot.shapes).count == 6)
        for index in 1..<6 { #expect(svg.contains("stroke-dasharray=\"\(SVGPlot.dashes[index])\"")) }
        for shape in SVGPlot.shapes {
            // On the lines and in the legend.
            #expect(svg.components(separatedBy: shape + "\"/>").count - 1 >= 2)
        }
        #expect(svg.contains("<g class=\"legend\">"))
    }

    /// `W_l` is W with a subscript l; `x_{ij}` x with ij; everything is escaped; a lone or spaced `_` stays.
    @Test func subscriptsAreMarkedUpAndEscaped() {
        let sub: (String) -> String = { "<tspan class=\"sub\" baseline-shift=\"sub\">\($0)</tspan>" }
        #expect(SVGPlot.markup("Σ‖∂L/∂W_l‖²") == "Σ‖∂L/∂W" + sub("l") + "‖²")
        #expect(SVGPlot.markup("x_{i<j}&") == "x" + sub("i&lt;j") + "&amp;")
        #expect(SVGPlot.markup("a _ b, snake_") == "a _ b, snake_")
        #expect(SVGPlot.markup("<b>") == "&lt;b&gt;")
        let svg = SVGPlot("figure line\ntitle <t>\nx layer l\ny ‖∂L/∂W_l‖ [log]\nseries a&b\n1 1\n2 3\n")
            .svg(label: "Figure 1: <x> & \"y\"")
        #expect(svg.contains("∂W" + sub("l") + "‖ (log)") && svg.contains("&lt;t&gt;") && svg.contains("a&amp;b"))
        #expect(!svg.contains("<t>") && !svg.contains("W_l"))
    }

    /// The accessible name is both `aria-label` and an (unescaped) `<title>` element, the figure's first child.
    @Test func accessibleName() {
        let svg = SVGPlot("figure line\ntitle t\nx x\ny y\nseries a\n1 1\n2 2\n").svg(label: "Figure 2: A & B")
        #expect(svg.contains("role=\"img\" aria-label=\"Figure 2: A &amp; B\"><title>Figure 2: A &amp; B</title>"))
    }

    /// A long title is wrapped into lines that fit the viewBox.
    @Test func longTitlesWrap() {
        let lines = SVGPlot.wrap(
            "Training loss, 16 post-norm sublayers, Adam 1e-3 (mean and 95% CI, 8 seeds), and more words", size: 16)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { Double($0.count) * 16 * SVGPlot.advance <= SVGPlot.width - 20 })
    }

    /// Two series that end at the same point: their labels are nudged apart (no overlap), both stay within
    /// `maxDistance` of the end, in the column right of the data; the legend goes.
    @Test func directLabelsResolveCollisions() {
        let svg = SVGPlot("figure line\ntitle t\nx x\ny y\nseries alpha\n0 0\n10 5\nseries beta\n0 10\n10 5\n")
            .svg(label: "f")
        #expect(svg.contains("<g class=\"direct-labels\">") && !svg.contains("class=\"legend\""))
        #expect(svg.contains(">alpha</text>") && svg.contains(">beta</text>"))
        let centres = SVGPlot.directLabelBaselines(svg)
        #expect(centres.count == 2)
        if centres.count == 2 { #expect(abs(centres[0] - centres[1]) >= SVGPlot.textSize * 1.2) }
        // The stacking itself: three blocks wanting one place end up apart, in order, inside the range.
        let stacked = DirectLabels.stack(desired: [50, 50, 50], heights: [20, 20, 20], within: 0...100)
        #expect(stacked == [30, 50, 70])
        #expect(DirectLabels.stack(desired: [5, 6], heights: [20, 20], within: 0...100) == [10, 30])
        // Too many for the room: nil.
        #expect(DirectLabels.stack(desired: [50, 50, 50], heights: [40, 40, 40], within: 0...100) == nil)
    }

    /// Labels that cannot be placed near their line's end (six long names ending at one point) fall back to the
    /// legend, with no direct label at all; the description names the series either way.
    @Test func directLabelsFallBackToTheLegend() {
        var text = "figure line\ntitle t\nx x\ny y\n"
        for k in 0..<6 { text += "series a rather long series name \(k)\n0 \(k)\n10 5\n" }
        let svg = SVGPlot(text).svg(label: "f")
        #expect(!svg.contains("direct-label") && svg.contains("<g class=\"legend\">"))
        #expect(svg.contains("<desc>Series: a rather long series name 0; "))
        // A box on the data is refused; a free one accepted.
        var placer = DirectLabels(
            textSize: 15, charWidth: 9, plot: .init(minX: 0, minY: 0, maxX: 100, maxY: 100), margin: nil)
        placer.segments = [((0, 50), (100, 50))]
        #expect(placer.hitsData(.init(minX: 10, minY: 40, maxX: 30, maxY: 60)))
        #expect(!placer.hitsData(.init(minX: 10, minY: 10, maxX: 30, maxY: 30)))
    }
}
