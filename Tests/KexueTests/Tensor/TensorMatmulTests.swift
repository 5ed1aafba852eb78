import Testing
@testable import Kexue

@Suite struct TensorMatmulTests {
    /// Literal Σ_p A[i,p]·B[p,j] in Double on explicit transposes.
    func reference(_ a: Tensor, _ b: Tensor) -> Tensor {
        let m = a.shape[0], k = a.shape[1], n = b.shape[1]
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += Double(a.scalars[i * k + p]) * Double(b.scalars[p * n + j]) }
            out[i * n + j] = Float(s)
        } }
        return Tensor(shape: [m, n], scalars: out)
    }

    // Tolerance: a k-term Float dot product errs by at most ~k·ulp·Σ|a·b|; with unit normals Σ|a·b| ≈ 0.64k,
    // so k·k·6e-8 ≤ 1e-4 for k ≤ 33; use 1e-4 plus a 1e-5·|ref| relative part.
    func close(_ x: Tensor, _ y: Tensor) -> Bool {
        x.shape == y.shape && zip(x.scalars, y.scalars).allSatisfy { abs($0 - $1) <= 1e-4 + 1e-5 * abs($1) }
    }

    @Test(arguments: [(1, 1, 1), (3, 4, 5), (7, 13, 2), (17, 1, 9), (16, 33, 8)])
    func allTransposeForms(_ m: Int, _ k: Int, _ n: Int) {
        let a = randomTensor([m, k], seed: 1), b = randomTensor([k, n], seed: 2)
        let ref = reference(a, b)
        #expect(close(Tensor.matmul(a, b), ref))
        #expect(close(Tensor.matmul(a, b.transposed(), transposeB: true), ref))
        #expect(close(Tensor.matmul(a.transposed(), b, transposeA: true), ref))
        #expect(close(Tensor.matmul(a.transposed(), b.transposed(), transposeA: true, transposeB: true), ref))
    }

    @Test func batchedTokenPairScores() {
        // GlobalPointer's bmd,bnd->bmn.
        let q = randomTensor([2, 3, 5, 4], seed: 3), k = randomTensor([2, 3, 6, 4], seed: 4)
        let s = Tensor.matmul(q, k, transposeB: true)
        #expect(s.shape == [2, 3, 5, 6])
        for b in 0..<2 { for h in 0..<3 {
            #expect(close(s[b, h], reference(q[b, h], k[b, h].transposed())))
        } }
    }

    @Test func batchedTimesSharedMatrix() {
        let x = randomTensor([2, 5, 3], seed: 5), w = randomTensor([3, 4], seed: 6)
        let y = Tensor.matmul(x, w)
        #expect(y.shape == [2, 5, 4])
        #expect(close(y[1], reference(x[1], w)))
        let xt = Tensor.matmul(x.transposed(), w, transposeA: true)
        #expect(close(xt[0], reference(x[0], w)))
    }

    @Test func emptyInnerDimensionGivesZeros() {
        #expect(Tensor.matmul(Tensor.zeros([2, 0]), Tensor.zeros([0, 3])) == Tensor.zeros([2, 3]))
    }
}
