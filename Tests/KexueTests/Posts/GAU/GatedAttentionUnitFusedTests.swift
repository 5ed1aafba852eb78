import Testing

@testable import Kexue

#if canImport(Glibc)
    import Glibc
#endif

/// The evaluation path of `GatedAttentionUnit` (fused Kernels `attention` inside `Variable.withoutGradients`)
/// against the composed graph and a Double oracle of A·V.
@Suite struct GatedAttentionUnitFusedTests {
    static let normalizations: [AttentionNormalization] = [
        .reluSquared(length: .actual), .reluSquared(length: .fixed(7)), .softmax,
        .entropyInvariantSoftmax(trainingLength: 4, minimumLength: nil),
        .entropyInvariantSoftmax(trainingLength: 64, minimumLength: 100),
    ]

    /// n = 300 crosses the kernel's key block of 256 (the online-softmax rescale runs); the second sequence is
    /// padded after 260 tokens; n = 7 is one partial tile.
    static let shapes: [(n: Int, lengths: [Int]?)] = [(7, nil), (7, [7, 4]), (300, nil), (300, [300, 260])]

    func makeUnit(_ normalization: AttentionNormalization) -> GatedAttentionUnit {
        var rng = SeededRNG(seed: 9)
        let unit = GatedAttentionUnit(
            dimension: 6, hiddenSize: 12, keySize: 8, normalization: normalization,
            useRoPE: true, useBias: true, initializer: .lecunNormal, rng: &rng)
        for (i, p) in unit.parameters.enumerated() where p.rank == 1 {
            p.value = randomTensor(p.shape, seed: 200 + UInt64(i), std: 0.5) + (p.name.hasSuffix("Scale") ? 1 : 0)
        }
        return unit
    }

    func mask(_ lengths: [Int]?, n: Int) -> Tensor? {
        lengths.map { ls in Tensor(shape: [ls.count, n], scalars: ls.flatMap { l in (0..<n).map { $0 < l ? 1 : 0 } }) }
    }

    /// A·V in Double from the Float Q, K, V, with a per-row rounding bound for either Float path, derived:
    /// a score s_ij = scale·Σ_p q_ip k_jp carries e_ij ≤ γ_s·scale·Σ_p|q_ip k_jp| from the dot product plus 3u|s_ij|
    /// (the scale and temperature multiplications: two in the composed path, one folded product in the fused one).
    /// Softmax: every weight is within (2·max_j e_ij + `Tolerance.softmax`) relative, plus one exp-rounded rescale
    /// per extra key block of the fused kernel; A·V sums n terms (γ_n) of a row that sums to 1, so
    /// |ΔO_ic| ≤ (that + γ_n)·max|v|. relu²: a = relu(s)²/l errs by (2|s|·e + 3u·s²)/l (square, 1/l, product),
    /// so |ΔO_ic| ≤ Σ_j |Δa_ij|·|v_jc| + γ_n·Σ_j a_ij|v_jc|.
    func oracle(q: Tensor, k: Tensor, v: Tensor, normalization: AttentionNormalization, lengths: [Int])
        -> (values: [Double], bound: [Double])
    {
        let (b, n, s, e) = (q.shape[0], q.shape[1], q.shape[2], v.shape[2])
        let u = Tolerance.float
        var values = [Double](repeating: 0, count: b * n * e), bound = values
        for item in 0..<b {
            let l = lengths[item]
            var scale = Double(GatedAttentionUnit.scoreScale(keySize: s))
            if case .entropyInvariantSoftmax(let t, let m) = normalization {
                scale *= Double(GatedAttentionUnit.entropyInvariantTemperature(training: t, minimum: m, length: l))
            }
            for i in 0..<n {
                var score = [Double](repeating: 0, count: l), err = score
                for j in 0..<l {
                    var dot = 0.0, mag = 0.0
                    for p in 0..<s {
                        let x = Double(q[at: item, i, p]) * Double(k[at: item, j, p])
                        dot += x; mag += abs(x)
                    }
                    score[j] = scale * dot
                    err[j] = Tolerance.dot(length: s, magnitude: scale * mag) + 3 * u * abs(score[j])
                }
                var a = [Double](repeating: 0, count: l), aErr = a
                switch normalization {
                case .reluSquared(let length):
                    let divisor = Double(GatedAttentionUnit.reluDivisor(length, length: l))
                    for j in 0..<l where score[j] > 0 {
                        a[j] = score[j] * score[j] / divisor
                        aErr[j] = (2 * score[j] * err[j] + 3 * u * score[j] * score[j]) / divisor
                    }
                case .softmax, .entropyInvariantSoftmax:
                    let top = score.max() ?? 0
                    let z = score.reduce(0) { $0 + exp($1 - top) }
                    let magnitude = score.map(abs).max() ?? 0
                    let blocks = (l + 255) / 256
                    let relative =
                        2 * (err.max() ?? 0) + Tolerance.softmax(length: l, logitMagnitude: magnitude)
                        + Double(blocks - 1) * Tolerance.gamma(Int(Tolerance.elementaryULPs) + 2)
                    for j in 0..<l { a[j] = exp(score[j] - top) / z; aErr[j] = relative * a[j] }
                }
                for c in 0..<e {
                    var o = 0.0, spread = 0.0, absolute = 0.0
                    for j in 0..<l {
                        let vj = Double(v[at: item, j, c])
                        o += a[j] * vj; absolute += a[j] * abs(vj); spread += aErr[j] * abs(vj)
                    }
                    values[(item * n + i) * e + c] = o
                    bound[(item * n + i) * e + c] = spread + Tolerance.gamma(max(l, 1)) * absolute
                }
            }
        }
        return (values, bound)
    }

