// MARK: - Deterministic, numpy-like printing

extension Tensor: CustomStringConvertible {
    /// numpy-style text: nested brackets, elements right-aligned to a common width, fixed 4 decimals (see
    /// `NumberFormat`). Tensors of more than 1000 elements are summarised: every axis longer than 6 shows its
    /// first 3 and last 3 entries around `...`. Rows are never wrapped. Scalars print as the bare number.
    public var description: String { formatted() }

    /// The description with a chosen number of decimals and summarisation threshold (element count above which
    /// axes longer than `2·edgeItems` are elided).
    public func formatted(decimals: Int = 4, threshold: Int = 1000, edgeItems: Int = 3) -> String {
        let summarise = count > threshold
        let finite = scalars.filter { $0.isFinite }
        let useScientific = finite.contains { Swift.abs($0) >= 1e6 }
        func format(_ x: Float) -> String {
            useScientific ? NumberFormat.scientific(x, decimals: decimals) : NumberFormat.fixed(x, decimals: decimals)
        }
        if rank == 0 { return format(scalars.first ?? 0) }
        // Indices kept along each axis.
        let kept: [[Int?]] = shape.map { d in
            summarise && d > 2 * edgeItems
                ? Array(0..<edgeItems).map { Optional($0) } + [nil] + Array((d - edgeItems)..<d).map { Optional($0) }
                : Array(0..<d).map { Optional($0) }
        }
        let st = strides
        // Width over the elements actually shown.
        var width = 0
        func visit(_ axis: Int, _ offset: Int, _ body: (Int) -> Void) {
            for ix in kept[axis] {
                guard let i = ix else { continue }
                if axis == rank - 1 {
                    body(offset + i * st[axis])
                } else {
                    visit(axis + 1, offset + i * st[axis], body)
                }
            }
        }
        visit(0, 0) { width = Swift.max(width, format(scalars[$0]).count) }
        func pad(_ s: String) -> String { String(repeating: " ", count: width - s.count) + s }
        func render(_ axis: Int, _ offset: Int) -> String {
            if axis == rank - 1 {
                let items = kept[axis].map { ix in ix.map { pad(format(scalars[offset + $0 * st[axis]])) } ?? "..." }
                return "[" + items.joined(separator: ", ") + "]"
            }
            let indent = String(repeating: " ", count: axis + 1)
            let separator = "," + String(repeating: "\n", count: rank - 1 - axis) + indent
            let parts = kept[axis].map { ix in ix.map { render(axis + 1, offset + $0 * st[axis]) } ?? "..." }
            return "[" + parts.joined(separator: separator) + "]"
        }
        return render(0, 0)
    }
}

extension Tensor: CustomDebugStringConvertible {
    /// `Tensor(shape: [2, 3])` followed by the description on the next line.
    public var debugDescription: String { "Tensor(shape: \(shape))\n" + description }
}
