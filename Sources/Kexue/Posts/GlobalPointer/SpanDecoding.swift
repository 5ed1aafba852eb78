// MARK: - From span scores to spans

/// Decoding of GlobalPointer-family scores (post B1): every cell scoring above the threshold (0, the threshold class
/// of the multilabel loss) is a span. Nested and overlapping spans come out naturally, since each cell is decided
/// on its own; nothing is resolved between them.
public enum SpanDecoding {
    /// The spans of one item.
    ///
    /// - Parameters:
    ///   - scores: `[m, n, n]` (type, start row, end column) or `[1, m, n, n]`.
    ///   - threshold: a cell is a span when its score is `> threshold` (strictly; −∞ never is).
    ///   - excluding: positions that may not start or end a span. The reference removes the first and last token
    ///     ([CLS] and [SEP] of a BERT input: `scores[:, [0, -1]] -= inf; scores[:, :, [0, -1]] -= inf`);
    ///     `SyntheticSpans` sentences carry the same two markers, so pass their positions (`[0, length − 1]` of the
    ///     unpadded sentence). Padding needs no exclusion when the head masked it (−∞).
    /// - Returns: the spans, sorted (`LabeledSpan`'s order: start, end, type).
    public static func decode(_ scores: Tensor, threshold: Float = 0, excluding: Set<Int> = []) -> [LabeledSpan] {
        var s = scores
        if s.rank == 4 {
            require(s.shape[0] == 1, "SpanDecoding.decode: scores \(s.shape): decode one item at a time")
            s = s.reshaped(Array(s.shape.dropFirst()))
        }
        require(s.rank == 3 && s.shape[1] == s.shape[2], "SpanDecoding.decode: scores \(s.shape) must be [m, n, n]")
        let (m, n) = (s.shape[0], s.shape[1])
        var spans: [LabeledSpan] = []
        // The exclusions as a per-position flag: a set lookup per cell cost more than the whole scan.
        var allowed = [Bool](repeating: true, count: n)
        for i in excluding where i >= 0 && i < n { allowed[i] = false }
        s.withUnsafeBufferPointer { p in
            for type in 0..<m {
                for i in 0..<n where allowed[i] {
                    for j in 0..<n where allowed[j] {
                        if p[(type &* n &+ i) &* n &+ j] > threshold {
                            spans.append(LabeledSpan(type: type, start: i, end: j))
                        }
                    }
                }
            }
        }
        return spans.sorted()
    }

    /// The spans of every item of a batch `[b, m, n, n]`; `excluding[b]` as for one item (`nil`: none).
    public static func decodeBatch(_ scores: Tensor, threshold: Float = 0, excluding: [Set<Int>]? = nil)
        -> [[LabeledSpan]]
    {
        require(scores.rank == 4, "SpanDecoding.decodeBatch: scores \(scores.shape) must be [batch, m, n, n]")
        let b = scores.shape[0]
        require(
            excluding == nil || excluding!.count == b,
            "SpanDecoding.decodeBatch: \(excluding?.count ?? 0) exclusion sets for a batch of \(b)")
        return (0..<b).map { decode(scores[$0], threshold: threshold, excluding: excluding?[$0] ?? []) }
    }
}
