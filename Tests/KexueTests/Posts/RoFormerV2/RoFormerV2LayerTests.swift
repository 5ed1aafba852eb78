import Testing
@testable import Kexue

@Suite struct RoFormerV2LayerTests {
    /// x / √(mean(x²) + ε) of one row, literally, in Double.
    func literalNorm(_ z: [Double], epsilon: Double = 1e-12) -> [Double] {
        let meanSquare = z.map { $0 * $0 }.reduce(0, +) / Double(z.count)
        return z.map { $0 / (meanSquare + epsilon).squareRoot() }
    }

    @Test func hasNoBiasesAndNoGains() {
        var rng = SeededRNG(seed: 1)
        let layer = RoFormerV2Layer(hiddenSize: 32, heads: 4, rng: &rng)
        #expect(layer.parameters.count == 6, "only the six weight matrices")
        #expect(layer.parameters.allSatisfy { $0.rank == 2 })
        #expect(!layer.parameters.contains { $0.name.contains("bias") || $0.name.contains("gain") })
        #expect(layer.parameterCount == 12 * 32 * 32)
        #expect(layer.parameterCount == TransformerLayerCost.roFormerV2(hiddenSize: 32, heads: 4).parameters)
    }

    @Test func bertStyleBlockCountMatchesTheFormula() {
        var rng = SeededRNG(seed: 2)
        let block = TransformerBlock(dimension: 32, heads: 4, useRoPE: true, rng: &rng)
        #expect(block.parameterCount == 12 * 32 * 32 + 13 * 32)
        #expect(block.parameterCount == TransformerLayerCost.bert(hiddenSize: 32, heads: 4).parameters)
        let odd = TransformerBlock(dimension: 24, heads: 3, feedForwardSize: 40, rng: &rng)
        #expect(odd.parameterCount == TransformerLayerCost.bert(hiddenSize: 24, heads: 3, intermediateSize: 40).parameters)
    }

    @Test func forwardIsPostNormWithTheGainFreeRMSNormLiterally() {
        // y = Norm(x + α·Attn(x)), z = Norm(y + α·FFN(y)), Norm evaluated row by row in Double.
        var rng = SeededRNG(seed: 3)
        let layer = RoFormerV2Layer(hiddenSize: 16, heads: 2, rng: &rng)
        let x = randomTensor([2, 5, 16], seed: 4, std: 2)
        for alpha: Float in [1, 0.3] {
            layer.residualScale = alpha
            let out = layer(Variable(x)).value
            let a = layer.block.attention(Variable(x)).value
            let y = Tensor(shape: x.shape, scalars: (0..<10).flatMap { r in
                literalNorm((0..<16).map { Double(x.scalars[r * 16 + $0]) + Double(alpha) * Double(a.scalars[r * 16 + $0]) })
                    .map(Float.init)
            })
            let f = layer.block.feedForward(Variable(y)).value
            var worst = 0.0
            for r in 0..<10 {
                let z = literalNorm((0..<16).map { Double(y.scalars[r * 16 + $0]) + Double(alpha) * Double(f.scalars[r * 16 + $0]) })
                for j in 0..<16 { worst = max(worst, abs(z[j] - Double(out.scalars[r * 16 + j]))) }
            }
            #expect(worst < 1e-4, "α = \(alpha): max |layer − literal| = \(worst)")
        }
    }

    @Test func alphaZeroIsTheNormOfTheInput() {
        var rng = SeededRNG(seed: 5)
        let layer = RoFormerV2Layer(hiddenSize: 16, heads: 2, rng: &rng)
        layer.residualScale = 0
        let x = randomTensor([1, 7, 16], seed: 6, std: 3)
        let expected = Variable.rmsNorm(Variable(x)).value
        #expect(maxAbsDifference(layer(Variable(x)).value, expected) < 1e-5)
    }

    @Test func initializerConstantAndFan() {
        // 1.13684723 = 1 / std of N(0, 1) truncated at ±2.
        #expect(abs(RoFormerV2Layer.truncatedNormalConstant * Initializer.truncatedStdCorrection - 1) < 1e-8)
        #expect(RoFormerV2Layer.initializer(for: [256, 64]).scale(for: [256, 64]) == Float(1.13684723 / 16))
        // Embedding tables (first axis above 10000) take their fan from the second axis.
        #expect(RoFormerV2Layer.initializer(for: [20000, 64]).scale(for: [20000, 64]) == Float(1.13684723 / 8))
        #expect(RoFormerV2Layer.initializer(for: [64, 64], layers: 4).scale(for: [64, 64]) == Float(1.13684723 / 8 / 2))
        // The actual std of the drawn weights is 1/√fan.
        var rng = SeededRNG(seed: 7)
        let w = RoFormerV2Layer.initializer(for: [256, 256]).make([256, 256], rng: &rng)
        let std = (w.squaredNorm() / Double(w.count)).squareRoot()
        #expect(abs(std * 16 - 1) < 0.01, "std·√fan = \(std * 16)")
        #expect(w.max() <= Float(2 * 1.13684723 / 16) && w.min() >= -Float(2 * 1.13684723 / 16))
    }

