import Foundation

/// Renders the text a snippet's `Figure.show()` produced (see Kexue's `Figure`) as inline SVG.
///
/// Colours come from CSS classes (`series-0`...), so the site's stylesheet styles the figures in light and
/// dark mode alike; each series also has its own dash pattern and marker shape, so they differ without colour
/// too, and the legend under the plot shows both. The SVG scales to the column width (at most 34rem), and the
/// layout is sized so that its text stays 9 px or more on a 360 px screen. Axes start and end on "nice" ticks
/// next to the data (`scale`). Labels render the subscript convention `W_l` (`markup`).
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
    /// Ranges the axes cover besides the data (`xlimits LOWER UPPER`, `ylimits LOWER UPPER`): a live figure's axes
    /// stay put while the reader moves its controls.
    var xLimits: (lower: Double, upper: Double)?, yLimits: (lower: Double, upper: Double)?

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
            case "xlimits": xLimits = Self.limits(rest)
            case "ylimits": yLimits = Self.limits(rest)
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

    private static func limits(_ text: String) -> (lower: Double, upper: Double)? {
        let numbers = text.split(separator: " ").compactMap { Double($0) }
        guard numbers.count == 2, numbers[0].isFinite, numbers[1].isFinite, numbers[0] <= numbers[1] else { return nil }
        return (numbers[0], numbers[1])
    }

    private static func axis(_ text: String) -> (String, Bool) {
        text.hasSuffix(" [log]") ? (String(text.dropLast(6)), true) : (text, false)
    }

    // MARK: Drawing

    /// The viewBox's width. The SVG is at most `svg.plot`'s CSS `max-width` wide (34rem) and shrinks with the
    /// column; the font sizes (in these units, set in style.css) are chosen so that text stays at 9 px or more at
    /// a 360 px wide screen (the column is then 328 px, a scale of 0.63).
    static let width = 520.0
    /// The font sizes the layout reserves room for (style.css sets them: `.plot-title`, `.tick`, `.axis-label`,
    /// `.legend-text`), and an estimate of a character's advance as a fraction of the size.
    static let titleSize = 16.0, textSize = 15.0, advance = 0.56
    static let plotHeight = 230.0, right = 18.0

    /// The plot's height: 230 units, or more when the y axis's label (written along it) needs the room.
    private var plotHeight: Double {
        max(Self.plotHeight, Double((yLabel + (yLog ? " (log)" : "")).count) * Self.textSize * Self.advance + 16)
    }

    /// Dash patterns per series (`stroke-dasharray`; the first is solid): the series differ without colour.
    static let dashes = ["", "9 4", "2 3", "12 3 2 3", "5 5", "14 3 3 3 3 3"]

    /// Marker shapes per series, as path data relative to the marker's centre (after `M x,y`).
    static let shapes = [
        "m-4,0a4,4 0 1,0 8,0a4,4 0 1,0 -8,0z",  // circle
        "m-3.6,-3.6h7.2v7.2h-7.2z",  // square
        "m0,-4.8l4.4,7.6h-8.8z",  // triangle up
        "m0,-5l5,5l-5,5l-5,-5z",  // diamond
        "m0,4.8l4.4,-7.6h-8.8z",  // triangle down
        "m-1.5,-5h3v3.5h3.5v3h-3.5v3.5h-3v-3.5h-3.5v-3h3.5z",  // plus
    ]

    /// - Parameters:
    ///   - label: the accessible name (figure number and caption).
    ///   - live: whether the page redraws the figure (`LiveFigure`): the SVG then says where the plot's frame is
    ///     and which data ranges its axes show (`data-frame`, `data-x`, `data-y`), for `live.js`.
    func svg(label: String, live: Bool = false) -> String {
        let titleLines = Self.wrap(title, size: Self.titleSize)
        let top = 14 + Double(titleLines.count) * Self.titleSize * 1.3
        let body = kind == "heatmap" ? heatmap(top: top) : chart(top: top)
        var geometry = ""
        if live, let frame = body.frame {
            geometry =
                " data-frame=\"\(frame.left) \(frame.top) \(frame.width) \(frame.height)\""
                + " data-x=\"\(frame.x.lower) \(frame.x.upper) \(xLog ? 1 : 0)\""
                + " data-y=\"\(frame.y.lower) \(frame.y.upper) \(yLog ? 1 : 0)\""
        }
        var out =
            "<svg class=\"plot\" viewBox=\"0 0 \(Int(Self.width)) \(Int(body.height.rounded(.up)))\" role=\"img\" aria-label=\"\(HTML.escape(label))\"\(geometry)>"
        out += "<title>\(HTML.escape(label))</title>"
        // The series' names for assistive technology, which reads neither the legend nor the direct labels
        // inside an image (role="img"): the SVG's description.
        let named = series.map(\.name).filter { !$0.isEmpty }
        if kind != "heatmap", !named.isEmpty {
            out += "<desc>Series: \(HTML.escape(named.joined(separator: "; "))).</desc>"
        }
        for (index, line) in titleLines.enumerated() {
            out +=
                "<text class=\"plot-title\" x=\"\(f(Self.width / 2))\" y=\"\(f(6 + Self.titleSize * 1.3 * Double(index + 1)))\" text-anchor=\"middle\">\(Self.markup(line))</text>"
        }
        return out + body.svg + "</svg>"
    }

    /// `text` in lines of at most the viewBox's width (estimated from the characters' count).
    static func wrap(_ text: String, size: Double) -> [String] {
        wrap(text, limit: max(10, Int((width - 20) / (size * advance))))
    }

    /// `text` in lines of at most `limit` characters, broken at spaces (a longer word gets a line of its own).
    static func wrap(_ text: String, limit: Int) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > limit {
                lines.append(line); line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// Escaped SVG text for a label, with the subscript convention of the chapters' figure text rendered:
    /// `W_l` is W with a subscript l, `x_{ij}` x with the subscript ij.
    static func markup(_ text: String) -> String {
        var out = "", plain = "", rest = Substring(text)
        while let character = rest.first {
            rest = rest.dropFirst()
            guard character == "_", let last = plain.last ?? out.last, !last.isWhitespace, let next = rest.first else {
                plain.append(character); continue
            }
            var sub: Substring
            if next == "{", let close = rest.firstIndex(of: "}") {
                sub = rest[rest.index(after: rest.startIndex)..<close]; rest = rest[rest.index(after: close)...]
            } else if next.isLetter || next.isNumber {
                sub = rest.prefix(1); rest = rest.dropFirst()
            } else {
                plain.append(character); continue
            }
            // baseline-shift applies to the tspan alone: the text after it is on the baseline again.
            out +=
                HTML.escape(plain) + "<tspan class=\"sub\" baseline-shift=\"sub\">"
                + HTML.escape(String(sub)) + "</tspan>"
            plain = ""
        }
        return out + HTML.escape(plain)
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Where the plot's frame is (viewBox units) and the data ranges its axes show.
    typealias Frame = (
        left: Double, top: Double, width: Double, height: Double, x: (lower: Double, upper: Double),
        y: (lower: Double, upper: Double)
    )

    private func chart(top: Double) -> (svg: String, height: Double, frame: Frame?) {
        let bandPoints = bands.flatMap(\.points).filter { $0.x.isFinite && $0.lower.isFinite && $0.upper.isFinite }
        let points = series.flatMap(\.points) + bandPoints.flatMap { [(x: $0.x, y: $0.lower), (x: $0.x, y: $0.upper)] }
        let xs = (points.map(\.x) + [xLimits?.lower, xLimits?.upper].compactMap { $0 })
            .filter { $0.isFinite && (!xLog || $0 > 0) }
        let ys = (points.map(\.y) + [yLimits?.lower, yLimits?.upper].compactMap { $0 })
            .filter { $0.isFinite && (!yLog || $0 > 0) }
        guard !xs.isEmpty, !ys.isEmpty else { return ("", top + 10, nil) }
        var xData = (lower: xs.min()!, upper: xs.max()!), yData = (lower: ys.min()!, upper: ys.max()!)
        if kind == "bar" { xData = (xData.lower - 0.5, xData.upper + 0.5) }
        if kind == "bar", !yLog { yData = (min(yData.lower, 0), max(yData.upper, 0)) }
        let (xRange, xTicks) = Self.scale(xData, log: xLog), (yRange, yTicks) = Self.scale(yData, log: yLog)
        let yLabels = yTicks.map { Self.label($0) }, xLabels = xTicks.map { Self.label($0) }
        let charWidth = Self.textSize * Self.advance
        let left = 26 + Double(yLabels.map(\.count).max() ?? 1) * charWidth + 8
        let baseRight = max(Self.right, Double(xLabels.last?.count ?? 0) * charWidth / 2 + 4)
        let plotBottom = top + plotHeight
        let valid = series.map { s in
            s.points.filter { (!xLog || $0.x > 0) && (!yLog || $0.y > 0) && $0.x.isFinite && $0.y.isFinite }
        }

        // Direct labels (line charts): first inside the plot at full width, then in a strip right of the plot;
        // when neither places every label, the legend under the plot names the series instead.
        var right = baseRight
        var labels: [DirectLabels.Placement]?
        if kind == "line", !series.isEmpty, series.allSatisfy({ !$0.name.isEmpty }), valid.allSatisfy({ !$0.isEmpty }) {
            let lines = series.map { Self.wrap($0.name, limit: Self.labelCharacters) }
            // Labels are measured generously (0.62 of the size per character, against 0.56 for the ticks' digits):
            // names have wide letters (w, m, capitals), and a label must never leave the SVG or touch the data.
            let labelWidth = Self.textSize * Self.labelAdvance
            let strip = Double(lines.flatMap { $0 }.map(\.count).max() ?? 0) * labelWidth + 12
            // The column of labels starts right of the last data point; the plot gives up as much of its width
            // as the labels need beyond that (found in a few rounds: the gap scales with the plot's width).
            let lastX = valid.map { $0.last!.x }.max()!
            for column in [false, true] where !column || strip <= Self.maxLabelStrip {
                right = baseRight
                if column {
                    for _ in 0..<4 {
                        let gap = layout(left: left, right: right, top: top, xRange: xRange, yRange: yRange)
                        right = max(baseRight, strip + 2 - (gap.right - gap.point((lastX, yRange.lower)).x))
                    }
                }
                let layout = layout(left: left, right: right, top: top, xRange: xRange, yRange: yRange)
                var placer = DirectLabels(
                    textSize: Self.textSize, charWidth: labelWidth,
                    plot: .init(minX: left, minY: top, maxX: layout.right, maxY: plotBottom),
                    margin: column
                        ? .init(
                            minX: layout.point((lastX, yRange.lower)).x, minY: top, maxX: Self.width - 2,
                            maxY: plotBottom)
                        : nil)
                for (index, points) in valid.enumerated() {
                    let pixels = points.map { layout.point($0) }
                    placer.segments += zip(pixels, pixels.dropFirst()).map { ($0, $1) }
                    placer.markers += markerIndices(index, count: pixels.count).map {
                        DirectLabels.Box(
                            minX: pixels[$0].x - 5, minY: pixels[$0].y - 5, maxX: pixels[$0].x + 5,
                            maxY: pixels[$0].y + 5)
                    }
                }
                placer.bands = bandOutlines().map { $0.map { layout.point($0) } }
                labels = placer.place(
                    zip(lines, valid).map { DirectLabels.Series(lines: $0, end: layout.point($1.last!)) })
                if labels != nil { break }
            }
            if labels == nil { right = baseRight }
        }
        let layout = layout(left: left, right: right, top: top, xRange: xRange, yRange: yRange)
        let plotWidth = layout.right - left
        func px(_ x: Double) -> Double { layout.point((x, yRange.lower)).x }
        func py(_ y: Double) -> Double { layout.point((xRange.lower, y)).y }

        var out = "<g class=\"axes\">"
        for (value, text) in zip(xTicks, xLabels) {
            let x = px(value)
            out += "<line class=\"grid\" x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(top))\" y2=\"\(f(plotBottom))\"/>"
            out +=
                "<text class=\"tick\" x=\"\(f(x))\" y=\"\(f(plotBottom + Self.textSize + 3))\" text-anchor=\"middle\">\(text)</text>"
        }
        for (value, text) in zip(yTicks, yLabels) {
            let y = py(value)
            out +=
                "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" y1=\"\(f(y))\" y2=\"\(f(y))\"/>"
            out += "<text class=\"tick\" x=\"\(f(left - 6))\" y=\"\(f(y + 5))\" text-anchor=\"end\">\(text)</text>"
        }
        out +=
            "<rect class=\"frame\" x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\"/>"
        out +=
            "<text class=\"axis-label\" x=\"\(f(left + plotWidth / 2))\" y=\"\(f(plotBottom + 2 * Self.textSize + 14))\" text-anchor=\"middle\">\(Self.markup(xLabel + (xLog ? " (log)" : "")))</text>"
        out +=
            "<text class=\"axis-label\" transform=\"translate(16 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.markup(yLabel + (yLog ? " (log)" : "")))</text>"
        out += "</g>"
        // Bands first, so the lines are drawn over them: one polygon along the upper edge and back along the lower.
        for (index, band) in bands.enumerated() {
            let valid = validBand(band.points)
            guard valid.count >= 2 else { continue }
            let colour = series.firstIndex { $0.name == band.name } ?? (series.count + index)
            let edge =
                valid.map { "\(f(px($0.x))),\(f(py($0.upper)))" }
                + valid.reversed().map { "\(f(px($0.x))),\(f(py($0.lower)))" }
            out += "<polygon class=\"series-\(colour % 6) band\" points=\"\(edge.joined(separator: " "))\"/>"
        }
        let barWidth = plotWidth / Double(max(1, Set(xs).count)) * 0.8 / Double(max(1, series.count))
        for (index, valid) in valid.enumerated() {
            let style = "series-\(index % 6)"
            out += "<g class=\"series \(style)\">"
            switch kind {
            case "scatter":
                for p in valid { out += marker(index, px(p.x), py(p.y)) }
            case "bar":
                let base = py(yLog ? yRange.lower : 0)
                for p in valid {
                    let x = px(p.x) - barWidth * Double(series.count) / 2 + barWidth * Double(index)
                    let y = py(p.y)
                    out +=
                        "<rect class=\"\(style) bar\(index % 6)\" x=\"\(f(x))\" y=\"\(f(min(y, base)))\" width=\"\(f(barWidth))\" height=\"\(f(abs(base - y)))\"/>"
                }
            default:
                let path = valid.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                out += "<polyline class=\"\(style) line\"\(dash(index)) points=\"\(path)\"/>"
                for i in markerIndices(index, count: valid.count) {
                    out += marker(index, px(valid[i].x), py(valid[i].y))
                }
            }
            out += "</g>"
        }
        let frame: Frame = (left, top, plotWidth, plotHeight, xRange, yRange)
        if let labels {
            return (out + directLabels(labels), plotBottom + 2 * Self.textSize + 34 - 10, frame)
        }
        let (legendSVG, legendHeight) = legend(top: plotBottom + 2 * Self.textSize + 34)
        return (out + legendSVG, plotBottom + 2 * Self.textSize + 34 + legendHeight + 6, frame)
    }

    /// The most characters on one line of a direct label (longer names wrap at spaces).
    static let labelCharacters = 14
    static let labelAdvance = 0.62
    /// The widest column of direct labels right of the data (28 % of the viewBox's width: 14 characters).
    static let maxLabelStrip = 145.0

    /// The plot's geometry for a given right margin: where a data point goes, in viewBox units.
    private func layout(
        left: Double, right: Double, top: Double, xRange: (lower: Double, upper: Double),
        yRange: (lower: Double, upper: Double)
    ) -> (right: Double, point: ((x: Double, y: Double)) -> (x: Double, y: Double)) {
        let plotWidth = Self.width - left - right, plotHeight = plotHeight
        let (xLog, yLog) = (xLog, yLog)
        return (
            left + plotWidth,
            { p in
                (
                    left + Self.position(p.x, xRange, log: xLog) * plotWidth,
                    top + (1 - Self.position(p.y, yRange, log: yLog)) * plotHeight
                )
            }
        )
    }

    private func validBand(_ points: [(x: Double, lower: Double, upper: Double)]) -> [(
        x: Double, lower: Double, upper: Double
    )] {
        points.filter {
            $0.x.isFinite && $0.lower.isFinite && $0.upper.isFinite && (!xLog || $0.x > 0) && (!yLog || $0.lower > 0)
        }
    }

    /// Each band's outline in data coordinates: along its upper edge and back along its lower.
    private func bandOutlines() -> [[(x: Double, y: Double)]] {
        bands.map { band in
            let valid = validBand(band.points)
            guard valid.count >= 2 else { return [] }
            return valid.map { (x: $0.x, y: $0.upper) } + valid.reversed().map { (x: $0.x, y: $0.lower) }
        }
    }

    /// Which points of a line get a marker: a few, shifted per series so that lines that meet do not hide them.
    private func markerIndices(_ index: Int, count: Int) -> [Int] {
        let shown = min(count, 7)
        let phase = Double(index) / Double(max(1, series.count))
        return (0..<shown).map { j in min(count - 1, Int((Double(j) + 0.5 * phase) * Double(count) / Double(shown))) }
    }

    /// The direct labels, each in its series' colour (`series-label-K`), with a thin leader line where a label
    /// was nudged away from the end of its line.
    private func directLabels(_ labels: [DirectLabels.Placement]) -> String {
        var out = "<g class=\"direct-labels\">"
        for label in labels {
            let colour = label.series % 6
            if let leader = label.leader {
                out +=
                    "<line class=\"series-\(colour) leader\" x1=\"\(f(leader.from.x))\" y1=\"\(f(leader.from.y))\" x2=\"\(f(leader.to.x))\" y2=\"\(f(leader.to.y))\"/>"
            }
            out +=
                "<text class=\"direct-label series-label-\(colour)\" data-series=\"\(label.series)\" x=\"\(f(label.x))\" y=\"\(f(label.baseline))\"\(label.anchorEnd ? " text-anchor=\"end\"" : "")>"
            for (index, line) in label.lines.enumerated() {
                out +=
                    index == 0
                    ? Self.markup(line)
                    : "<tspan x=\"\(f(label.x))\" dy=\"\(f(Self.textSize * 1.2))\">\(Self.markup(line))</tspan>"
            }
            out += "</text>"
        }
        return out + "</g>"
    }

    private func dash(_ index: Int) -> String {
        let pattern = Self.dashes[index % Self.dashes.count]
        return pattern.isEmpty ? "" : " stroke-dasharray=\"\(pattern)\""
    }

    private func marker(_ index: Int, _ x: Double, _ y: Double) -> String {
        "<path class=\"series-\(index % 6) marker\" d=\"M\(f(x)),\(f(y))\(Self.shapes[index % Self.shapes.count])\"/>"
    }

    /// The legend, under the plot: per series its line (with the dash pattern) and marker, then its name; the
    /// entries flow into rows of the viewBox's width.
    private func legend(top: Double) -> (String, Double) {
        guard series.count > 1 || !(series.first?.name.isEmpty ?? true) else { return ("", 0) }
        let rowHeight = Self.textSize + 8, swatch = 30.0
        var out = "<g class=\"legend\">", x = 12.0, row = 0
        for (index, s) in series.enumerated() {
            let width = swatch + 6 + Double(s.name.count) * Self.textSize * Self.advance
            if x > 12, x + width > Self.width - 8 { x = 12; row += 1 }
            let y = top + Double(row) * rowHeight
            if kind == "line" {
                out +=
                    "<line class=\"series-\(index % 6) line\"\(dash(index)) x1=\"\(f(x))\" x2=\"\(f(x + swatch))\" y1=\"\(f(y - 5))\" y2=\"\(f(y - 5))\"/>"
            }
            out += marker(index, x + swatch / 2, y - 5)
            out +=
                "<text class=\"legend-text\" x=\"\(f(x + swatch + 6))\" y=\"\(f(y))\">\(Self.markup(s.name))</text>"
            x += width + 18
        }
        return (out + "</g>", Double(row + 1) * rowHeight)
    }

    private func heatmap(top: Double) -> (svg: String, height: Double, frame: Frame?) {
        guard let columns = rows.first?.count, columns > 0 else { return ("", top + 10, nil) }
        let values = rows.flatMap { $0 }.filter(\.isFinite)
        let low = values.min() ?? 0, high = values.max() ?? 1
        let left = 40.0, plotWidth = Self.width - left - 80
        let side = min(plotWidth / Double(columns), plotHeight / Double(rows.count))
        var out = ""
        for (r, row) in rows.enumerated() {
            for (c, value) in row.enumerated() {
                let level = high > low ? (value - low) / (high - low) : 0
                out +=
                    "<rect class=\"heat\" x=\"\(f(left + Double(c) * side))\" y=\"\(f(top + Double(r) * side))\" width=\"\(f(side))\" height=\"\(f(side))\" fill-opacity=\"\(f(value.isFinite ? 0.05 + 0.95 * level : 0))\"/>"
            }
        }
        let bottom = top + side * Double(rows.count)
        out +=
            "<text class=\"axis-label\" x=\"\(f(left + side * Double(columns) / 2))\" y=\"\(f(bottom + Self.textSize + 8))\" text-anchor=\"middle\">\(Self.markup(xLabel))</text>"
        out +=
            "<text class=\"axis-label\" transform=\"translate(18 \(f(top + side * Double(rows.count) / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.markup(yLabel))</text>"
        out +=
            "<text class=\"tick\" x=\"\(f(left + side * Double(columns) + 8))\" y=\"\(f(top + Self.textSize))\">\(Self.label(high))</text>"
        out +=
            "<text class=\"tick\" x=\"\(f(left + side * Double(columns) + 8))\" y=\"\(f(bottom))\">\(Self.label(low))</text>"
        return (out, bottom + Self.textSize + 16, nil)
    }

    // MARK: Scales

    static func position(_ value: Double, _ range: (lower: Double, upper: Double), log: Bool) -> Double {
        if log {
            return (Foundation.log10(value) - Foundation.log10(range.lower))
                / (Foundation.log10(range.upper) - Foundation.log10(range.lower))
        }
        return (value - range.lower) / (range.upper - range.lower)
    }

    /// The axis range and its ticks for data from `data.lower` to `data.upper`: the range starts and ends on a
    /// tick, the last tick at or below the data's minimum and the first at or above its maximum (so it
    /// overshoots the data by less than one step on each side), with at least four ticks. Linear axes step by
    /// 1, 2 or 5 times a power of ten (four to seven ticks, the tightest fit); log axes use powers of ten, 1-2-5 or 1-9 in each decade, whichever
    /// fits the data most tightly with four to seven ticks, else linear 1-2-5 steps placed on the log scale.
    static func scale(_ data: (lower: Double, upper: Double), log: Bool)
        -> (range: (lower: Double, upper: Double), ticks: [Double])
    {
        var (lower, upper) = data
        if lower == upper {
            if log { lower /= 2; upper *= 2 } else { lower -= 1; upper += 1 }
        }
        func fit(_ candidates: [Double]) -> [Double] {
            guard let first = candidates.lastIndex(where: { $0 <= lower * (1 + 1e-9) }),
                let last = candidates.firstIndex(where: { $0 >= upper * (1 - 1e-9) }), first < last
            else { return [] }
            return Array(candidates[first...last])
        }
        if log {
            let low = Int(Foundation.floor(Foundation.log10(lower))),
                high = Int(Foundation.ceil(Foundation.log10(upper)))
            var choice: [Double] = []
            for multiples in [[1.0], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]] {
                var candidates = (low...high).flatMap { e in multiples.map { $0 * Foundation.pow(10, Double(e)) } }
                candidates = candidates.map { Double(String(format: "%.12g", $0))! }
                var ticks = fit(candidates)
                if multiples == [1], ticks.count > 7 {
                    // Many decades: every k-th power of ten.
                    let k = (ticks.count + 4) / 6
                    let from = Int(Foundation.floor(Double(low) / Double(k))) * k
                    ticks = fit(stride(from: from, through: high + k, by: k).map { Foundation.pow(10, Double($0)) })
                }
                // The tightest of the sets giving four to seven ticks (powers of ten on a tie).
                guard ticks.count >= 4, ticks.count <= 7 || multiples == [1] else { continue }
                if choice.isEmpty || ticks.last! / ticks.first! < choice.last! / choice.first! * (1 - 1e-9) {
                    choice = ticks
                }
            }
            if !choice.isEmpty { return ((choice.first!, choice.last!), choice) }
        }
        // Of the 1-2-5 steps giving four to seven ticks, the one whose range fits the data most tightly (the
        // larger step on a tie); failing that, the largest step giving four or more.
        var best: [Double] = [], fallback: [Double] = []
        let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(upper - lower)))
        for step in [5.0, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01].map({ $0 * magnitude }) {
            let first = Foundation.floor(lower / step * (1 + 1e-12)), last = Foundation.ceil(upper / step * (1 - 1e-12))
            let ticks = stride(from: first, through: last, by: 1).map { Double(String(format: "%.12g", $0 * step))! }
            if log, ticks.first! <= 0 { continue }
            if fallback.count < 4 { fallback = ticks }
            guard (4...7).contains(ticks.count) else { continue }
            if best.isEmpty || ticks.last! - ticks.first! < best.last! - best.first! { best = ticks }
        }
        if best.isEmpty { best = fallback }
        return ((best.first ?? lower, best.last ?? upper), best)
    }

    static func label(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e5 || magnitude < 1e-3 { return String(format: "%.0e", value) }
        return String(format: "%g", value)
    }

    /// The baselines of the direct labels in `svg` (for tests).
    static func directLabelBaselines(_ svg: String) -> [Double] {
        svg.components(separatedBy: "class=\"direct-label ").dropFirst().compactMap { part in
            guard let y = part.range(of: " y=\"") else { return nil }
            return Double(part[y.upperBound...].prefix { $0 != "\"" })
        }
    }
}
