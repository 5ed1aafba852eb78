// MARK: - Softmax family along the last axis

// These forward to the Kernels row kernels (`softmaxRows`, `logSoftmaxRows`, `logSumExpRows`: SIMD, polynomial exp,
// rows shared between two threads above a size threshold, results independent of the thread count) and share
// their conventions, tested there and here:
// - the row maximum is subtracted before exp, so logits of ±1e4 neither overflow nor produce NaN;
// - a fully masked row (all -inf) gives softmax 0, log-softmax -inf, logsumexp -inf, never NaN;
// - NaN or +inf anywhere in a row makes that row NaN.

extension Tensor {
    /// (rows, cols) of the last-axis view, with a precondition naming `op`.
    func lastAxisRows(_ op: String) -> (rows: Int, cols: Int) {
        require(rank >= 1, "\(op): scalar shape [] has no last axis")
        let cols = shape[rank - 1]
        return (cols == 0 ? 0 : count / cols, cols)
    }

    /// Softmax over the last axis, same shape: `exp(x − max) / Σ exp(x − max)` per row (see the conventions above).
    /// Each row sums to 1 (up to rounding) unless fully masked.
    public func softmax() -> Tensor {
        let (rows, cols) = lastAxisRows("softmax")
        return withUnsafeBufferPointer { x in
            Tensor.buildOverwriting(shape) { y in
                guard rows > 0 else { return }
                softmaxRows(x.baseAddress!, rows: rows, cols: cols, output: y.baseAddress!)
            }
        }
    }

    /// Log-softmax over the last axis, same shape: `x − logsumexp(x)` per row; a fully masked row gives all -inf.
    public func logSoftmax() -> Tensor {
        let (rows, cols) = lastAxisRows("logSoftmax")
        return withUnsafeBufferPointer { x in
            Tensor.buildOverwriting(shape) { y in
                guard rows > 0 else { return }
                logSoftmaxRows(x.baseAddress!, rows: rows, cols: cols, output: y.baseAddress!)
            }
        }
    }

    /// log Σ exp over the last axis: shape `shape.dropLast()` (with a trailing 1 if `keepdims`).
    /// An all -inf row or an empty row gives -inf.
    public func logSumExp(keepdims: Bool = false) -> Tensor {
        require(rank >= 1, "logSumExp: scalar shape [] has no last axis")
        let cols = shape[rank - 1]
        var outShape = Array(shape.dropLast())
        if keepdims { outShape.append(1) }
        return withUnsafeBufferPointer { x in
            Tensor.buildOverwriting(outShape) { out in
                guard out.count > 0 else { return }
                if cols == 0 { out.update(repeating: -.infinity); return }
                logSumExpRows(x.baseAddress!, rows: out.count, cols: cols, output: out.baseAddress!)
            }
        }
    }
}
