import Testing

@testable import Kexue

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct TransformerBlockTests {
    let d = 8, h = 2, f = 12, n = 5
    let mask = Tensor(shape: [2, 5], scalars: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0])
    let x = randomTensor([2, 5, 8], seed: 41)

    /// A block whose biases and norm parameters are random, so that each of them matters.
    func makeBlock(
        _ position: NormPosition, rope: Bool = false,
        activation: FeedForwardActivation = .relu
    ) -> TransformerBlock {
        var rng = SeededRNG(seed: 9)
        let block = TransformerBlock(
            dimension: d, heads: h, feedForwardSize: f, normPosition: position, useRoPE: rope,
            activation: activation, epsilon: 1e-5, rng: &rng)
        for (i, p) in block.parameters.enumerated() where p.rank == 1 {
            p.value = randomTensor(p.shape, seed: 200 + UInt64(i), std: 0.3) + (p.name.hasSuffix("gain") ? 1 : 0)
        }
        return block
    }

    /// The block's equations evaluated literally in Double with loops, one sequence at a time.
    func literal(_ block: TransformerBlock, _ x: Tensor, mask: Tensor?) -> [Double] {
        func dense(_ layer: Dense, _ rows: [[Double]]) -> [[Double]] {
            rows.map { r in
                (0..<layer.outputSize).map { c in
                    (0..<layer.inputSize).reduce(Double(layer.bias?.value[at: c] ?? 0)) {
                        $0 + r[$1] * Double(layer.weight.value[at: $1, c])
                    }
                }
            }
        }
        func norm(_ sublayer: SublayerNorm, _ rows: [[Double]]) -> [[Double]] {
            guard case .layer(let layer) = sublayer else { Issue.record("expected a LayerNorm"); return rows }
            return rows.map { r in
                let mu = r.reduce(0, +) / Double(r.count)
                let variance = r.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(r.count)
                return r.indices.map {
                    (r[$0] - mu) / (variance + 1e-5).squareRoot() * Double(layer.gain!.value[at: $0])
                        + Double(layer.bias!.value[at: $0])
                }
            }
        }
        func add(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] { zip(a, b).map { zip($0, $1).map { $0 + $1 } } }
        func rotate(_ r: [Double], _ i: Int) -> [Double] {
            guard block.useRoPE else { return r }
            var out = r
            let dh = block.headSize
            for head in 0..<block.heads {
                for t in 0..<(dh / 2) {
                    let angle = Double(i) * pow(10000, -2 * Double(t) / Double(dh))
                    let (a, b) = (r[head * dh + 2 * t], r[head * dh + 2 * t + 1])
                    out[head * dh + 2 * t] = a * cos(angle) - b * sin(angle)
                    out[head * dh + 2 * t + 1] = b * cos(angle) + a * sin(angle)
                }
            }
            return out
        }
        func attention(_ rows: [[Double]], valid: [Bool]) -> [[Double]] {
            let q = dense(block.query, rows).enumerated().map { rotate($1, $0) }
            let k = dense(block.key, rows).enumerated().map { rotate($1, $0) }
            let v = dense(block.value, rows)
            let dh = block.headSize
            var context = [[Double]](repeating: [Double](repeating: 0, count: block.dimension), count: rows.count)
            for head in 0..<block.heads {
                let cols = (head * dh)..<((head + 1) * dh)
                for i in rows.indices {
                    let s = rows.indices.map { j in
                        cols.reduce(0.0) { $0 + q[i][$1] * k[j][$1] } / Double(dh).squareRoot()
                    }
                    let top = rows.indices.filter { valid[$0] }.map { s[$0] }.max()!
                    let z = rows.indices.filter { valid[$0] }.reduce(0.0) { $0 + exp(s[$1] - top) }
                    for j in rows.indices where valid[j] {
                        for c in cols { context[i][c] += exp(s[j] - top) / z * v[j][c] }
                    }
                }
            }
            return dense(block.output, context)
        }
        func ffn(_ rows: [[Double]]) -> [[Double]] {
            dense(block.feedForwardOut, dense(block.feedForwardIn, rows).map { $0.map { max($0, 0) } })
        }
        var out: [Double] = []
        for b in 0..<x.shape[0] {
            let rows = (0..<n).map { i in (0..<d).map { Double(x[at: b, i, $0]) } }
            let valid = (0..<n).map { i in mask.map { $0[at: b, i] != 0 } ?? true }
            let y: [[Double]]
            switch block.normPosition {
            case .post:
                let h1 = norm(block.attentionNorm, add(rows, attention(rows, valid: valid)))
                y = norm(block.feedForwardNorm, add(h1, ffn(h1)))
            case .pre:
                let h1 = add(rows, attention(norm(block.attentionNorm, rows), valid: valid))
                y = add(h1, ffn(norm(block.feedForwardNorm, h1)))
            }
            out += y.flatMap { $0 }
        }
        return out
    }

    @Test(arguments: [NormPosition.post, .pre])
    func matchesTheEquationsLiterally(_ position: NormPosition) {
        for rope in [false, true] {
            for m in [nil, mask] {
                let block = makeBlock(position, rope: rope)
                let y = block(Variable(x), mask: m).value
                let ref = literal(block, x, mask: m)
                let worst = zip(y.scalars, ref).map { abs(Double($0) - $1) }.max()!
                let scale = ref.map(abs).max()!
                // Float arithmetic through two sublayers and two norms: a few ulps of the largest value, times ~10.
                #expect(worst < 2e-5 * max(scale, 1), "\(position) rope \(rope) mask \(m != nil): \(worst)")
            }
        }
    }

    @Test func parameterCount() {
        // 4d² + 2df weights, 4d + f + d biases, 4d norm parameters.
        #expect(makeBlock(.post).parameterCount == 4 * d * d + 2 * d * f + 4 * d + f + d + 4 * d)
    }

    @Test(arguments: [NormPosition.post, .pre])
    func paddedKeysAreIgnored(_ position: NormPosition) {
        let block = makeBlock(position, rope: true)
        var other = x
        other.withUnsafeMutableBufferPointer { p in for i in (2 * n - 2) * d..<(2 * n * d) { p[i] -= 3 } }
        let a = block(Variable(x), mask: mask).value, b = block(Variable(other), mask: mask).value
        for i in 0..<3 { for j in 0..<d { #expect(a[at: 1, i, j] == b[at: 1, i, j]) } }
    }

    @Test(arguments: [NormPosition.post, .pre])
    func gradients(_ position: NormPosition) {
        // Swish, not relu: a finite difference across relu's kink (h = 1e-2) would be a false alarm.
        let block = makeBlock(position, rope: true, activation: .swish)
        let rx = checkGradients([x]) { v in block(v[0], mask: mask) }
        #expect(rx.ok, "input: \(rx.message)")
        let rp = checkParameterGradients(block.parameters) { block(Variable(x), mask: mask) }
        #expect(rp.ok, "parameters: \(rp.message)")
    }
}
