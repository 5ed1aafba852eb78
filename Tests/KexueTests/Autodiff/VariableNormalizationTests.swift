import Testing

@testable import Kexue

@Suite struct VariableNormalizationTests {
    let x = randomTensor([2, 3, 6], seed: 1, std: 2) + 0.5
    let gain = randomTensor([6], seed: 2) + 1
    let bias = randomTensor([6], seed: 3)

    @Test func layerNormGradients() {
        let plain = checkGradients([x]) { Variable.layerNorm($0[0]) }
        #expect(plain.ok, "plain: \(plain.message)")
        let gained = checkGradients([x, gain, bias]) { Variable.layerNorm($0[0], gain: $0[1], bias: $0[2]) }
        #expect(gained.ok, "gain+bias: \(gained.message)")
        let gainOnly = checkGradients([x, gain]) { Variable.layerNorm($0[0], gain: $0[1]) }
        #expect(gainOnly.ok, "gain: \(gainOnly.message)")
    }

    @Test func rmsNormGradients() {
        let plain = checkGradients([x]) { Variable.rmsNorm($0[0]) }
        #expect(plain.ok, "plain: \(plain.message)")
        let gained = checkGradients([x, gain]) { Variable.rmsNorm($0[0], gain: $0[1]) }
        #expect(gained.ok, "gain: \(gained.message)")
    }

    @Test func layerNormMatchesLiteralFormula() {
        let y = Variable.layerNorm(Variable(x), gain: Variable(gain), bias: Variable(bias), epsilon: 1e-5).value
        for r in 0..<6 {
            let row = x.reshaped([6, 6])[r].scalars.map(Double.init)
            let mu = row.reduce(0, +) / 6
            let variance = row.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / 6
            let normalized = Tolerance.normalized(
                dimension: 6, inputMagnitude: row.map(abs).max()!,
                deviation: (variance + 1e-5).squareRoot())
            for j in 0..<6 {
                let expected =
                    (row[j] - mu) / (variance + 1e-5).squareRoot() * Double(gain.scalars[j])
                    + Double(bias.scalars[j])
                // The norm's bound scaled by the gain, plus the rounding of the bias addition.
                let bound = normalized * abs(Double(gain.scalars[j])) + Tolerance.float * abs(expected)
                #expect(abs(Double(y.reshaped([6, 6])[at: r, j]) - expected) <= bound)
            }
        }
    }

    @Test func rmsNormMatchesLiteralFormula() {
        let y = Variable.rmsNorm(Variable(x), epsilon: 1e-6).value.reshaped([6, 6])
        for r in 0..<6 {
            let row = x.reshaped([6, 6])[r].scalars.map(Double.init)
            let rms = (row.map { $0 * $0 }.reduce(0, +) / 6 + 1e-6).squareRoot()
            let bound = Tolerance.normalized(dimension: 6, inputMagnitude: row.map(abs).max()!, deviation: rms)
            for j in 0..<6 { #expect(abs(Double(y[at: r, j]) - row[j] / rms) <= bound) }
        }
    }
}
