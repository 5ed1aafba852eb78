import Testing

@testable import Kexue

@Suite struct TensorMatmulTests {
    /// Literal Σ_p A[i,p]·B[p,j] in Double on explicit transposes, with each element's bound: the k-term Float
    /// dot product's γ_k·Σ_p|A[i,p]·B[p,j]| (`Tolerance.dot`) plus u·|C| for rounding the reference to Float.
    func reference(_ a: Tensor, _ b: Tensor) -> (value: Tensor, bound: [Double]) {
        let m = a.shape[0], k = a.shape[1], n = b.shape[1]
        var out = [Float](repeating: 0, count: m * n), bound = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0, magnitude = 0.0
                for p in 0..<k {
                    let x = Double(a.scalars[i * k + p]) * Double(b.scalars[p * n + j])
                    s += x; magnitude += abs(x)
                }
                out[i * n + j] = Float(s)
                bound[i * n + j] = Tolerance.dot(length: k, magnitude: magnitude) + Tolerance.float * abs(s)
            }
        }
        return (Tensor(shape: [m, n], scalars: out), bound)
    }

    func close(_ x: Tensor, _ reference: (value: Tensor, bound: [Double])) -> Bool {
        x.shape == reference.value.shape && boundRatio(x, reference.value, bound: { reference.bound[$0] }).ratio <= 1
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
        for b in 0..<2 {
            for h in 0..<3 {
                #expect(close(s[b, h], reference(q[b, h], k[b, h].transposed())))
            }
        }
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