    @Test func residualWarmupIsLinearThenOne() {
        let warmup = ResidualWarmup(steps: 4)
        #expect((0...6).map { warmup.alpha(at: $0) } == [0, 0.25, 0.5, 0.75, 1, 1, 1])
        #expect(ResidualWarmup(steps: 0).alpha(at: 0) == 1)
    }

    @Test func flopCounts() {
        // h = 4, i = 16, n = 3, one head, no RoPE: projections 4·2·3·16 + 2·2·3·4·16, attention 2·2·9·4.
        let bert = TransformerLayerCost.bert(hiddenSize: 4, heads: 1, batch: 1, length: 3)
        #expect(bert.matmulFLOPs == 384 + 768 + 144)
        // scores 9·6, activation 48, residuals 24, biases 3·(20 + 16), LayerNorms 3·4·2·8.
        #expect(bert.elementwiseFLOPs == 54 + 48 + 24 + 108 + 192)
        let v2 = TransformerLayerCost.roFormerV2(hiddenSize: 4, heads: 1, batch: 1, length: 3)
        #expect(v2.matmulFLOPs == bert.matmulFLOPs)
        // RoPE 2·3·12 and RMS norms 3·4·2·3 instead of biases and LayerNorms.
        #expect(v2.elementwiseFLOPs == 54 + 48 + 24 + 72 + 72)
        #expect(v2.totalFLOPs == v2.matmulFLOPs + v2.elementwiseFLOPs)
    }

    @Test func layerMatricesUseTheLiteralInitializer() {
        // The layer's LeCun normal and bert4keras's rule give the same draws, for every matrix shape of a layer.
        for shape in [[32, 32], [32, 128], [128, 32]] {
            var a = SeededRNG(seed: 12), b = SeededRNG(seed: 12)
            let lecun = Initializer.lecunNormal.make(shape, rng: &a)
            let literal = RoFormerV2Layer.initializer(for: shape).make(shape, rng: &b)
            #expect(maxAbsDifference(lecun, literal) <= 1e-6 * literal.abs().max(), "shape \(shape)")
        }
        var rng = SeededRNG(seed: 13)
        let layer = RoFormerV2Layer(hiddenSize: 32, heads: 2, rng: &rng)
        var again = SeededRNG(seed: 13)
        let wq = RoFormerV2Layer.initializer(for: [32, 32]).make([32, 32], rng: &again)
        #expect(maxAbsDifference(layer.parameters[0].value, wq) < 1e-6)
    }

    @Test func gradientsMatchFiniteDifferences() {
        var rng = SeededRNG(seed: 8)
        let layer = RoFormerV2Layer(hiddenSize: 8, heads: 2, intermediateSize: 12, rng: &rng)
        layer.residualScale = 0.7
        let x = randomTensor([2, 3, 8], seed: 9)
        let input = checkGradients([x]) { layer($0[0]) }
        #expect(input.ok, "input: \(input.message)")
        let parameters = checkParameterGradients(layer.parameters) { layer(Variable(x)) }
        #expect(parameters.ok, "parameters: \(parameters.message)")
    }

    @Test func paddedKeysDoNotChangeTheRealTokens() {
        var rng = SeededRNG(seed: 14)
        let layer = RoFormerV2Layer(hiddenSize: 8, heads: 2, rng: &rng)
        let x = randomTensor([1, 5, 8], seed: 15)
        let padded = Tensor.concatenate([x, randomTensor([1, 2, 8], seed: 16)], alongAxis: 1)
        let mask = Tensor(shape: [1, 7], scalars: [1, 1, 1, 1, 1, 0, 0])
        let full = layer(Variable(x)).value
        let withPadding = layer(Variable(padded), mask: mask).value
        #expect(maxAbsDifference(full, Tensor(shape: [1, 5, 8], scalars: Array(withPadding.scalars[0..<40]))) < 1e-5)
    }
}
