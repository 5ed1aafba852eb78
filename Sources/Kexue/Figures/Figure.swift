#if canImport(Glibc)
    import Glibc
#endif

/// A figure a snippet draws: line plots with several series, scatter, bars, or a heat map (attention
/// matrices). `show()` hands it to the book, which renders it as SVG under the snippet's output, numbered
/// and captioned from the chapter; the figure's data is checked like text output, so it cannot drift.
///
/// ```swift
/// Figure.line(title: "Training loss", x: "step", y: "loss", yLog: true)
///     .series("GP", xs: steps, ys: gpLoss)
///     .series("EGP", xs: steps, ys: egpLoss)
///     .show()
/// ```
///
/// Inside the book, `show()` sends the figure's plain-text description (`text`) on a channel of its own,
/// never on standard output: nothing a snippet prints can make or move a figure. Outside the book it prints
/// that text, which reads fine.
public struct Figure: Sendable {
    /// How the figure draws its data; the raw value is the `figure` line of `text`.
    public enum Kind: String, Sendable {
        /// `line`: each series as a connected line; `scatter`: as unconnected markers; `bar`: a bar per x value,
        /// series side by side; `heatmap`: `cells` as a colour grid, no series.
        case line, scatter, bar, heatmap
    }

    /// The plot type.
    public var kind: Kind
    /// The title, shown above the plot.
    public var title: String
    /// The x axis label (`x` in the initialisers).
    public var xLabel: String
    /// The y axis label (`y` in the initialisers).
    public var yLabel: String
    /// Whether the x axis is logarithmic (x values must then be positive).
    public var xLog = false
    /// Whether the y axis is logarithmic (y values must then be positive).
    public var yLog = false
    /// A range the x axis covers besides the data (nil: the data's alone); text line `xlimits LOWER UPPER`.
    public var xLimits: (lower: Double, upper: Double)?
    /// A range the y axis covers besides the data (nil: the data's alone); text line `ylimits LOWER UPPER`.
    public var yLimits: (lower: Double, upper: Double)?
    /// The series in the order added: a name (the series' label) and x and y values of equal length.
    public private(set) var series: [(name: String, xs: [Double], ys: [Double])] = []
    /// For heat maps: rows of values, row-major.
    public private(set) var cells: [[Double]] = []
    /// Shaded bands between a lower and an upper curve (a mean ± spread across seeds), each drawn under the
    /// series of the same name when there is one.
    public private(set) var bands: [(name: String, xs: [Double], lower: [Double], upper: [Double])] = []

    /// An empty figure of `kind`; `x` and `y` are the axis labels, `xLog` and `yLog` make those axes logarithmic.
    public init(kind: Kind, title: String, x: String = "", y: String = "", xLog: Bool = false, yLog: Bool = false) {
        self.kind = kind
        self.title = title
        self.xLabel = x
        self.yLabel = y
        self.xLog = xLog
        self.yLog = yLog
    }

    /// A line plot with no series yet; `x` and `y` are the axis labels.
    public static func line(title: String, x: String, y: String, xLog: Bool = false, yLog: Bool = false) -> Figure {
        Figure(kind: .line, title: title, x: x, y: y, xLog: xLog, yLog: yLog)
    }

    /// A scatter plot with no series yet; `x` and `y` are the axis labels.
    public static func scatter(title: String, x: String, y: String, xLog: Bool = false, yLog: Bool = false) -> Figure {
        Figure(kind: .scatter, title: title, x: x, y: y, xLog: xLog, yLog: yLog)
    }

    /// Bars at x positions (categories are 0, 1, 2, ... with `x` naming them).
    public static func bar(title: String, x: String, y: String) -> Figure {
        Figure(kind: .bar, title: title, x: x, y: y)
    }

    /// - Parameter values: `[rows][columns]`, e.g. an attention matrix (query rows, key columns).
    public static func heatmap(title: String, x: String, y: String, values: [[Double]]) -> Figure {
        var figure = Figure(kind: .heatmap, title: title, x: x, y: y)
        precondition(values.allSatisfy { $0.count == values.first?.count }, "heatmap: rows of different lengths")
        figure.cells = values
        return figure
    }

