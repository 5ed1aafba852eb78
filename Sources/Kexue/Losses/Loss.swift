// MARK: - Losses (scalar `Variable`s, shape [])

/// Differentiable losses. Each returns a scalar (`shape == []`) averaged as documented.
public enum Loss {
    /// Mean squared error `mean((prediction − target)²)` over all elements. Shapes must be equal.
    /// ∂prediction = 2(prediction − target)/count.
    public static func meanSquaredError(_ prediction: Variable, _ target: Tensor) -> Variable {
        require(
            prediction.shape == target.shape,
            "meanSquaredError: prediction \(prediction.shape) and target \(target.shape) differ")
        let diff = prediction.value - target
        let n = Float(diff.count)
        return Variable(Tensor(scalar: Float(diff.squaredNorm() / Double(diff.count))), inputs: [prediction]) { g in
            [diff * (2 * g.scalar / n)]
        }
    }

    /// Softmax cross-entropy averaged over rows: `mean_r(−log softmax(logits_r)[labels_r])`.
    ///
    /// - Parameters:
    ///   - logits: `[..., C]`, read as `rows = count / C` rows.
    ///   - labels: one class index in `0..<C` per row (`labels.count == rows`).
    /// - Returns: shape `[]`. Computed as `logsumexp(row) − row[label]` (stable for huge logits).
    ///   ∂logits = (softmax − onehot(label))/rows.
    public static func softmaxCrossEntropy(logits: Variable, labels: [Int]) -> Variable {
        require(logits.rank >= 1, "softmaxCrossEntropy: logits shape \(logits.shape) has no class axis")
        let c = logits.shape[logits.rank - 1]
        let rows = logits.value.count / Swift.max(c, 1)
        require(
            labels.count == rows,
            "softmaxCrossEntropy: logits \(logits.shape) have \(rows) rows but labels have \(labels.count)")
        let lse = logits.value.logSumExp()
        var total = 0.0
        logits.value.withUnsafeBufferPointer { p in
            for (r, y) in labels.enumerated() {
                require(y >= 0 && y < c, "softmaxCrossEntropy: label \(y) out of range 0..<\(c) in row \(r)")
                total += Double(lse.scalars[r]) - Double(p[r &* c &+ y])
            }
        }
        let x = logits.value
        return Variable(Tensor(scalar: Float(total / Double(rows))), inputs: [logits]) { g in
            var grad = x.softmax()
            let scale = g.scalar / Float(rows)
            grad.withUnsafeMutableBufferPointer { p in
                for (r, y) in labels.enumerated() { p[r &* c &+ y] -= 1 }
                for i in 0..<p.count { p[i] *= scale }
            }
            return [grad]
        }
    }

    /// Multilabel categorical cross-entropy (Su's "softmax + cross-entropy" for multi-label, post B2, the ZLPR loss)
    /// averaged over rows: `mean_r[log(1 + Σ_{neg} e^{s}) + log(1 + Σ_{pos} e^{−s})]`.
    ///
    /// - Parameters:
    ///   - scores: `[..., C]`, read as `rows = count / C` rows (GlobalPointer flattens `[b, heads, n, n]` to
    ///     `[b·heads, n·n]`, the reference's mean over `batch·heads`).
    ///   - labels: same shape, 1 for positive classes and 0 for negative (read as y > 0.5).
    /// - Returns: shape `[]`. Runs the Kernels `multilabelCrossEntropy` and its backward: a −inf score on a
    ///   negative (a masked cell) contributes 0 and gets gradient 0; scores of ±1e4 are stable; a −inf score on a
    ///   positive gives +inf (an impossible label).
    public static func multilabelCategoricalCrossEntropy(scores: Variable, labels: Tensor) -> Variable {
        require(
            scores.shape == labels.shape,
            "multilabelCategoricalCrossEntropy: scores \(scores.shape) and labels \(labels.shape) differ")
        let s = scores.value
        let (rows, classes) = s.lastAxisRows("multilabelCategoricalCrossEntropy")
        let perRow = s.withUnsafeBufferPointer { ps in
            labels.withUnsafeBufferPointer { py in
                Tensor.build([rows]) { out in
                    guard rows > 0 else { return }
                    multilabelCrossEntropy(
                        scores: ps.baseAddress!, labels: py.baseAddress!, rows: rows,
                        classes: classes, loss: out.baseAddress!)
                }
            }
        }
        return Variable(Tensor(scalar: Float(perRow.sumDouble() / Double(rows))), inputs: [scores]) { g in
            let upstream = Tensor.full([rows], g.scalar / Float(rows))
            return [
                s.withUnsafeBufferPointer { ps in
                    labels.withUnsafeBufferPointer { py in
                        upstream.withUnsafeBufferPointer { pu in
                            Tensor.build(s.shape) { out in
                                guard rows > 0 else { return }
                                multilabelCrossEntropyBackward(
                                    scores: ps.baseAddress!, labels: py.baseAddress!,
                                    rows: rows, classes: classes, dLoss: pu.baseAddress!,
                                    grad: out.baseAddress!)
                            }
                        }
                    }
                }
            ]
        }
    }
}
