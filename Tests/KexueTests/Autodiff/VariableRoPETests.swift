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
        for m in 0..<5 { #expect(abs(scores[at: m, m + 3] - scores[at: 0, 3]) < 1e-5) }
    }

    @Test func headsLayoutRotatesEveryHeadAlike() {
        let x = randomTensor([4, 6], seed: 5)
        let stacked = Tensor.concatenate([x.expandingShape(at: 1), x.expandingShape(at: 1)], alongAxis: 1) // [4, 2, 6]
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
            #expect(abs(Double(y[at: 2 * i]) - cos(angle)) < 1e-6 && abs(Double(y[at: 2 * i + 1]) - sin(angle)) < 1e-6)
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
            for a in 0..<d { for b in 0..<d { #expect(abs(dot(cols[a], cols[b]) - (a == b ? 1 : 0)) < 1e-5) } }
        }
    }

    @Test func relativeProperty() {
        // ⟨R_m q, R_n k⟩ = ⟨q, R_{n−m} k⟩, including n < m (negative relative positions).
        let q = randomTensor([32], seed: 11), k = randomTensor([32], seed: 12)
        for (m, n) in [(0, 5), (5, 0), (17, 40), (100, 3)] {
            let lhs = dot(rotated(q, position: m), rotated(k, position: n))
            let rhs = dot(q, rotated(k, position: n - m))
            #expect(abs(lhs - rhs) < 1e-4 * max(1, abs(lhs)), "m \(m) n \(n): \(lhs) vs \(rhs)")
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
        #expect(abs(f[0] - 32.5) < 1e-12)                              // (d/2 + 1)/2 at distance 0
        // Decays: every window of 32 distances has a lower mean than the one before it, and the tail is a fraction
        // of the start.
        let means = stride(from: 0, to: 256, by: 32).map { s in f[s..<(s + 32)].reduce(0, +) / 32 }
        for (a, b) in zip(means, means.dropFirst()) { #expect(b < a, "window means \(means)") }
        #expect(means.last! < 0.35 * f[0])
    }
}
