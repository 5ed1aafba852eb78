// MARK: - The additive mask shared by the span heads

/// The additive mask of the GlobalPointer family: 0 on cells a span may occupy, −∞ elsewhere.
///
/// Cell `(i, j)` of item `b` (row i = start, column j = end) is masked when token i or token j is padding
/// (`padding[b][i] == false`), or, with `triangle`, when i > j (an end before its start; the diagonal i == j, a
/// one-token span, is kept). Shape `[b, 1, n, n]`, broadcast over the types axis of `[b, m, n, n]` scores.
///
/// Why −∞ and not the −1e12 of the January 2022 reference (bert4keras HEAD uses −∞ as well): a masked cell must
/// drop out of the multilabel loss exactly, e^{−∞} = 0, with gradient 0, and it must never decode (−∞ > 0 is false).
/// With −1e12 the same holds in practice, but −1e12/√d, −2e12 and (logit − 1e12)/√d all appear in the reference
/// depending on the order of masking and scaling; −∞ is one value whatever the order. It never makes a NaN as long as
/// nothing multiplies it by 0 or adds +∞: the heads only *add* this mask last, the losses (`Loss.multilabel…`)
/// handle −∞ on negatives, and a −∞ on a *gold* cell gives loss +∞ (a gold span in padding is a data bug, and the
/// loss says so loudly).
public enum SpanMask {
    /// - Parameters:
    ///   - padding: `[b][n]`, `true` for real tokens; `nil` means every token is real.
    ///   - batch, length: b and n (the shape of the scores).
    ///   - triangle: mask i > j.
    /// - Returns: `[b, 1, n, n]` of 0 and −∞, or `nil` when nothing is masked (no padding mask and no triangle).
    public static func additive(padding: [[Bool]]?, batch: Int, length n: Int, triangle: Bool) -> Tensor? {
        if padding == nil && !triangle { return nil }
        if let padding {
            require(
                padding.count == batch && padding.allSatisfy { $0.count == n },
                "SpanMask: padding mask of \(padding.count) rows (lengths \(Set(padding.map(\.count)).sorted())) "
                    + "for scores of batch \(batch) and length \(n)")
        }
        return Tensor.build([batch, 1, n, n]) { p in
            for b in 0..<batch {
                let real = padding?[b]
                for i in 0..<n {
                    for j in 0..<n {
                        let masked = (triangle && i > j) || (real.map { !$0[i] || !$0[j] } ?? false)
                        if masked { p[(b &* n &+ i) &* n &+ j] = -.infinity }
                    }
                }
            }
        }
    }
}
