import Testing

@testable import Kexue

@Suite struct VariableSpanScoresTests {
    let padding = [[true, true, true, true, true], [true, true, true, false, false]]

    /// The unfused composition the op replaces: split, permute, q·kᵀ, scale, + SpanMask.
    func composed(_ x: Variable, triangle: Bool) -> Variable {
        let (b, n, m, d2) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let parts = x.split(sizes: [d2 / 2, d2 / 2], alongAxis: 3)
        var s =
            Variable.matmul(parts[0].permuted([0, 2, 1, 3]), parts[1].permuted([0, 2, 1, 3]), transposeB: true)
            * 0.5
        if let mask = SpanMask.additive(padding: padding, batch: b, length: n, triangle: triangle) { s = s + mask }
        _ = m
        return s
    }

    /// Σ_p |q_p k_p|·scale for every cell, `[b, m, n, n]`: the magnitude the score's rounding is relative to.
    func composedMagnitude(_ x: Tensor, scale: Float = 0.5) -> Tensor {
        let parts = x.abs().split(sizes: [x.shape[3] / 2, x.shape[3] / 2], alongAxis: 3)
        return Tensor.matmul(parts[0].permuted([0, 2, 1, 3]), parts[1].permuted([0, 2, 1, 3]), transposeB: true) * scale
    }

    @Test(arguments: [true, false])
    func equalsTheComposition(triangle: Bool) {
        let x = randomTensor([2, 5, 3, 8], seed: 1)
        let fused = Variable(x).globalPointerScores(scale: 0.5, padding: padding, triangle: triangle).value
        let reference = composed(Variable(x), triangle: triangle).value
        #expect(fused.shape == [2, 3, 5, 5])
        // Both are 4-term Float dot products scaled by ½ (exact): each within γ_4·Σ|q_p k_p|/2 of the exact score.
        let magnitude = composedMagnitude(x)
        for (index, (a, e)) in zip(fused.scalars, reference.scalars).enumerated() {
            if e == -.infinity {
                #expect(a == -.infinity)
            } else {
                #expect(
                    abs(Double(a) - Double(e)) <= 2
                        * Tolerance.dot(length: 4, magnitude: Double(magnitude.scalars[index])))
            }
        }
    }

    @Test func unmaskedMatchesTooAndGradientsAreRight() {
        let x = randomTensor([2, 4, 2, 6], seed: 2)
        let fused = Variable(x).globalPointerScores(scale: 0.5, padding: nil, triangle: false).value
        let parts = x.split(sizes: [3, 3], alongAxis: 3)
        let reference =
            Tensor.matmul(
                parts[0].permuted([0, 2, 1, 3]), parts[1].permuted([0, 2, 1, 3]),
                transposeB: true) * 0.5
        let bound = composedMagnitude(x).scalars.map { 2 * Tolerance.dot(length: 3, magnitude: Double($0)) }
        #expect(boundRatio(fused, reference) { bound[$0] }.ratio <= 1)
        let r = checkGradients([x]) { $0[0].globalPointerScores(scale: 0.5, padding: nil, triangle: false) }
        #expect(r.ok, "\(r.message)")
        let v = Variable(randomTensor([2, 5, 3, 4], seed: 3), requiresGrad: true)
        let masked = checkParameterGradients([v]) {
            v.globalPointerScores(scale: 0.7, padding: padding, triangle: true)
        }
        #expect(masked.ok, "\(masked.message)")
    }
}
