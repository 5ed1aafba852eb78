// MARK: - Differentiable softmax and log-softmax along the last axis

extension Variable {
    /// Softmax over the last axis (see `Tensor.softmax` for stability and masked rows).
    /// Backward per row (Kernels `softmaxBackwardRows`): ∂x = y ⊙ (g − ⟨g, y⟩); a fully masked row gets 0.
    public func softmax() -> Variable {
        let y = value.softmax()
        return Variable(y, inputs: [self]) { g in
            [
                Tensor.rowBackward(y: y, g: g) { y, g, rows, cols, dx in
                    softmaxBackwardRows(y: y, dy: g, rows: rows, cols: cols, dx: dx)
                }
            ]
        }
    }

    /// Log-softmax over the last axis (a fully masked row gives -inf).
    /// Backward per row (Kernels `logSoftmaxBackwardRows`): ∂x = g − softmax(x)·Σg, with softmax = exp(y);
    /// a fully masked row gets 0.
    public func logSoftmax() -> Variable {
        let y = value.logSoftmax()
        return Variable(y, inputs: [self]) { g in
            [
                Tensor.rowBackward(y: y, g: g) { y, g, rows, cols, dx in
                    logSoftmaxBackwardRows(y: y, dy: g, rows: rows, cols: cols, dx: dx)
                }
            ]
        }
    }
}

extension Tensor {
    /// Runs a row-kernel backward `kernel(y, g, rows, cols, dx)` over last-axis rows of same-shape `y` and `g`.
    @inline(__always)
    static func rowBackward(
        y: Tensor, g: Tensor,
        _ kernel: (UnsafePointer<Float>, UnsafePointer<Float>, Int, Int, UnsafeMutablePointer<Float>) -> Void
    ) -> Tensor {
        require(y.shape == g.shape, "row backward: output \(y.shape) and gradient \(g.shape) differ")
        let (rows, cols) = y.lastAxisRows("row backward")
        return y.withUnsafeBufferPointer { py in
            g.withUnsafeBufferPointer { pg in
                Tensor.buildOverwriting(y.shape) { dx in
                    guard rows > 0 else { return }
                    kernel(py.baseAddress!, pg.baseAddress!, rows, cols, dx.baseAddress!)
                }
            }
        }
    }
}
