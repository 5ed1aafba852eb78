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
}
