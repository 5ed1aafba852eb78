/// Where a line chart's direct labels go: each series' name next to the end of its line, so the reader does not
/// go back and forth between the lines and a legend.
///
/// Guarantees, for the placements `place` returns (in the viewBox's units, text measured by the estimate
/// `charWidth` per character):
/// - no label's box overlaps another label's box;
/// - no label's box overlaps the data: a line's segments, its markers or a shaded band;
/// - every label lies inside the plot area or the column right of the data, so inside the SVG;
/// - every label's box is within `maxDistance` of its series' last point (a label nudged away from the end of its
///   line gets a leader line back to it).
/// When one series' label cannot be placed so, `place` returns nil and the chart keeps its legend: a figure
/// never mixes direct labels and a legend.
struct DirectLabels {
    struct Box: Equatable {
        var minX, minY, maxX, maxY: Double

        func intersects(_ other: Box) -> Bool {
            minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
        }

        func contains(_ other: Box) -> Bool {
            other.minX >= minX && other.maxX <= maxX && other.minY >= minY && other.maxY <= maxY
        }

        func padded(_ amount: Double) -> Box {
            Box(minX: minX - amount, minY: minY - amount, maxX: maxX + amount, maxY: maxY + amount)
        }

        /// The distance from `point` to the box (0 inside it).
        func distance(to point: (x: Double, y: Double)) -> Double {
            let dx = max(minX - point.x, 0, point.x - maxX), dy = max(minY - point.y, 0, point.y - maxY)
            return (dx * dx + dy * dy).squareRoot()
        }

        /// Whether the segment from `a` to `b` passes through the box (Liang–Barsky clipping).
        func crosses(_ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> Bool {
            var low = 0.0, high = 1.0
            let dx = b.x - a.x, dy = b.y - a.y
            for (p, q) in [(-dx, a.x - minX), (dx, maxX - a.x), (-dy, a.y - minY), (dy, maxY - a.y)] {
                if p == 0 {
                    if q < 0 { return false }
                } else {
                    let t = q / p
                    if p < 0 { low = max(low, t) } else { high = min(high, t) }
                    if low > high { return false }
                }
            }
            return true
        }
    }

    /// A series to label: its name in lines (already wrapped) and the end of its line.
    struct Series {
        var lines: [String]
        var end: (x: Double, y: Double)
    }

    /// One label: where its text goes (`x` and the first line's baseline; `anchorEnd` for `text-anchor="end"`),
    /// its box, and the leader line from the series' end when the label was nudged away from it.
    struct Placement {
        var series: Int
        var lines: [String]
        var x: Double
        var baseline: Double
        var anchorEnd: Bool
        var box: Box
        var leader: (from: (x: Double, y: Double), to: (x: Double, y: Double))?
    }

    var textSize: Double
    var charWidth: Double
    var lineHeight: Double { textSize * 1.2 }
    /// The plot area: labels inside it must avoid the data.
    var plot: Box
    /// The column right of the data (from the last data point's x to the SVG's right edge) where the labels of the
    /// series ending there are stacked (nil: labels go inside the plot only, next to their line's end).
    var margin: Box?
    /// The data, as obstacles: the lines' segments, the markers' boxes, the bands' outlines.
    var segments: [((x: Double, y: Double), (x: Double, y: Double))] = []
    var markers: [Box] = []
    var bands: [[(x: Double, y: Double)]] = []
    /// How far (in viewBox units) a label's box may be from its series' last point.
    static let maxDistance = 40.0
    /// Room kept between a label and anything else.
    static let gap = 2.0

    /// The box of `lines` set at `x` (start or end anchored) with its vertical centre at `centre`.
    func box(_ lines: [String], x: Double, centre: Double, anchorEnd: Bool) -> Box {
        let width = Double(lines.map(\.count).max() ?? 0) * charWidth
        let height = Double(lines.count) * lineHeight
        return Box(
            minX: anchorEnd ? x - width : x, minY: centre - height / 2, maxX: anchorEnd ? x : x + width,
            maxY: centre + height / 2)
    }

    /// The first line's baseline for a block of `count` lines centred at `centre` (the text's ascent is about
    /// 0.75 of its size; each line's box is `lineHeight` tall).
    func baseline(count: Int, centre: Double) -> Double {
        centre - Double(count) * lineHeight / 2 + (lineHeight - textSize) / 2 + 0.78 * textSize
    }

    /// Whether `box` (padded by `gap`) overlaps the data.
    func hitsData(_ box: Box) -> Bool {
        let padded = box.padded(Self.gap)
        if segments.contains(where: { padded.crosses($0.0, $0.1) }) { return true }
        if markers.contains(where: { padded.intersects($0) }) { return true }
        for band in bands where band.count >= 3 {
            for (i, point) in band.enumerated() where padded.crosses(point, band[(i + 1) % band.count]) {
                return true
            }
            if Self.inside((padded.minX, padded.minY), band) { return true }
        }
        return false
    }

