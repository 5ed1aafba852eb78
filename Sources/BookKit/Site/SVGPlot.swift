import Foundation

/// Renders the text a snippet's `Figure.show()` produced (see Kexue's `Figure`) as inline SVG.
///
/// Colours come from CSS classes (`series-0`...), so the site's stylesheet styles the figures in light and
/// dark mode alike; the SVG scales to the column width. Log axes draw powers of ten; linear axes draw
/// 1-2-5 ticks.
struct SVGPlot {
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
    }

    var kind = "line"
    var title = ""
    var xLabel = "", yLabel = ""
    var xLog = false, yLog = false
    var series: [Series] = []
    /// Shaded bands (`band NAME`, then `x lower upper` lines): drawn under the series of the same name, in its colour.
    var bands: [(name: String, points: [(x: Double, lower: Double, upper: Double)])] = []
    var rows: [[Double]] = []

    /// Parses the figure text; unknown lines are ignored (the data check catches real drift).
    init(_ text: String) {
        var inBand = false
        for line in text.split(separator: "\n") {
            let (head, rest) = Self.split(line)
            switch head {
            case "figure": kind = rest
            case "title": title = rest
            case "x": (xLabel, xLog) = Self.axis(rest)
            case "y": (yLabel, yLog) = Self.axis(rest)
            case "series": series.append(Series(name: rest, points: [])); inBand = false
            case "band": bands.append((rest, [])); inBand = true
            case "row": rows.append(rest.split(separator: " ").compactMap { Double($0) })
            default:
                let numbers = line.split(separator: " ").compactMap { Double($0) }
                if inBand {
                    if numbers.count == 3 { bands[bands.count - 1].points.append((numbers[0], numbers[1], numbers[2])) }
                } else if numbers.count == 2, !series.isEmpty {
                    series[series.count - 1].points.append((numbers[0], numbers[1]))
                }
            }
        }
    }

    private static func split(_ line: Substring) -> (String, String) {
        guard let space = line.firstIndex(of: " ") else { return (String(line), "") }
        return (String(line[..<space]), String(line[line.index(after: space)...]))
    }

    private static func axis(_ text: String) -> (String, Bool) {
        text.hasSuffix(" [log]") ? (String(text.dropLast(6)), true) : (text, false)
    }

    // MARK: Drawing

    static let width = 640.0, height = 380.0
    static let left = 70.0, right = 20.0, top = 40.0, bottom = 52.0

    /// - Parameter label: the accessible name (figure number and caption).
    func svg(label: String) -> String {
        var out =
            "<svg class=\"plot\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" role=\"img\" aria-label=\"\(HTML.escape(label))\">"
        out += "<title>\(HTML.escape(label))</title>"
        out +=
            "<text class=\"plot-title\" x=\"\(f(Self.width / 2))\" y=\"22\" text-anchor=\"middle\">\(HTML.escape(title))</text>"
        out += kind == "heatmap" ? heatmap() : chart()
        return out + "</svg>"
    }

    private var plotWidth: Double { Self.width - Self.left - Self.right }
    private var plotHeight: Double { Self.height - Self.top - Self.bottom }

    private func chart() -> String {
        let bandPoints = bands.flatMap(\.points).filter { $0.x.isFinite && $0.lower.isFinite && $0.upper.isFinite }
        let points = series.flatMap(\.points) + bandPoints.flatMap { [(x: $0.x, y: $0.lower), (x: $0.x, y: $0.upper)] }
        let xs = points.map(\.x).filter { !xLog || $0 > 0 }, ys = points.map(\.y).filter { !yLog || $0 > 0 }
        guard !xs.isEmpty, !ys.isEmpty else { return "" }
        var xRange = Self.range(xs, log: xLog, pad: kind == "bar" ? 0.5 : 0)
        var yRange = Self.range(ys, log: yLog, pad: 0)
        if kind == "bar", !yLog { yRange.lower = min(yRange.lower, 0) }
        if kind == "bar" { xRange = (xRange.lower, xRange.upper) }
        let xTicks = Self.ticks(xRange, log: xLog), yTicks = Self.ticks(yRange, log: yLog)
        xRange = (min(xRange.lower, xTicks.first ?? xRange.lower), max(xRange.upper, xTicks.last ?? xRange.upper))
        yRange = (min(yRange.lower, yTicks.first ?? yRange.lower), max(yRange.upper, yTicks.last ?? yRange.upper))
        func px(_ x: Double) -> Double { Self.left + Self.position(x, xRange, log: xLog) * plotWidth }
        func py(_ y: Double) -> Double { Self.top + (1 - Self.position(y, yRange, log: yLog)) * plotHeight }

        var out = axes(xTicks: xTicks.map { ($0, px($0)) }, yTicks: yTicks.map { ($0, py($0)) })
        // Bands first, so the lines are drawn over them: one polygon along the upper edge and back along the lower.
        for (index, band) in bands.enumerated() {
            let valid = band.points.filter {
                $0.x.isFinite && $0.lower.isFinite && $0.upper.isFinite
                    && (!xLog || $0.x > 0) && (!yLog || $0.lower > 0)
            }
            guard valid.count >= 2 else { continue }
            let colour = series.firstIndex { $0.name == band.name } ?? (series.count + index)
            let edge =
                valid.map { "\(f(px($0.x))),\(f(py($0.upper)))" }
                + valid.reversed().map { "\(f(px($0.x))),\(f(py($0.lower)))" }
            out += "<polygon class=\"series-\(colour % 6) band\" points=\"\(edge.joined(separator: " "))\"/>"
        }
        let barWidth = plotWidth / Double(max(1, Set(xs).count)) * 0.8 / Double(max(1, series.count))
        for (index, s) in series.enumerated() {
            let valid = s.points.filter { (!xLog || $0.x > 0) && (!yLog || $0.y > 0) && $0.x.isFinite && $0.y.isFinite }
            let style = "series-\(index % 6)"
            switch kind {
            case "scatter":
                for p in valid {
                    out += "<circle class=\"\(style)\" cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3\"/>"
                }
            case "bar":
                let base = py(yLog ? yRange.lower : 0)
                for p in valid {
                    let x = px(p.x) - barWidth * Double(series.count) / 2 + barWidth * Double(index)
                    let y = py(p.y)
                    out +=
                        "<rect class=\"\(style)\" x=\"\(f(x))\" y=\"\(f(min(y, base)))\" width=\"\(f(barWidth))\" height=\"\(f(abs(base - y)))\"/>"
                }
            default:
                let path = valid.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                out += "<polyline class=\"\(style) line\" points=\"\(path)\"/>"
            }
        }
        // The legend goes in the corner that covers the fewest points.
        let pixels = series.flatMap(\.points).filter {
            $0.x.isFinite && $0.y.isFinite && (!xLog || $0.x > 0) && (!yLog || $0.y > 0)
        }
        .map { (px($0.x), py($0.y)) }
        return out + legend(avoiding: pixels)
    }

    private func heatmap() -> String {
        guard let columns = rows.first?.count, columns > 0 else { return "" }
        let values = rows.flatMap { $0 }.filter(\.isFinite)
        let low = values.min() ?? 0, high = values.max() ?? 1
        let side = min(plotWidth / Double(columns), plotHeight / Double(rows.count))
        var out = ""
        for (r, row) in rows.enumerated() {
            for (c, value) in row.enumerated() {
                let level = high > low ? (value - low) / (high - low) : 0
                out +=
                    "<rect class=\"heat\" x=\"\(f(Self.left + Double(c) * side))\" y=\"\(f(Self.top + Double(r) * side))\" width=\"\(f(side))\" height=\"\(f(side))\" fill-opacity=\"\(f(value.isFinite ? 0.05 + 0.95 * level : 0))\"/>"
            }
        }
        out +=
            "<text class=\"axis-label\" x=\"\(f(Self.left + side * Double(columns) / 2))\" y=\"\(f(Self.height - 12))\" text-anchor=\"middle\">\(HTML.escape(xLabel))</text>"
        out +=
            "<text class=\"axis-label\" transform=\"translate(18 \(f(Self.top + side * Double(rows.count) / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTML.escape(yLabel))</text>"
        out +=
            "<text class=\"tick\" x=\"\(f(Self.left + side * Double(columns) + 8))\" y=\"\(f(Self.top + 10))\">\(Self.label(high))</text>"
        out +=
            "<text class=\"tick\" x=\"\(f(Self.left + side * Double(columns) + 8))\" y=\"\(f(Self.top + side * Double(rows.count)))\">\(Self.label(low))</text>"
        return out
    }

    private func axes(xTicks: [(Double, Double)], yTicks: [(Double, Double)]) -> String {
        var out = "<g class=\"axes\">"
        for (value, x) in xTicks {
            out +=
                "<line class=\"grid\" x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(Self.top))\" y2=\"\(f(Self.top + plotHeight))\"/>"
            out +=
                "<text class=\"tick\" x=\"\(f(x))\" y=\"\(f(Self.top + plotHeight + 16))\" text-anchor=\"middle\">\(Self.label(value))</text>"
        }
        for (value, y) in yTicks {
            out +=
                "<line class=\"grid\" x1=\"\(f(Self.left))\" x2=\"\(f(Self.left + plotWidth))\" y1=\"\(f(y))\" y2=\"\(f(y))\"/>"
            out +=
                "<text class=\"tick\" x=\"\(f(Self.left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(Self.label(value))</text>"
        }
        out +=
            "<rect class=\"frame\" x=\"\(f(Self.left))\" y=\"\(f(Self.top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\"/>"
        out +=
            "<text class=\"axis-label\" x=\"\(f(Self.left + plotWidth / 2))\" y=\"\(f(Self.height - 10))\" text-anchor=\"middle\">\(HTML.escape(xLabel + (xLog ? " (log)" : "")))</text>"
        out +=
            "<text class=\"axis-label\" transform=\"translate(16 \(f(Self.top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTML.escape(yLabel + (yLog ? " (log)" : "")))</text>"
        return out + "</g>"
    }

    private func legend(avoiding points: [(Double, Double)]) -> String {
        guard series.count > 1 || !(series.first?.name.isEmpty ?? true) else { return "" }
        let longest = series.map(\.name.count).max() ?? 0
        let boxWidth = 30 + 6.5 * Double(longest), boxHeight = 8 + 18 * Double(series.count)
        let corners = [
            (Self.left + plotWidth - boxWidth - 4, Self.top + 4), (Self.left + 8, Self.top + 4),
            (Self.left + plotWidth - boxWidth - 4, Self.top + plotHeight - boxHeight - 4),
            (Self.left + 8, Self.top + plotHeight - boxHeight - 4),
        ]
        func covered(_ corner: (Double, Double)) -> Int {
            points.filter {
                $0.0 >= corner.0 - 6 && $0.0 <= corner.0 + boxWidth + 6 && $0.1 >= corner.1 - 6
                    && $0.1 <= corner.1 + boxHeight + 6
            }.count
        }
        // First corner with the fewest covered points: ties keep the usual top-right place.
        let best = corners.min { covered($0) < covered($1) } ?? corners[0]
        var out =
            "<g class=\"legend\"><rect class=\"legend-box\" x=\"\(f(best.0))\" y=\"\(f(best.1))\" width=\"\(f(boxWidth))\" height=\"\(f(boxHeight))\"/>"
        for (index, s) in series.enumerated() {
            let y = best.1 + 17 + Double(index) * 18
            out +=
                "<rect class=\"series-\(index % 6)\" x=\"\(f(best.0 + 8))\" y=\"\(f(y - 10))\" width=\"12\" height=\"12\"/>"
            out += "<text class=\"legend-text\" x=\"\(f(best.0 + 26))\" y=\"\(f(y))\">\(HTML.escape(s.name))</text>"
        }
        return out + "</g>"
    }

    // MARK: Scales

    static func range(_ values: [Double], log: Bool, pad: Double) -> (lower: Double, upper: Double) {
        let finite = values.filter(\.isFinite)
        var lower = finite.min() ?? 0, upper = finite.max() ?? 1
        if log { lower = Foundation.log10(lower); upper = Foundation.log10(upper) }
        if lower == upper { lower -= 1; upper += 1 }
        lower -= pad; upper += pad
        return log ? (Foundation.pow(10, lower), Foundation.pow(10, upper)) : (lower, upper)
    }

    static func position(_ value: Double, _ range: (lower: Double, upper: Double), log: Bool) -> Double {
        if log {
            return (Foundation.log10(value) - Foundation.log10(range.lower))
                / (Foundation.log10(range.upper) - Foundation.log10(range.lower))
        }
        return (value - range.lower) / (range.upper - range.lower)
    }

    /// 1-2-5 steps giving about five ticks, or the powers of ten on a log axis.
    static func ticks(_ range: (lower: Double, upper: Double), log: Bool) -> [Double] {
        if log {
            let low = Foundation.floor(Foundation.log10(range.lower)),
                high = Foundation.ceil(Foundation.log10(range.upper))
            return stride(from: low, through: high, by: max(1, Foundation.floor((high - low) / 6) + 1)).map {
                Foundation.pow(10, $0)
            }
        }
        let span = range.upper - range.lower
        let raw = span / 5, magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? magnitude * 10
        let first = Foundation.floor(range.lower / step) * step
        return stride(from: first, through: range.upper + step * 0.999, by: step).map { ($0 / step).rounded() * step }
    }

    static func label(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e5 || magnitude < 1e-3 { return String(format: "%.0e", value) }
        return String(format: "%g", value)
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
