/// Token sequences of different lengths padded into one row-major batch, with the mask the encoders and heads take.
///
/// Shapes: `ids` `[count · length]` (each sequence, then `padding` up to `length`); `mask` `[count][length]`, `true`
/// on real tokens. `length` is the longest sequence unless given (it must hold every sequence).
public struct PaddedTokens: Sendable, Equatable {
    /// `[count · length]` row-major: each sequence, then `padding` ids up to `length`.
    public var ids: [Int]
    /// The number of sequences (rows).
    public var count: Int
    /// The padded length of every row.
    public var length: Int
    /// `[count][length]`, `true` on real tokens, `false` on padding.
    public var mask: [[Bool]]

    /// Pads `sequences` with the id `padding` to `length`, or to the longest sequence when `length` is `nil`.
    /// Precondition: no sequence is longer than `length`.
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
