extension LivePlot {
    /// The same plot as a `Figure`: what the book renders and checks as the page's static figure.
    public var figure: Figure {
        var figure = Figure.line(title: title, x: xLabel, y: yLabel, xLog: xLog, yLog: yLog)
        figure.xLimits = xLimits.map { (Double($0.lowerBound), Double($0.upperBound)) }
        figure.yLimits = yLimits.map { (Double($0.lowerBound), Double($0.upperBound)) }
        for s in series { figure = figure.series(s.name, xs: s.xs, ys: s.ys) }
        return figure
    }

    /// Shows the figure (`Figure.show()`): in a chapter, the static figure that the page's controls then recompute.
    public func show() { figure.show() }
}
