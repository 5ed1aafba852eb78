import Testing

@testable import Kexue

@Suite struct VariableLinearTests {
    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func matmul2D(_ ta: Bool, _ tb: Bool) {
        let a = randomTensor(ta ? [4, 3] : [3, 4], seed: 1), b = randomTensor(tb ? [5, 4] : [4, 5], seed: 2)
        let r = checkGradients([a, b]) { Variable.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
        #expect(r.ok, "\(r.message)")
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func matmulBatched(_ ta: Bool, _ tb: Bool) {
        let a = randomTensor(ta ? [2, 3, 4, 3] : [2, 3, 3, 4], seed: 3)
        let b = randomTensor(tb ? [2, 3, 5, 4] : [2, 3, 4, 5], seed: 4)
        let r = checkGradients([a, b]) { Variable.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
        #expect(r.ok, "\(r.message)")
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func matmulBatchedWithSharedMatrix(_ ta: Bool, _ tb: Bool) {
        let a = randomTensor(ta ? [2, 4, 3] : [2, 3, 4], seed: 5), b = randomTensor(tb ? [5, 4] : [4, 5], seed: 6)
        let r = checkGradients([a, b]) { Variable.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
        #expect(r.ok, "\(r.message)")
    }
}
