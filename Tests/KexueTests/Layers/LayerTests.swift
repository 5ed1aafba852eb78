import Testing

@testable import Kexue

@Suite struct LayerTests {
    @Test func layerArraysCountTogether() {
        var rng = SeededRNG(seed: 8)
        let layers: [any Layer] = [Dense(inputSize: 2, outputSize: 2, rng: &rng), LayerNorm(dimension: 2)]
        #expect(layers.parameterCount == 6 + 4)
        #expect(layers.parameters.count == 4)
    }
}

@Suite struct LayerGradientNormTests {
    @Test func gradientNormIsTheNormOfAllParameterGradients() {
        var rng = SeededRNG(seed: 1)
        let d = Dense(inputSize: 3, outputSize: 2, rng: &rng)
        #expect(d.gradientNorm() == 0)
        d(Variable(Tensor.ones([4, 3]))).sum().backward()
        // ∂/∂W = Σ_rows xᵀ·1 = 4 everywhere (6 entries), ∂/∂b = 4 (2 entries): √(8·16).
        #expect(abs(d.gradientNorm() - (8.0 * 16).squareRoot()) < 1e-9)
    }
}