    /// Even-odd point-in-polygon test.
    static func inside(_ point: (x: Double, y: Double), _ polygon: [(x: Double, y: Double)]) -> Bool {
        var result = false
        var j = polygon.count - 1
        for i in polygon.indices {
            let a = polygon[i], b = polygon[j]
            if (a.y > point.y) != (b.y > point.y), point.x < (b.x - a.x) * (point.y - a.y) / (b.y - a.y) + a.x {
                result.toggle()
            }
            j = i
        }
        return result
    }

    /// The labels of `series`, or nil when one of them cannot be placed.
    ///
    /// Series whose line ends where the data ends go into the column right of it (when there is one) at the height
    /// of their end, nudged apart vertically where they would overlap; the others (or all, without a margin) go
    /// inside the plot next to their last point, at the first of a few positions around it (right of it, then
    /// left of it above or below, further and further) that is free of the data and of the labels placed so far.
    func place(_ series: [Series]) -> [Placement]? {
        var placements: [Placement] = []
        var inside: [Int] = []
        var stacked: [Int] = []
        for (index, s) in series.enumerated() {
            if let margin, s.end.x >= margin.minX - 0.5 { stacked.append(index) } else { inside.append(index) }
        }
        if let margin, !stacked.isEmpty {
            let heights = stacked.map { Double(series[$0].lines.count) * lineHeight + Self.gap }
            guard
                let centres = Self.stack(
                    desired: stacked.map { series[$0].end.y }, heights: heights, within: margin.minY...margin.maxY)
            else { return nil }
            let x = margin.minX + 8
            for (k, index) in stacked.enumerated() {
                let s = series[index]
                let box = box(s.lines, x: x, centre: centres[k], anchorEnd: false)
                guard box.distance(to: s.end) <= Self.maxDistance, margin.contains(box) else { return nil }
                // A label more than a third of a line off its end gets a leader line back to it.
                let leader = abs(centres[k] - s.end.y) > lineHeight / 3 ? (s.end, (x - 2, centres[k])) : nil
                placements.append(
                    Placement(
                        series: index, lines: s.lines, x: x,
                        baseline: baseline(count: s.lines.count, centre: centres[k]),
                        anchorEnd: false, box: box, leader: leader))
            }
        }
        // Inside the plot: the series highest on the page first (they have the least room above).
        for index in inside.sorted(by: { series[$0].end.y < series[$1].end.y }) {
            let s = series[index]
            var found: Placement?
            search: for step in 0...6 {
                let offsets = step == 0 ? [0.0] : [-Double(step), Double(step)]
                for offset in offsets {
                    let centre = s.end.y + offset * lineHeight / 2
                    for anchorEnd in [false, true] {
                        let x = anchorEnd ? s.end.x - 6 : s.end.x + 8
                        let box = box(s.lines, x: x, centre: centre, anchorEnd: anchorEnd)
                        guard plot.padded(-Self.gap).contains(box), box.distance(to: s.end) <= Self.maxDistance,
                            !hitsData(box), !placements.contains(where: { $0.box.padded(Self.gap).intersects(box) })
                        else { continue }
                        found = Placement(
                            series: index, lines: s.lines, x: x,
                            baseline: baseline(count: s.lines.count, centre: centre),
                            anchorEnd: anchorEnd, box: box, leader: nil)
                        break search
                    }
                }
            }
            guard let found else { return nil }
            placements.append(found)
        }
        return placements.sorted { $0.series < $1.series }
    }

    /// Centres for blocks of `heights` as close as possible to the `desired` centres without overlapping, inside
    /// `range`; nil when they do not fit. Blocks keep their order; overlapping neighbours merge into one cluster
    /// centred on the mean of what its blocks want, until no two clusters overlap.
    static func stack(desired: [Double], heights: [Double], within range: ClosedRange<Double>) -> [Double]? {
        guard heights.reduce(0, +) <= range.upperBound - range.lowerBound + 1e-9 else { return nil }
        let order = desired.indices.sorted { desired[$0] < desired[$1] }
        // Clusters of consecutive blocks (in `order`), each with its top.
        var clusters: [(blocks: [Int], top: Double)] = []
        func height(_ blocks: [Int]) -> Double { blocks.reduce(0) { $0 + heights[$1] } }
        func settle(_ blocks: [Int]) -> Double {
            // The top that puts the blocks' centres, on average, where they want to be; then inside the range.
            var offset = 0.0, sum = 0.0
            for block in blocks {
                sum += desired[block] - (offset + heights[block] / 2)
                offset += heights[block]
            }
            let top = sum / Double(blocks.count)
            return min(max(top, range.lowerBound), range.upperBound - height(blocks))
        }
        for block in order {
            clusters.append(([block], settle([block])))
            // Merge backwards while the new cluster overlaps the one before it.
            while clusters.count > 1 {
                let last = clusters[clusters.count - 1], previous = clusters[clusters.count - 2]
                guard previous.top + height(previous.blocks) > last.top else { break }
                clusters.removeLast(2)
                let merged = previous.blocks + last.blocks
                clusters.append((merged, settle(merged)))
            }
        }
        var centres = Array(repeating: 0.0, count: desired.count)
        for cluster in clusters {
            var y = cluster.top
            for block in cluster.blocks {
                centres[block] = y + heights[block] / 2
                y += heights[block]
            }
        }
        return centres
    }
}
