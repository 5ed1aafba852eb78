import Testing
@testable import Kexue

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
