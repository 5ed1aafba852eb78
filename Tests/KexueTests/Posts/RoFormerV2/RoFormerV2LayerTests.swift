import Testing

@testable import Kexue

@Suite struct RoFormerV2LayerTests {
    /// x / √(mean(x²) + ε) of one row, literally, in Double.
    func literalNorm(_ z: [Double], epsilon: Double = 1e-12) -> [Double] {
        let meanSquare = z.map { $0 * $0 }.reduce(0, +) / Double(z.count)
        return z.map { $0 / (meanSquare + epsilon).squareRoot() }
    }

    func norm2(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

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
        #expect(
            odd.parameterCount == TransformerLayerCost.bert(hiddenSize: 24, heads: 3, intermediateSize: 40).parameters)
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
            let y = Tensor(
                shape: x.shape,
                scalars: (0..<10).flatMap { r in
                    literalNorm(
                        (0..<16).map { Double(x.scalars[r * 16 + $0]) + Double(alpha) * Double(a.scalars[r * 16 + $0]) }
                    )
                    .map(Float.init)
                })
            let f = layer.block.feedForward(Variable(y)).value
            // Bound per row, derived: the layer's y differs from this literal y by the first norm's Float error e₁
            // (`Tolerance.normalized`, plus the residual's 2u·(|x| + α|a|)/rms); the FFN (relu, Lipschitz ≤
            // ‖W_in‖_F·‖W_out‖_F) carries ‖Δy‖₂ into f, and both FFN evaluations round by γ_(16+i) of
            // |W_out|ᵀ·|W_in|ᵀ·|y|; the second norm divides the 2-norm of its input's error by its rms (the Jacobian
            // of v/rms(v) has norm 1/rms(v)) and adds its own `Tolerance.normalized`.
            let (wIn, wOut) = (layer.block.feedForwardIn.weight.value, layer.block.feedForwardOut.weight.value)
            let lipschitz = (wIn.squaredNorm() * wOut.squaredNorm()).squareRoot()
            let fMagnitude = Tensor.matmul(Tensor.matmul(y.abs(), wIn.abs()), wOut.abs())
            let ffnRounding = Tolerance.gamma(16 + wIn.shape[1])
            var worst = 0.0
            for r in 0..<10 {
                let row = (0..<16).map { r * 16 + $0 }
                let v1 = row.map { Double(x.scalars[$0]) + Double(alpha) * Double(a.scalars[$0]) }
                let rms1 = (v1.map { $0 * $0 }.reduce(0, +) / 16).squareRoot()
                let residual1 = row.map {
                    2 * Tolerance.float * (abs(Double(x.scalars[$0])) + Double(alpha) * abs(Double(a.scalars[$0])))
                }
                let e1 =
                    Tolerance.normalized(dimension: 16, inputMagnitude: v1.map(abs).max()!, deviation: rms1)
                    + norm2(residual1) / rms1 + Tolerance.float  // + y's rounding to Float here
                let v2 = row.map { Double(y.scalars[$0]) + Double(alpha) * Double(f.scalars[$0]) }
                let rms2 = (v2.map { $0 * $0 }.reduce(0, +) / 16).squareRoot()
                let dy = 4 * e1  // ‖Δy‖₂ ≤ √16·max
                let dv = row.map {
                    dy + Double(alpha) * (lipschitz * dy + 2 * ffnRounding * Double(fMagnitude.scalars[$0]))
                        + 2 * Tolerance.float
                        * (abs(Double(y.scalars[$0])) + Double(alpha) * abs(Double(f.scalars[$0])))
                }
                let bound =
                    Tolerance.normalized(dimension: 16, inputMagnitude: v2.map(abs).max()!, deviation: rms2)
                    + norm2(dv) / rms2
                let z = literalNorm(v2)
                for (j, i) in row.enumerated() { worst = max(worst, abs(z[j] - Double(out.scalars[i])) / bound) }
            }
            #expect(worst <= 1, "α = \(alpha): max |layer − literal|/bound = \(worst)")
        }
    }

    @Test func alphaZeroIsTheNormOfTheInput() {
        var rng = SeededRNG(seed: 5)
        let layer = RoFormerV2Layer(hiddenSize: 16, heads: 2, rng: &rng)
        layer.residualScale = 0
        let x = randomTensor([1, 7, 16], seed: 6, std: 3)
        let expected = Variable.rmsNorm(Variable(x)).value
        // With α = 0 the sublayers are multiplied by exactly 0, x + 0 = x, and Norm(Norm(x)) differs from Norm(x)
        // only by the second norm's Float error on an input of rms 1 (`Tolerance.normalized`).
        let bound = Tolerance.normalized(dimension: 16, inputMagnitude: Double(expected.abs().max()), deviation: 1)
        #expect(Double(maxAbsDifference(layer(Variable(x)).value, expected)) <= bound)
    }

    @Test func initializerConstantAndFan() {
        // 1.13684723 = 1 / std of N(0, 1) truncated at ±2.
        // The constant is quoted to 9 digits: half a unit in the 9th is 5e-9 relative.
        #expect(abs(RoFormerV2Layer.truncatedNormalConstant * Initializer.truncatedStdCorrection - 1) < 1e-8)
        #expect(RoFormerV2Layer.initializer(for: [256, 64]).scale(for: [256, 64]) == Float(1.13684723 / 16))
        // Embedding tables (first axis above 10000) take their fan from the second axis.
        #expect(RoFormerV2Layer.initializer(for: [20000, 64]).scale(for: [20000, 64]) == Float(1.13684723 / 8))
        #expect(
            RoFormerV2Layer.initializer(for: [64, 64], layers: 4).scale(for: [64, 64]) == Float(1.13684723 / 8 / 2))
        // The actual std of the drawn weights is 1/√fan.
        var rng = SeededRNG(seed: 7)
        let w = RoFormerV2Layer.initializer(for: [256, 256]).make([256, 256], rng: &rng)
        let std = (w.squaredNorm() / Double(w.count)).squareRoot()
        // Five standard errors of a sample std from 65 536 draws of a normal truncated at ±2 (w² has sd
        // √(1.4161 − 0.7737²) ≈ 0.904 in units of the untruncated variance; see `truncatedNormalStaysInsideTwoStd`):
        // relative SE of the std = 0.904/0.7737/(2√n).
        let fiveSE = Tolerance.standardErrors(5, deviation: 0.904 / 0.7737 / 2, samples: w.count)
        #expect(abs(std * 16 - 1) <= fiveSE, "std·√fan = \(std * 16)")
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
            // The same normal draws times two Float scales computed differently (each within 3 roundings).
            #expect(
                Double(maxAbsDifference(lecun, literal))
                    <= Tolerance.relative(Double(literal.abs().max()), roundings: 6),
                "shape \(shape)")
        }
        var rng = SeededRNG(seed: 13)
        let layer = RoFormerV2Layer(hiddenSize: 32, heads: 2, rng: &rng)
        var again = SeededRNG(seed: 13)
        let wq = RoFormerV2Layer.initializer(for: [32, 32]).make([32, 32], rng: &again)
        #expect(
            Double(maxAbsDifference(layer.parameters[0].value, wq))
                <= Tolerance.relative(Double(wq.abs().max()), roundings: 6))
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
        // Padded keys add exact zeros (weight e^{−∞} = 0, 0·v = 0) after the real ones, and rows of 5 and 7 keys both
        // go through the kernels' scalar tails: the same operations, so the same bits.
        #expect(full == Tensor(shape: [1, 5, 8], scalars: Array(withPadding.scalars[0..<40])))
    }
}
