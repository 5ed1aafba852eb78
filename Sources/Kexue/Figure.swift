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
/// Inside the book, `show()` hands the figure's plain-text description (`text`) to `Figure.presenter`, which
/// the chapter program's runtime sets to send it to the book on a channel of its own, never on standard
/// output: nothing a snippet prints can make or move a figure. Outside the book it prints that text, which
/// reads fine.
public struct Figure: Sendable {
    public enum Kind: String, Sendable {
        case line, scatter, bar, heatmap
    }

    public var kind: Kind
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xLog = false
    public var yLog = false
    public private(set) var series: [(name: String, xs: [Double], ys: [Double])] = []
    /// For heat maps: rows of values, row-major.
    public private(set) var cells: [[Double]] = []

    public init(kind: Kind, title: String, x: String = "", y: String = "", xLog: Bool = false, yLog: Bool = false) {
        self.kind = kind
        self.title = title
        self.xLabel = x
        self.yLabel = y
        self.xLog = xLog
        self.yLog = yLog
    }

    public static func line(title: String, x: String, y: String, xLog: Bool = false, yLog: Bool = false) -> Figure {
        Figure(kind: .line, title: title, x: x, y: y, xLog: xLog, yLog: yLog)
    }

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
        guard xs.count == ys.count else { fatalError("Figure.series '\(name)': \(xs.count) x values and \(ys.count) y values") }
        var copy = self
        copy.series.append((name, xs, ys))
        return copy
    }

    /// The same, from `Float` data (a literal array picks the `Double` form).
    @_disfavoredOverload
    public func series(_ name: String, xs: [Float], ys: [Float]) -> Figure {
        series(name, xs: xs.map(Double.init), ys: ys.map(Double.init))
    }

    public func series(_ name: String, ys: [Double]) -> Figure {
        series(name, xs: ys.indices.map(Double.init), ys: ys)
    }

    /// The figure as text: one `key value` line per setting, then `series NAME` and `x y` lines, or `row`
    /// lines for a heat map. Numbers print in Swift's shortest round-trip form, the same on every machine.
    public var text: String {
        var lines = ["figure \(kind.rawValue)", "title \(title)", "x \(xLabel)\(xLog ? " [log]" : "")", "y \(yLabel)\(yLog ? " [log]" : "")"]
        for s in series {
            lines.append("series \(s.name)")
            for (x, y) in zip(s.xs, s.ys) { lines.append("\(x) \(y)") }
        }
        for row in cells { lines.append("row " + row.map { "\($0)" }.joined(separator: " ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Where `show()` sends a figure's text; nil prints it. The book's program runtime sets it before the
    /// first snippet runs. Set it only from the main thread, before any figure is shown.
    nonisolated(unsafe) public static var presenter: ((String) -> Void)?

    /// Hands the figure to the book (see the type's documentation).
    public func show() {
        if let presenter = Self.presenter {
            presenter(text)
        } else {
            print(text)
        }
    }
}