    /// Adds a series. - Precondition: `xs.count == ys.count`; positive values on log axes.
    public func series(_ name: String, xs: [Double], ys: [Double]) -> Figure {
        guard xs.count == ys.count else {
            fatalError("Figure.series '\(name)': \(xs.count) x values and \(ys.count) y values")
        }
        var copy = self
        copy.series.append((name, xs, ys))
        return copy
    }

    /// The same, from `Float` data (a literal array picks the `Double` form).
    @_disfavoredOverload
    public func series(_ name: String, xs: [Float], ys: [Float]) -> Figure {
        series(name, xs: xs.map(Double.init), ys: ys.map(Double.init))
    }

    /// Adds a series at x = 0, 1, 2, … (the index of each y value).
    public func series(_ name: String, ys: [Double]) -> Figure {
        series(name, xs: ys.indices.map(Double.init), ys: ys)
    }

    /// Adds a band from `lower` to `upper` at each x (see `meanBand` for the usual way to make one).
    /// - Precondition: equal lengths.
    public func band(_ name: String, xs: [Double], lower: [Double], upper: [Double]) -> Figure {
        guard xs.count == lower.count, xs.count == upper.count else {
            fatalError("Figure.band '\(name)': \(xs.count) x values, \(lower.count) lower and \(upper.count) upper")
        }
        var copy = self
        copy.bands.append((name, xs, lower, upper))
        return copy
    }

    /// The figure as text: one `key value` line per setting, then `series NAME` and `x y` lines, then
    /// `band NAME` and `x lower upper` lines, or `row` lines for a heat map. Numbers print in Swift's shortest
    /// round-trip form, the same on every machine. A figure without bands prints exactly as before bands existed
    /// (and readers that know no bands skip their three-number lines).
    public var text: String {
        var lines = [
            "figure \(kind.rawValue)", "title \(title)", "x \(xLabel)\(xLog ? " [log]" : "")",
            "y \(yLabel)\(yLog ? " [log]" : "")",
        ]
        // Only when set: a figure without limits prints exactly as before they existed.
        if let xLimits { lines.append("xlimits \(xLimits.lower) \(xLimits.upper)") }
        if let yLimits { lines.append("ylimits \(yLimits.lower) \(yLimits.upper)") }
        for s in series {
            lines.append("series \(s.name)")
            for (x, y) in zip(s.xs, s.ys) { lines.append("\(x) \(y)") }
        }
        for b in bands {
            lines.append("band \(b.name)")
            for i in b.xs.indices { lines.append("\(b.xs[i]) \(b.lower[i]) \(b.upper[i])") }
        }
        for row in cells { lines.append("row " + row.map { "\($0)" }.joined(separator: " ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Hands the figure to the book (see the type's documentation).
    ///
    /// Inside a chapter program the book sets `BOOK_FIGURE_CHANNEL=W,R` (two descriptors): the figure goes as
    /// one frame (`COUNT\n` then `figure\n` and the text) on W, and `show()` waits for the book's one-byte
    /// acknowledgement on R, so the book has read the snippet's output up to this point. Anywhere else, or
    /// if the channel fails, it prints the text.
    public func show() {
        #if canImport(Glibc)
            if let value = getenv("BOOK_FIGURE_CHANNEL") {
                let descriptors = String(cString: value).split(separator: ",").compactMap { Int32($0) }
                if descriptors.count == 2,
                    Self.send(
                        Array("figure\n".utf8) + Array(text.utf8), to: descriptors[0],
                        acknowledgedOn: descriptors[1])
                {
                    return
                }
            }
        #endif
        print(text)
    }

    #if canImport(Glibc)
        private static func send(_ payload: [UInt8], to output: Int32, acknowledgedOn input: Int32) -> Bool {
            // Every output stream (`stdout` itself is a C global Swift 6 cannot prove safe to read): the text
            // printed before the figure must reach the harness before the figure's frame.
            fflush(nil)
            let frame = Array("\(payload.count)\n".utf8) + payload
            var offset = 0
            while offset < frame.count {
                let written = frame[offset...].withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
                if written < 0, errno == EINTR { continue }
                if written <= 0 { return false }
                offset += written
            }
            var acknowledgement: UInt8 = 0
            while true {
                let count = read(input, &acknowledgement, 1)
                if count == 1 { return true }
                if count < 0, errno == EINTR { continue }
                return false
            }
        }
    #endif
}
