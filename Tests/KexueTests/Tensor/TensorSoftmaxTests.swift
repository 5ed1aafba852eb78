import Testing
@testable import Kexue
#if canImport(Glibc)
import Glibc
#endif

@Suite struct TensorSoftmaxTests {
    @Test func softmaxMatchesLiteralFormula() {
        let x = randomTensor([3, 7], seed: 1)
        let y = x.softmax()
        for r in 0..<3 {
            let row = x[r].scalars.map(Double.init)
            let z = row.map { Glibc.exp($0) }.reduce(0, +)
            for j in 0..<7 { #expect(abs(Double(y[at: r, j]) - Glibc.exp(row[j]) / z) < 1e-6) }
            #expect(abs(y[r].sum() - 1) < 1e-6)
        }
        #expect(maxAbsDifference(x.logSoftmax(), y.log()) < 1e-5)
    }

    @Test func hugeLogitsDoNotOverflow() {
        let x = Tensor([[1e4, 0, -1e4], [1e4, 1e4, -1e4]])
        let y = x.softmax()
        #expect(y.scalars == [1, 0, 0, 0.5, 0.5, 0])
        #expect(x.logSumExp().scalars[0] == 1e4)
        #expect(abs(x.logSumExp().scalars[1] - (1e4 + 0.6931472)) < 1e-2)
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
        #expect(abs(Tensor.zeros([4]).logSumExp().scalar - Float(Glibc.log(4.0))) < 1e-6)
    }
}
