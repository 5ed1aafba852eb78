// MARK: - The GlobalPointer loss: span scores and gold spans to one number

extension Loss {
    /// The loss of a GlobalPointer-family head (bert4keras `globalpointer_crossentropy`, GPLinker): each
    /// (item, type) score matrix is flattened to one row of n² classes, cell (i, j) → class i·n + j, and the gold
    /// spans of that type are its positive classes; `sparseMultilabelCategoricalCrossEntropy` with `maskZero` scores
    /// each row; rows are **summed over types and averaged over the batch**.
    ///
    /// Masked cells (−∞: padding, i > j) are negatives that contribute exactly 0 with gradient 0, so they need no
    /// special case; a gold span on a masked cell gives +∞ (a data bug, loudly). Cell (0, 0) is excluded
    /// (`maskZero`): in the reference it is ([CLS], [CLS]); our synthetic sentences start with a [CLS] token too, so
    /// no gold span ever sits there. The dense twin (B1's CMeEE code) averages over batch·types instead: it equals
    /// this loss divided by the number of types when (0, 0) is masked (−∞) or is a negative at −∞.
    ///
    /// - Parameters:
    ///   - scores: `[b, m, n, n]`.
    ///   - gold: `[b]` lists of spans with `type < m` and `start, end < n` (start > end is allowed: GPLinker's
    ///     head/tail matrices pair a subject token with an object token in either order).
    /// - Returns: shape `[]`.
    public static func globalPointerCrossEntropy(scores: Variable, gold: [[LabeledSpan]]) -> Variable {
        require(
            scores.rank == 4 && scores.shape[2] == scores.shape[3],
            "globalPointerCrossEntropy: scores \(scores.shape) must be [batch, types, n, n]")
        let (b, m, n) = (scores.shape[0], scores.shape[1], scores.shape[2])
        require(gold.count == b, "globalPointerCrossEntropy: \(gold.count) gold lists for a batch of \(b)")
        let positives = globalPointerPositives(gold, types: m, length: n)
        let perRowMean = sparseMultilabelCategoricalCrossEntropy(
            scores: scores.reshaped([b * m, n * n]),
            positives: positives, maskZero: true)
        return perRowMean * Float(m)  // mean over b·m rows → Σ types, mean batch
    }

    /// The flattened positives of `globalPointerCrossEntropy`: row `b·m + α` lists `start·n + end` for every gold
    /// span of type α in item b.
    public static func globalPointerPositives(_ gold: [[LabeledSpan]], types m: Int, length n: Int) -> [[Int]] {
        var rows = [[Int]](repeating: [], count: gold.count * m)
        for (item, spans) in gold.enumerated() {
            for span in spans {
                require(
                    span.type >= 0 && span.type < m && span.start >= 0 && span.start < n && span.end >= 0
                        && span.end < n,
                    "globalPointerPositives: span \(span) outside \(m) types × \(n) positions")
                rows[item * m + span.type].append(span.start * n + span.end)
            }
        }
        return rows
    }

    /// Dense 0/1 labels `[b, m, n, n]` for the same gold spans (for `multilabelCategoricalCrossEntropy` and tests).
    public static func globalPointerDenseLabels(_ gold: [[LabeledSpan]], types m: Int, length n: Int) -> Tensor {
        Tensor.build([gold.count, m, n, n]) { p in
            for (item, spans) in gold.enumerated() {
                for span in spans { p[((item * m + span.type) * n + span.start) * n + span.end] = 1 }
            }
        }
    }
}
