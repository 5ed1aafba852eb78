// MARK: - Differentiable layer norm and RMS norm over the last axis

// Forward and backward run the Kernels row kernels (`layerNorm`, `layerNormBackward`, `rmsNorm`,
// `rmsNormBackward`: two-pass statistics, SIMD, tested against Double twins). The default ε = 1e-12 is bert4keras's
// (BERT, RoFormerV2), shared with the kernels; pass PyTorch's 1e-5 explicitly when comparing with it.

extension Variable {
    /// Layer normalisation over the last axis: `y = (x − μ)/√(σ² + ε) · γ + β`, with μ and σ² the mean and
    /// (biased) variance of each row.
    ///
    /// - Parameters:
    ///   - x: `[..., d]`, d > 0.
    ///   - gain: γ of shape `[d]`, or `nil` for none.
    ///   - bias: β of shape `[d]`, or `nil`.
    ///   - epsilon: added to the variance (default 1e-12).
    /// - Returns: `[..., d]`; before the gain each row has mean ≈ 0 and variance ≈ 1 (less when σ² ≲ ε).
    ///
    /// Backward with x̂ the normalised row, r = 1/√(σ²+ε) and h = g⊙γ:
    /// ∂x = r·(h − mean(h) − x̂·mean(h⊙x̂)), ∂γ = Σ_rows g⊙x̂, ∂β = Σ_rows g.
    public static func layerNorm(
        _ x: Variable, gain: Variable? = nil, bias: Variable? = nil,
        epsilon: Float = 1e-12
    ) -> Variable {
        let (rows, d) = checkNormShapes("layerNorm", x, gain, bias)
        let xv = x.value, gv = gain?.value, bv = bias?.value
        let y = xv.withUnsafeBufferPointer { px in
            Tensor.buildOverwriting(xv.shape) { py in
                withOptionalPointer(gv) { pg in
                    withOptionalPointer(bv) { pb in
                        Kernels.layerNorm(
                            px.baseAddress!, rows: rows, dim: d, gain: pg, bias: pb, epsilon: epsilon,
                            output: py.baseAddress!)
                    }
                }
            }
        }
        let (hasGain, hasBias) = (gain != nil, bias != nil)
        return Variable(y, inputs: [x] + [gain, bias].compactMap { $0 }) { g in
            var dGain = Tensor.zeros([d]), dBias = Tensor.zeros([d])
            let dx = xv.withUnsafeBufferPointer { px in
                g.withUnsafeBufferPointer { pdy in
                    Tensor.buildOverwriting(xv.shape) { pdx in
                        withOptionalPointer(gv) { pg in
                            dGain.withUnsafeMutableBufferPointer { dg in
                                dBias.withUnsafeMutableBufferPointer { db in
                                    Kernels.layerNormBackward(
                                        px.baseAddress!, dy: pdy.baseAddress!, rows: rows, dim: d,
                                        gain: pg, epsilon: epsilon, dx: pdx.baseAddress!,
                                        dGain: hasGain ? dg.baseAddress! : nil,
                                        dBias: hasBias ? db.baseAddress! : nil)
                                }
                            }
                        }
                    }
                }
            }
            return [dx] + (hasGain ? [dGain] : []) + (hasBias ? [dBias] : [])
        }
    }

    /// RMS normalisation over the last axis: `y = x/√(mean(x²) + ε) · γ` (no centring, no bias). Without a gain
    /// this is RoFormerV2's parameter-free norm.
    ///
    /// - Parameters: x `[..., d]`, d > 0; gain γ `[d]` or `nil`; epsilon default 1e-12.
    /// Backward with x̂ = x·r, r = 1/√(mean(x²)+ε), h = g⊙γ: ∂x = r·(h − x̂·mean(h⊙x̂)), ∂γ = Σ_rows g⊙x̂.
    public static func rmsNorm(_ x: Variable, gain: Variable? = nil, epsilon: Float = 1e-12) -> Variable {
        let (rows, d) = checkNormShapes("rmsNorm", x, gain, nil)
        let xv = x.value, gv = gain?.value
        let y = xv.withUnsafeBufferPointer { px in
            Tensor.buildOverwriting(xv.shape) { py in
                withOptionalPointer(gv) { pg in
                    Kernels.rmsNorm(
                        px.baseAddress!, rows: rows, dim: d, gain: pg, epsilon: epsilon,
                        output: py.baseAddress!)
                }
            }
        }
        let hasGain = gain != nil
        return Variable(y, inputs: [x] + [gain].compactMap { $0 }) { g in
            var dGain = Tensor.zeros([d])
            let dx = xv.withUnsafeBufferPointer { px in
                g.withUnsafeBufferPointer { pdy in
                    Tensor.buildOverwriting(xv.shape) { pdx in
                        withOptionalPointer(gv) { pg in
                            dGain.withUnsafeMutableBufferPointer { dg in
                                Kernels.rmsNormBackward(
                                    px.baseAddress!, dy: pdy.baseAddress!, rows: rows, dim: d,
                                    gain: pg, epsilon: epsilon, dx: pdx.baseAddress!,
                                    dGain: hasGain ? dg.baseAddress! : nil)
                            }
                        }
                    }
                }
            }
            return [dx] + (hasGain ? [dGain] : [])
        }
    }

    /// (rows, d) of a norm's input, with shape checks naming the operation and the shapes.
    private static func checkNormShapes(_ op: String, _ x: Variable, _ gain: Variable?, _ bias: Variable?)
        -> (rows: Int, d: Int)
    {
        require(x.rank >= 1 && x.shape[x.rank - 1] > 0, "\(op): input shape \(x.shape) has no nonempty last axis")
        let d = x.shape[x.rank - 1]
        if let gain {
            require(gain.shape == [d], "\(op): input \(x.shape) and gain \(gain.shape): gain must be [\(d)]")
        }
        if let bias {
            require(bias.shape == [d], "\(op): input \(x.shape) and bias \(bias.shape): bias must be [\(d)]")
        }
        return (x.value.count / d, d)
    }
}

/// Calls `body` with the tensor's base address, or `nil` for a `nil` tensor.
@inline(__always)
func withOptionalPointer<R>(_ t: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let t else { return body(nil) }
    return t.withUnsafeBufferPointer { body($0.baseAddress) }
}
