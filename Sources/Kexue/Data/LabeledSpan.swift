/// An entity mention: a type index and an inclusive token range `start...end` (`start ≤ end` for entities; GPLinker's
/// head/tail cells reuse the type as a (row, column) pair with no order).
///
/// The currency of the span heads, their loss and their decoder: `GlobalPointer` and `EfficientGlobalPointer`
/// score cell `[type, start, end]`, `Loss.globalPointerCrossEntropy` reads gold spans as positive cells, and
/// `SpanDecoding.decode` returns the cells scoring above the threshold as spans. Ordered by start, then end, then
/// type, so sorted lists print in reading order (when a nested span starts with its container, it comes first,
/// since it ends first).
public struct LabeledSpan: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The entity type, `0..<types`.
    public var type: Int
    /// First token (row index of the score matrix).
    public var start: Int
    /// Last token, inclusive (column index of the score matrix).
    public var end: Int

    /// The span of `type` over tokens `start...end`, stored as given (nothing is checked: a relation-table cell may
    /// have `start > end`).
    public init(type: Int, start: Int, end: Int) {
        self.type = type
        self.start = start
        self.end = end
    }

    /// The number of tokens, `end − start + 1`.
    public var length: Int { end - start + 1 }

    /// Whether `other` lies inside this span (equal ranges count as nested).
    public func contains(_ other: LabeledSpan) -> Bool { start <= other.start && other.end <= end }

    public static func < (a: LabeledSpan, b: LabeledSpan) -> Bool {
        (a.start, a.end, a.type) < (b.start, b.end, b.type)
    }

    /// `type@start...end`, e.g. `3@2...4`.
    public var description: String { "\(type)@\(start)...\(end)" }
}
