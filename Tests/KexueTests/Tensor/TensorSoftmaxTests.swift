import Testing

@testable import Kexue

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct TensorSoftmaxTests {
    @Test func softmaxMatchesLiteralFormula() {
        let x = randomTensor([3, 7], seed: 1)
        let y = x.softmax()
        let magnitude = Double(x.abs().max())
        let weight = Tolerance.softmax(length: 7, logitMagnitude: magnitude)
        for r in 0..<3 {
            let row = x[r].scalars.map(Double.init)
            let z = row.map { Glibc.exp($0) }.reduce(0, +)
            for j in 0..<7 { #expect(abs(Double(y[at: r, j]) - Glibc.exp(row[j]) / z) <= weight) }
            // Seven weights, each within p·(relative bound), sum to 1 within that bound plus the sum's γ_7.
            #expect(abs(Double(y[r].sum()) - 1) <= weight + Tolerance.gamma(7))
        }
        // log p from the weight (relative error `weight`/p … bounded via p ≥ e^{−2·magnitude}/7) vs log-softmax.
        let smallest = Double(y.min())
        let logBound =
            Tolerance.logSumExp(length: 7, logitMagnitude: magnitude) + weight / smallest
            + Tolerance.relative(Double(y.log().abs().max()), roundings: 0, elementary: 1)
        #expect(Double(maxAbsDifference(x.logSoftmax(), y.log())) <= logBound)
    }

    @Test func hugeLogitsDoNotOverflow() {
        let x = Tensor([[1e4, 0, -1e4], [1e4, 1e4, -1e4]])
        let y = x.softmax()
        #expect(y.scalars == [1, 0, 0, 0.5, 0.5, 0])
        #expect(x.logSumExp().scalars[0] == 1e4)
        #expect(
            abs(Double(x.logSumExp().scalars[1]) - (1e4 + Glibc.log(2.0)))
                <= Tolerance.logSumExp(length: 3, logitMagnitude: 1e4))
        #expect(x.logSoftmax().scalars.allSatisfy { !$0.isNaN })
    }

    @Test func fullyMaskedRowsAreZerosNotNaN() {
        let x = Tensor([[-Float.infinity, -Float.infinity], [0, -Float.infinity]])
        #expect(x.softmax().scalars == [0, 0, 1, 0])
        #expect(x.logSumExp().scalars == [-.infinity, 0])
        #expect(x.logSoftmax().scalars == [-.infinity, -.infinity, 0, -.infinity])
    }

    @Test func logSumExpKeepdims() {
        #expect(Tensor.zeros([2, 4]).logSumExp(keepdims: true).shape == [2, 1])
        #expect(
            abs(Double(Tensor.zeros([4]).logSumExp().scalar) - Glibc.log(4.0))
                <= Tolerance.logSumExp(length: 4, logitMagnitude: 0))
    }
}
