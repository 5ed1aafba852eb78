// MARK: - A·V by the fused Kernels attention, for evaluation
//
// The composed graph of `GatedAttentionUnit.attend` materialises the scores and A, `[b, n, n]` each, which training
// needs (A's pullback). An evaluation pass does not: Kernels' `attention` computes A·V tile by tile (scores from the
// GEMM micro-kernel, softmax online over key blocks of 256, or relu²/l), never holding more than a 48 × 256 tile.
//
// Agreement with the composed path: not bit-identical. Both round the length-s score dot products and the length-n
// sums of A·V in Float, but in different orders: the fused softmax divides O by Σ e^{a−m} at the end instead of
// normalising A first, rescales O by e^{m_old − m_new} at every key block after the first, and folds the
// entropy-invariant temperature into the score scale (one rounding instead of two). The difference is bounded by
// the Float error of either path (`GatedAttentionUnitFusedTests` checks both against the Double literal).

extension GatedAttentionUnit {
    /// A·V, `[b, n, e]`, computed by the fused Kernels `attention`; `nil` when the composed graph must be used:
    ///
    /// - Q, K or V needs a gradient (the kernel has no backward; Kexue differentiates the composition);
    /// - `mask` is not suffix padding (the kernel masks keys j ≥ keyLength only; a hole in the middle would need
    ///   the composed −∞ bias or 0 multiplier).
    ///
    /// Every `AttentionNormalization` maps onto the kernel: relu²/n is `.reluSquared` with l = n of the sequence
    /// (`reluDivisor`); softmax is `.softmax` with scale 1/√s; the entropy-invariant softmax is `.softmax` with
    /// scale (1/√s)·(log l / log t), the temperature multiplying the scores before the mask as in `normalize`.
    /// Masked keys get weight exactly 0 in both paths; padded queries still get a row.
    /// - Parameters: q, k `[b, n, s]`, v `[b, n, e]`; mask `[b, n]` 0/1 or nil.
    static func fusedAttentionValues(
        q: Variable, k: Variable, v: Variable, normalization: AttentionNormalization,
        mask: Tensor?
    ) -> Tensor? {
        if q.requiresGrad || k.requiresGrad || v.requiresGrad { return nil }
        let (b, n, s, e) = (q.shape[0], q.shape[1], q.shape[2], v.shape[2])
        guard let keyLengths = suffixPaddingLengths(mask, batch: b, length: n) else { return nil }
        let baseScale = scoreScale(keySize: s)
        var out = Tensor.zeros([b, n, e])
        q.value.withUnsafeBufferPointer { pq in
            k.value.withUnsafeBufferPointer { pk in
                v.value.withUnsafeBufferPointer { pv in
                    out.withUnsafeMutableBufferPointer { po in
                        for item in 0..<b {
                            let l = keyLengths[item]
                            let kind: AttentionKind, scale: Float, normalizer: Float?
                            switch normalization {
                            case .reluSquared(let length):
                                (kind, scale, normalizer) = (.reluSquared, baseScale, reluDivisor(length, length: l))
                            case .softmax:
                                (kind, scale, normalizer) = (.softmax, baseScale, nil)
                            case .entropyInvariantSoftmax(let training, let minimum):
                                let t = entropyInvariantTemperature(training: training, minimum: minimum, length: l)
                                (kind, scale, normalizer) = (.softmax, baseScale * t, nil)
                            }
                            attention(
                                kind: kind, q: pq.baseAddress! + item * n * s, k: pk.baseAddress! + item * n * s,
                                v: pv.baseAddress! + item * n * e, queries: n, keys: n, headDim: s, valueDim: e,
                                scale: scale, keyLength: l, reluNormalizer: normalizer,
                                output: po.baseAddress! + item * n * e)
                        }
                    }
                }
            }
        }
        return out
    }

    /// Each sequence's number of real tokens when every mask row is ones followed by zeros (all n without a mask);
    /// nil when some row has a zero before a one.
    static func suffixPaddingLengths(_ mask: Tensor?, batch b: Int, length n: Int) -> [Int]? {
        guard let mask else { return [Int](repeating: n, count: b) }
        var lengths: [Int] = []
        for item in 0..<b {
            let row = mask.scalars[(item * n)..<(item * n + n)]
            let l = row.firstIndex(of: 0).map { $0 - item * n } ?? n
            if row.dropFirst(l).contains(where: { $0 != 0 }) { return nil }
            lengths.append(l)
        }
        return lengths
    }
}
