/// Token sequences of different lengths padded into one row-major batch, with the mask the encoders and heads take.
///
/// Shapes: `ids` `[count · length]` (each sequence, then `padding` up to `length`); `mask` `[count][length]`, `true`
/// on real tokens. `length` is the longest sequence unless given (it must hold every sequence).
public struct PaddedTokens: Sendable, Equatable {
    public var ids: [Int]
    public var count: Int
    public var length: Int
    public var mask: [[Bool]]

    public init(_ sequences: [[Int]], padding: Int, length: Int? = nil) {
        let n = length ?? sequences.map(\.count).max() ?? 0
        var ids: [Int] = []
        ids.reserveCapacity(sequences.count * n)
        for s in sequences {
            require(s.count <= n, "PaddedTokens: a sequence of \(s.count) tokens exceeds the length \(n)")
            ids += s + Array(repeating: padding, count: n - s.count)
        }
        self.ids = ids
        self.count = sequences.count
        self.length = n
        self.mask = sequences.map { s in (0..<n).map { $0 < s.count } }
    }
}