    @Test func theFusedPathIsTakenExactlyWhenNoGradientIsRecorded() {
        let unit = makeUnit(.softmax)
        let x = Variable(randomTensor([2, 7, 6], seed: 3))
        let suffix = mask([7, 4], n: 7)
        let hole = Tensor(shape: [2, 7], scalars: [1, 1, 0, 1, 1, 1, 1] + [Float](repeating: 1, count: 7))
        func fused(_ m: Tensor?) -> Tensor? {
            let p = unit.projections(x, mask: m)
            return GatedAttentionUnit.fusedAttentionValues(
                q: p.q, k: p.k, v: p.v, normalization: unit.normalization,
                mask: m)
        }
        #expect(fused(nil) == nil && fused(suffix) == nil, "parameters record a graph: the composed path is needed")
        Variable.withoutGradients {
            #expect(fused(nil) != nil && fused(suffix) != nil)
            #expect(fused(hole) == nil, "a mask with a hole is not suffix padding")
            #expect(!unit(x).requiresGrad)
        }
        #expect(Variable.isRecordingGradients && unit(x).requiresGrad)
    }

    @Test(arguments: normalizations)
    func fusedAndComposedAgreeWithTheOracle(_ normalization: AttentionNormalization) {
        let unit = makeUnit(normalization)
        for (index, shape) in Self.shapes.enumerated() {
            let x = Variable(randomTensor([2, shape.n, 6], seed: 40 + UInt64(index), std: 2))
            let m = mask(shape.lengths, n: shape.n)
            let lengths = shape.lengths ?? [shape.n, shape.n]
            // Projections without a graph, so that the fused path applies to them (their values do not depend on it).
            let p = Variable.withoutGradients { unit.projections(x, mask: m) }
            let composed = unit.forward(x, mask: m)
            let composedAV = Variable.matmul(composed.attention, p.v).value
            let fusedAV = Variable.withoutGradients {
                GatedAttentionUnit.fusedAttentionValues(q: p.q, k: p.k, v: p.v, normalization: normalization, mask: m)
            }
            guard let fusedAV else { Issue.record("fused path not taken"); return }
            let (want, bound) = oracle(
                q: p.q.value, k: p.k.value, v: p.v.value, normalization: normalization,
                lengths: lengths)
            var worst = (fused: 0.0, composed: 0.0, apart: 0.0), identical = 0
            for i in want.indices {
                let f = Double(fusedAV.scalars[i]), c = Double(composedAV.scalars[i])
                let b = bound[i] + 0x1p-126
                worst.fused = max(worst.fused, abs(f - want[i]) / b)
                worst.composed = max(worst.composed, abs(c - want[i]) / b)
                worst.apart = max(worst.apart, abs(f - c) / (2 * b))
                if f == c { identical += 1 }
            }
            let label = "\(normalization) n \(shape.n) lengths \(lengths)"
            #expect(worst.fused <= 1, "\(label): fused |Δ|/bound \(worst.fused)")
            #expect(worst.composed <= 1, "\(label): composed |Δ|/bound \(worst.composed)")
            #expect(worst.apart <= 1, "\(label): fused vs composed |Δ|/(2·bound) \(worst.apart)")
            // The unit's output on this path: U ⊙ A·V through the same output projection.
            let out = Variable.withoutGradients { unit(x, mask: m).value }
            let viaComposedAV = unit.outputDense(p.u * Variable(composedAV)).value
            let viaFusedAV = unit.outputDense(p.u * Variable(fusedAV)).value
            #expect(out == viaFusedAV, "\(label): the unit's evaluation output is not the fused A·V's")
            print(
                "GAU fused vs composed, \(label): \(identical) of \(want.count) A·V values bit-identical, "
                    + "worst |Δ|/bound fused \(worst.fused), composed \(worst.composed); output max |Δ| "
                    + "\(maxAbsDifference(viaFusedAV, viaComposedAV))")
        }
    }
}
