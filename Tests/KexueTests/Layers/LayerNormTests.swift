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
        // Each y_i is within `Tolerance.normalized` of (x_i − μ)/σ (ε = 1e-12 is ~1e-13 of σ² here), whose mean is
        // 0 and mean square 1; the mean adds γ_7·mean|y|, the mean square 2|y_i|·that per element plus γ_8.
        for r in 0..<3 {
            let row = x[r].scalars.map(Double.init)
            let mu = row.reduce(0, +) / 6
            let sigma = (row.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / 6).squareRoot()
            let perElement = Tolerance.normalized(dimension: 6, inputMagnitude: row.map(abs).max()!, deviation: sigma)
            let yMax = Double(y[r].abs().max())
            #expect(abs(Double(y[r].mean())) <= perElement + Tolerance.gamma(7) * yMax)
            #expect(abs(Double(y[r].squared().mean()) - 1) <= 2 * yMax * perElement + Tolerance.gamma(8))
        }
    }
}
