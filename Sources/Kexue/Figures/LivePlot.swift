// Portable to Embedded Swift: no imports, no Foundation, no existentials, no string formatting. BookKit
// compiles this file, with Kernels' `VectorMath.swift` and `ScalarMath.swift` and a live snippet's code, to
// WebAssembly (`LiveModule`); natively it is part of Kexue, where `LivePlot+Figure.swift` adds `show()`.

/// The data of a **live figure**: a line plot that a snippet's function computes from its parameters, and that
/// the page recomputes, in WebAssembly compiled from the same Swift, when the reader moves a control.
///
/// A snippet marked `live=NAME` declares `func NAME(p: Float = default, ...) -> LivePlot`, documents each
/// parameter with its label and range, and shows the figure for the defaults with `NAME().show()`:
///
/// ```swift
/// /// - Parameters:
/// ///   - kappa: κ, the scale (0.25...4, step 0.25)
/// func entropyCurves(kappa: Float = 1) -> LivePlot {
///     var plot = LivePlot(title: "Entropy against n", x: "n", y: "entropy", xLog: true, yLimits: 0...9)
///     plot.add("plain", xs: ns, ys: ns.map { ... })
///     return plot
/// }
/// entropyCurves().show()
/// ```
///
/// The axes cover `xLimits` and `yLimits` besides the data, so that they stay put while a reader explores and
/// the curves move against them; the page clips what leaves them.
public struct LivePlot {
    /// The title, shown above the plot.
    public var title: String
    /// The x axis label.
    public var xLabel: String
    /// The y axis label.
    public var yLabel: String
    /// Whether the x axis is logarithmic (x values must then be positive).
    public var xLog: Bool
    /// Whether the y axis is logarithmic (y values must then be positive).
    public var yLog: Bool
    /// A range the x axis covers whatever the data (nil: the data's).
    public var xLimits: ClosedRange<Float>?
    /// A range the y axis covers whatever the data (nil: the data's).
    public var yLimits: ClosedRange<Float>?
    /// The series in the order added.
    public private(set) var series: [LiveSeries] = []

    /// An empty line plot; `x` and `y` are the axis labels.
    public init(
        title: String, x: String, y: String, xLog: Bool = false, yLog: Bool = false,
        xLimits: ClosedRange<Float>? = nil, yLimits: ClosedRange<Float>? = nil
    ) {
        self.title = title
        self.xLabel = x
        self.yLabel = y
        self.xLog = xLog
        self.yLog = yLog
        self.xLimits = xLimits
        self.yLimits = yLimits
    }

    /// Adds a series. - Precondition: `xs.count == ys.count`.
    public mutating func add(_ name: String, xs: [Float], ys: [Float]) {
        precondition(xs.count == ys.count, "LivePlot.add: x and y values of different lengths")
        series.append(LiveSeries(name: name, xs: xs, ys: ys))
    }

    /// The numbers the page reads from the module's memory, as 32-bit floats: the series count, then per series
    /// its point count n, its n x values and its n y values.
    public var encoded: [Float] {
        var out: [Float] = [Float(series.count)]
        for s in series {
            out.append(Float(s.xs.count))
            out += s.xs
            out += s.ys
        }
        return out
    }
}

/// One curve of a `LivePlot`: its name (the label at its end) and its points.
public struct LiveSeries {
    /// The series' name.
    public var name: String
    /// The x values.
    public var xs: [Float]
    /// The y values, one per x value.
    public var ys: [Float]
}
