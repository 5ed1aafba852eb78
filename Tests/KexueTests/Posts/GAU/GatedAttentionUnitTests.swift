import Testing

@testable import Kexue

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct GatedAttentionUnitTests {
    let d = 6, e = 8, s = 4, n = 5
    /// Two sequences; the second has its last two tokens padded.
    let mask = Tensor(shape: [2, 5], scalars: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0])
    let x = randomTensor([2, 5, 6], seed: 31)

    static let normalizations: [AttentionNormalization] = [
        .reluSquared(length: .actual), .reluSquared(length: .fixed(7)), .softmax,
        .entropyInvariantSoftmax(trainingLength: 4, minimumLength: nil),
        .entropyInvariantSoftmax(trainingLength: 4, minimumLength: 4),
    ]

    /// A unit with non-trivial biases and scale-offsets, so that every parameter matters in the tests.
    func makeUnit(_ normalization: AttentionNormalization, rope: Bool, useBias: Bool = true) -> GatedAttentionUnit {
        var rng = SeededRNG(seed: 5)
        let unit = GatedAttentionUnit(
            dimension: d, hiddenSize: e, keySize: s, normalization: normalization,
            useRoPE: rope, useBias: useBias, initializer: .lecunNormal, rng: &rng)
        for (i, p) in unit.parameters.enumerated() where p.rank == 1 {
            let base: Float = p.name.hasSuffix("Scale") ? 1 : 0
            p.value = randomTensor(p.shape, seed: 100 + UInt64(i), std: 0.3) + base
        }
        return unit
    }

    /// O = (U ⊙ A V) W_o evaluated literally with loops in Double, sequence by sequence (chapter 3, eq:gau).
    func literal(_ unit: GatedAttentionUnit, _ x: Tensor, mask: Tensor?) -> [Double] {
        let wi = unit.inputDense.weight.value, wo = unit.outputDense.weight.value
        let bi = unit.inputDense.bias?.value, bo = unit.outputDense.bias?.value
        let (gq, bq, gk, bk) = (
            unit.queryScale.value, unit.queryOffset.value, unit.keyScale.value, unit.keyOffset.value
        )
        func swish(_ t: Double) -> Double { t / (1 + exp(-t)) }
        var out: [Double] = []
        for b in 0..<x.shape[0] {
            let valid = (0..<n).map { i in mask.map { m in m[at: b, i] != 0 } ?? true }
            let l = valid.filter { $0 }.count
            // U, V, Z: φ(X W + b).
            var h = [[Double]](repeating: [Double](repeating: 0, count: 2 * e + s), count: n)
            for i in 0..<n {
                for c in 0..<(2 * e + s) {
                    var acc = Double(bi?[at: c] ?? 0)
                    for j in 0..<d { acc += Double(x[at: b, i, j]) * Double(wi[at: j, c]) }
                    h[i][c] = swish(acc)
                }
            }
            // Q, K: γ ⊙ Z + β, then the RoPE rotation of each pair (2t, 2t+1) by the angle i·10000^(−2t/s).
            func affine(_ g: Tensor, _ o: Tensor, _ i: Int) -> [Double] {
                var r = (0..<s).map { Double(g[at: $0]) * h[i][2 * e + $0] + Double(o[at: $0]) }
                if unit.useRoPE {
                    for t in 0..<(s / 2) {
                        let angle = Double(i) * pow(10000, -2 * Double(t) / Double(s))
                        let (x0, x1) = (r[2 * t], r[2 * t + 1])
                        r[2 * t] = x0 * cos(angle) - x1 * sin(angle)
                        r[2 * t + 1] = x1 * cos(angle) + x0 * sin(angle)
                    }
                }
                return r
            }
            let q = (0..<n).map { affine(gq, bq, $0) }, k = (0..<n).map { affine(gk, bk, $0) }
            // A row by row.
            var a = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            for i in 0..<n {
                let scores = (0..<n).map { j in (0..<s).reduce(0.0) { $0 + q[i][$1] * k[j][$1] } }
                switch unit.normalization {
                case .reluSquared(let length):
                    let divisor: Double
                    switch length {
                    case .actual: divisor = Double(max(l, 1));
                    case .fixed(let f): divisor = Double(f)
                    }
                    for j in 0..<n where valid[j] { a[i][j] = pow(max(scores[j], 0), 2) / (divisor * Double(s)) }
                case .softmax, .entropyInvariantSoftmax:
                    var lambda = 1 / Double(s).squareRoot()
                    if case .entropyInvariantSoftmax(let t, let m) = unit.normalization {
                        lambda *= log(Double(max(m.map { max(l, $0) } ?? l, 1))) / log(Double(t))
                    }
                    let top = (0..<n).filter { valid[$0] }.map { lambda * scores[$0] }.max()!
                    let z = (0..<n).filter { valid[$0] }.reduce(0.0) { $0 + exp(lambda * scores[$1] - top) }
                    for j in 0..<n where valid[j] { a[i][j] = exp(lambda * scores[j] - top) / z }
                }
            }
            // O = (U ⊙ A V) W_o + b_o.
            for i in 0..<n {
                let gated = (0..<e).map { c in h[i][c] * (0..<n).reduce(0.0) { $0 + a[i][$1] * h[$1][e + c] } }
                for j in 0..<d {
                    out.append((0..<e).reduce(Double(bo?[at: j] ?? 0)) { $0 + gated[$1] * Double(wo[at: $1, j]) })
                }
            }
        }
        return out
    }

    @Test(arguments: normalizations)
    func matchesTheEquationLiterally(_ normalization: AttentionNormalization) {
        for rope in [false, true] {
            for m in [nil, mask] {
                let unit = makeUnit(normalization, rope: rope)
                let y = unit(Variable(x), mask: m).value
                let ref = literal(unit, x, mask: m)
                let scale = ref.map(abs).max()!
                let worst = zip(y.scalars, ref).map { abs(Double($0) - $1) }.max()!
                // Float products of length ≤ 20 and a softmax: a few ulps relative to the largest output.
                #expect(worst < 1e-5 * max(scale, 1), "\(normalization) rope \(rope) mask \(m != nil): \(worst)")
            }
        }
    }

    @Test func parameterCount() {
        // d(2e+s) + ed + 4s, plus the biases 2e + s (input) and d (output).
        #expect(makeUnit(.softmax, rope: true, useBias: false).parameterCount == d * (2 * e + s) + e * d + 4 * s)
        #expect(makeUnit(.softmax, rope: true).parameterCount == d * (2 * e + s) + e * d + 4 * s + 2 * e + s + d)
        var rng = SeededRNG(seed: 1)
        let base = GatedAttentionUnit(dimension: 768, hiddenSize: 1536, keySize: 128, useBias: false, rng: &rng)
        #expect(base.parameterCount == 768 * 3200 + 1536 * 768 + 512)  // ≈ 3de: 3.54M vs 3·768·1536 = 3.54M
    }

    @Test func initialScaleOffsetIsTheIdentity() {
        var rng = SeededRNG(seed: 2)
        let unit = GatedAttentionUnit(dimension: d, hiddenSize: e, keySize: s, useRoPE: false, rng: &rng)
        let parts = unit.forward(Variable(x))
        #expect(parts.q.value == parts.z.value && parts.k.value == parts.z.value)
    }

    @Test(arguments: normalizations)
    func paddedKeysAreIgnored(_ normalization: AttentionNormalization) {
        // Changing the padded tokens changes no real token's output, and weights on padded keys are exactly 0.
        let unit = makeUnit(normalization, rope: true)
        var other = x
        other.withUnsafeMutableBufferPointer { p in for i in (2 * n - 2) * d..<(2 * n * d) { p[i] += 5 } }
        let a = unit.forward(Variable(x), mask: mask), b = unit(Variable(other), mask: mask).value
        for i in 0..<3 { for j in 0..<d { #expect(a.output.value[at: 1, i, j] == b[at: 1, i, j]) } }
        for i in 0..<n { #expect(a.attention.value[at: 1, i, 3] == 0 && a.attention.value[at: 1, i, 4] == 0) }
        // With the actual length, a padded sequence gives its real tokens the output of the unpadded sequence.
        if normalization != .reluSquared(length: .fixed(7)) {
            let short = unit(Variable(x[1..<2].split(sizes: [3, 2], alongAxis: 1)[0])).value
            // The padded keys' terms are exact zeros (weight 0, and 0·v = 0) after the real ones, and rows of 3 and 5
            // keys both go through the kernels' scalar tails: the same operations, so the same bits.
            for i in 0..<3 { for j in 0..<d { #expect(short[at: 0, i, j] == a.output.value[at: 1, i, j]) } }
        }
    }

    @Test func entropyInvariantEqualsSoftmaxAtTheTrainingLength() {
        let ei = makeUnit(.entropyInvariantSoftmax(trainingLength: n, minimumLength: nil), rope: true)
        let sm = makeUnit(.softmax, rope: true)
        // log n / log n is exactly 1, so the scores are scaled by exactly 1: identical outputs.
        #expect(ei(Variable(x)).value == sm(Variable(x)).value)
    }

    @Test(arguments: normalizations)
    func gradients(_ normalization: AttentionNormalization) {
        let unit = makeUnit(normalization, rope: true)
        let rx = checkGradients([x]) { v in unit(v[0], mask: mask) }
        #expect(rx.ok, "input: \(rx.message)")
        let rp = checkParameterGradients(unit.parameters) { unit(Variable(x), mask: mask) }
        #expect(rp.ok, "parameters: \(rp.message)")
    }
}
