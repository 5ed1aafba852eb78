import Testing

@testable import Kexue

@Suite struct RMSNormTests {
    @Test func countsAndUnitRMS() {
        let rms = RMSNorm(dimension: 6)
        #expect(rms.parameterCount == 6)
        #expect(RMSNorm(dimension: 6, scale: false).parameterCount == 0)
        let x = randomTensor([3, 6], seed: 7, std: 3) + 2
        let z = rms(Variable(x)).value
        // Each z_i is within `Tolerance.normalized` of x_i/rms (ε = 1e-12 moves it by ~1e-13 relative); z_i² then
        // errs by 2|z_i|·that, and the square, the 6-term sum and the division add γ_8 relative to mean(z²) = 1.
        for r in 0..<3 {
            let row = x[r].scalars.map(Double.init)
            let rms = (row.map { $0 * $0 }.reduce(0, +) / 6).squareRoot()
            let perElement = Tolerance.normalized(dimension: 6, inputMagnitude: row.map(abs).max()!, deviation: rms)
            let bound = 2 * Double(z[r].abs().max()) * perElement + Tolerance.gamma(8)
            #expect(abs(Double(z[r].squared().mean()) - 1) <= bound)
        }
    }
}
