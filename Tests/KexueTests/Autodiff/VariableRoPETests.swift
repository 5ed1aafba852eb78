import Testing

@testable import Kexue

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct VariableRoPETests {
    let table = RoPETable(positions: 8, dim: 6)

    @Test func gradientsBothLayouts() {
        let x = randomTensor([2, 5, 6], seed: 1)
        let r = checkGradients([x]) { $0[0].rope(table: table) }
        #expect(r.ok, "\(r.message)")
        let h = randomTensor([2, 4, 3, 6], seed: 2)
        let rh = checkGradients([h]) { $0[0].rope(table: table, headsAfterPositions: true) }
        #expect(rh.ok, "\(rh.message)")
    }

    @Test func relativePropertyThroughTheScores() {
        // ⟨R_m q, R_n k⟩ depends only on n − m: scores of rotated copies of one q and one k along a diagonal agree.
        let q = randomTensor([1, 6], seed: 3), k = randomTensor([1, 6], seed: 4)
        let qs = Variable(Tensor.concatenate(Array(repeating: q, count: 8), alongAxis: 0)).rope(table: table).value
        let ks = Variable(Tensor.concatenate(Array(repeating: k, count: 8), alongAxis: 0)).rope(table: table).value
        let scores = Tensor.matmul(qs, ks, transposeB: true)
        // Each score is a 6-term Float dot of rotated pairs: |q'_i k'_i| summed is at most P = 2·Σ_pairs
        // (|q₀| + |q₁|)(|k₀| + |k₁|) (a rotation keeps a pair's norm, |a| + |b| ≤ √2·norm); the dot adds γ_6·P and
        // the rotations 4u·(pair sums) on each side, ≤ 8u·P; two scores differ by at most twice that.
        let p =
            2
            * stride(from: 0, to: 6, by: 2).reduce(0.0) { s, i in
                s + Double(abs(q.scalars[i]) + abs(q.scalars[i + 1]))
                    * Double(abs(k.scalars[i]) + abs(k.scalars[i + 1]))
            }
        let bound = 2 * (Tolerance.dot(length: 6, magnitude: p) + 2 * Tolerance.rope(pairMagnitude: p))
        for m in 0..<5 { #expect(abs(Double(scores[at: m, m + 3]) - Double(scores[at: 0, 3])) <= bound) }
    }

    @Test func headsLayoutRotatesEveryHeadAlike() {
        let x = randomTensor([4, 6], seed: 5)
        let stacked = Tensor.concatenate([x.expandingShape(at: 1), x.expandingShape(at: 1)], alongAxis: 1)  // [4, 2, 6]
        let y = Variable(stacked).rope(table: table, headsAfterPositions: true).value
        let y1 = Variable(x).rope(table: table).value
        #expect(maxAbsDifference(y.split(sizes: [1, 1], alongAxis: 1)[1].reshaped([4, 6]), y1) == 0)
    }
}

@Suite struct RoPEPropertyTests {
    /// R_m applied to one vector of width d at position m (table starting at m).
    func rotated(_ x: Tensor, position m: Int) -> Tensor {
        Variable(x.reshaped([1, x.count])).rope(table: RoPETable(positions: 1, dim: x.count, start: m)).value
            .reshaped([x.count])
    }

    func dot(_ a: Tensor, _ b: Tensor) -> Double { zip(a.scalars, b.scalars).reduce(0) { $0 + Double($1.0 * $1.1) } }

    @Test func layoutIsInterleavedPairsWithTheReferenceThetas() {
        // e_{2i} at position m goes to cos(mθ_i)e_{2i} + sin(mθ_i)e_{2i+1}, θ_i = 10000^(−2i/d).
        let d = 8, m = 3
        for i in 0..<(d / 2) {
            var e = Tensor.zeros([d])
            e.withUnsafeMutableBufferPointer { $0[2 * i] = 1 }
            let y = rotated(e, position: m)
            let angle = Double(m) * pow(10000, -2 * Double(i) / Double(d))
            // 1·cos − 0·sin is exact: the only error is the table's rounding of cos and sin to Float (u relative),
            // plus the Double angle's own rounding (a few u_double·angle).
            let angleError = 4 * Tolerance.double * angle
            #expect(abs(Double(y[at: 2 * i]) - cos(angle)) <= Tolerance.float * abs(cos(angle)) + angleError)
            #expect(abs(Double(y[at: 2 * i + 1]) - sin(angle)) <= Tolerance.float * abs(sin(angle)) + angleError)
        }
    }

    @Test func rotationsAreOrthogonal() {
        // Columns R_m e_c are orthonormal: RᵀR = I.
        let d = 16
        for m in [0, 1, 7, 1000] {
            let cols = (0..<d).map { c -> Tensor in
                var e = Tensor.zeros([d])
                e.withUnsafeMutableBufferPointer { $0[c] = 1 }
                return rotated(e, position: m)
            }
            // The columns' entries are the table's cos and sin (u each); `dot` rounds each product to Float (u) and
            // sums 16 of them in Double: |Δ| ≤ 3u·Σ|a_i b_i| + γ_16(Double)·Σ|a_i b_i|.
            for a in 0..<d {
                for b in 0..<d {
                    let magnitude = zip(cols[a].scalars, cols[b].scalars).reduce(0.0) { $0 + Double(abs($1.0 * $1.1)) }
                    let bound =
                        3 * Tolerance.float * magnitude
                        + Tolerance.dot(length: d, magnitude: magnitude, unit: Tolerance.double)
                    #expect(abs(dot(cols[a], cols[b]) - (a == b ? 1 : 0)) <= bound, "m \(m) columns \(a), \(b)")
                }
            }
        }
    }

    @Test func relativeProperty() {
        // ⟨R_m q, R_n k⟩ = ⟨q, R_{n−m} k⟩, including n < m (negative relative positions).
        let q = randomTensor([32], seed: 11), k = randomTensor([32], seed: 12)
        for (m, n) in [(0, 5), (5, 0), (17, 40), (100, 3)] {
            let lhs = dot(rotated(q, position: m), rotated(k, position: n))
            let rhs = dot(q, rotated(k, position: n - m))
            // P = 2·Σ_pairs (|q₀| + |q₁|)(|k₀| + |k₁|) bounds Σ|q'_i k'_i| for rotated q', k'. lhs: two rotations
            // (4u·pair sums each, `Tolerance.rope`) and Float products (u): 9u·P; rhs: one rotation, 5u·P.
            let p =
                2
                * stride(from: 0, to: 32, by: 2).reduce(0.0) { s, i in
                    s + Double(abs(q.scalars[i]) + abs(q.scalars[i + 1]))
                        * Double(abs(k.scalars[i]) + abs(k.scalars[i + 1]))
                }
            let bound = 3 * Tolerance.rope(pairMagnitude: p) + 2 * Tolerance.float * p
            #expect(abs(lhs - rhs) <= bound, "m \(m) n \(n): \(lhs) vs \(rhs), bound \(bound)")
        }
    }

    /// The post's long-range decay curve: f(m) = (1/(d/2)) Σ_j |Σ_{i≤j} e^{i m θ_i}|.
    static func decay(_ m: Int, dim d: Int) -> Double {
        var re = 0.0, im = 0.0, total = 0.0
        for i in 0..<(d / 2) {
            let angle = Double(m) * pow(10000, -2 * Double(i) / Double(d))
            re += cos(angle); im += sin(angle)
            total += (re * re + im * im).squareRoot()
        }
        return total / Double(d / 2)
    }

    @Test func longRangeDecayForD128() {
        let f = (0...256).map { Self.decay($0, dim: 128) }
        // At distance 0 every angle is 0: the partial sums are the integers 1…64 and their mean 32.5, all exact.
        #expect(f[0] == 32.5)  // (d/2 + 1)/2
        // Decays: every window of 32 distances has a lower mean than the one before it, and the tail is a fraction
        // of the start.
        let means = stride(from: 0, to: 256, by: 32).map { s in f[s..<(s + 32)].reduce(0, +) / 32 }
        for (a, b) in zip(means, means.dropFirst()) { #expect(b < a, "window means \(means)") }
        // Not a rounding bound: the post's figure shows the curve at about a quarter of f(0) by m ≈ 256 (the last
        // window's mean is 7.80 = 0.24·f(0) in Double); 0.35 asserts "a fraction" with room for the window choice.
        #expect(means.last! < 0.35 * f[0])
    }
}
