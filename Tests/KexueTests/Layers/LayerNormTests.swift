import Testing
@testable import Kexue

@Suite struct LayerNormTests {
    @Test func countsAndNormalisedRows() {
        let ln = LayerNorm(dimension: 6)
        #expect(ln.parameterCount == 12)
        #expect(ln.parameters.map(\.name) == ["layerNorm.gain", "layerNorm.bias"])
        #expect(LayerNorm(dimension: 6, scale: false, center: false).parameterCount == 0)
        let x = randomTensor([3, 6], seed: 7, std: 3) + 2
        let y = ln(Variable(x)).value
        for r in 0..<3 {
            #expect(abs(y[r].mean()) < 1e-5)
            #expect(abs(y[r].squared().mean() - 1) < 1e-4)
        }
    }
}
