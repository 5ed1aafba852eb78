import Testing

@testable import Kexue

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct DeepNetTests {
    let x = randomTensor([3, 8], seed: 21, std: 1.5)
    let f = randomTensor([3, 8], seed: 22, std: 0.7)
    let gain = randomTensor([8], seed: 23) + 1
    let bias = randomTensor([8], seed: 24)

    /// LN(z)·γ + β of one row, literally, in Double.
    func literalLayerNorm(_ z: [Double], gain: [Double], bias: [Double], epsilon: Double) -> [Double] {
        let d = Double(z.count)
        let mu = z.reduce(0, +) / d
        let variance = z.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / d
        return z.indices.map { (z[$0] - mu) / (variance + epsilon).squareRoot() * gain[$0] + bias[$0] }
    }

    /// The Float error of LN(z)·γ + β for one row whose input z carries per-element error `inputError` (Float
    /// rounding of the residual): the norm's own `Tolerance.normalized`, plus ‖inputError‖₂/σ (the Jacobian of
    /// (z − μ)/σ has norm ≤ 1/σ), times |γ_j|, plus the bias addition's rounding.
    func layerNormBound(_ z: [Double], inputError: [Double], gain: Double, output: Double) -> Double {
        let mu = z.reduce(0, +) / Double(z.count)
        let sigma = (z.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(z.count)).squareRoot()
        let propagated = inputError.reduce(0) { $0 + $1 * $1 }.squareRoot() / sigma
        return
            (Tolerance.normalized(dimension: z.count, inputMagnitude: z.map(abs).max()!, deviation: sigma) + propagated)
            * abs(gain) + Tolerance.float * abs(output)
    }

    @Test func deepNormMatchesTheEquationLiterally() {
        // x_{l+1} = LN(α·x_l + F(x_l)): α on the skip, evaluated row by row in Double.
        let alpha: Float = 2.2
        let layer = DeepNormResidual(dimension: 8, alpha: alpha, epsilon: 1e-5)
        layer.norm.gain!.value = gain
        layer.norm.bias!.value = bias
        let y = layer(Variable(x)) { _ in Variable(f) }.value
        let g = gain.scalars.map(Double.init), b = bias.scalars.map(Double.init)
        var worst = 0.0, worstWrongTerm = 0.0
        for r in 0..<3 {
            let xr = x[r].scalars.map(Double.init), fr = f[r].scalars.map(Double.init)
            let z = zip(xr, fr).map { Double(alpha) * $0 + $1 }
            let expected = literalLayerNorm(z, gain: g, bias: b, epsilon: 1e-5)
            // The counter-example of STYLE.md: α on F(x) instead of x.
            let wrong = literalLayerNorm(zip(xr, fr).map { $0 + Double(alpha) * $1 }, gain: g, bias: b, epsilon: 1e-5)
            // α·x + F rounds twice, relative to α|x| + |F|.
            let inputError = zip(xr, fr).map { 2 * Tolerance.float * (Double(alpha) * abs($0) + abs($1)) }
            for j in 0..<8 {
                let bound = layerNormBound(z, inputError: inputError, gain: g[j], output: expected[j])
                worst = max(worst, abs(Double(y[at: r, j]) - expected[j]) / bound)
                worstWrongTerm = max(worstWrongTerm, abs(Double(y[at: r, j]) - wrong[j]))
            }
        }
        #expect(worst <= 1, "max |layer − literal|/bound = \(worst)")
        // Not a rounding bound: the wrong placement of α changes the normalised output by O(1).
        #expect(worstWrongTerm > 0.1, "α on the branch would give nearly the same output: \(worstWrongTerm)")
    }

    @Test func deepNormEqualsDividingTheBranchByAlpha() {
        // LN(α x + F) = LN(x + F/α): LN ignores a positive rescaling of its input (exact for ε → 0).
        for alpha: Float in [1, 1.5, 4, 31.6] {
            let a = Variable.deepNorm(Variable(x), branch: Variable(f), alpha: alpha).value
            let b = Variable.layerNorm(Variable(x + f * (1 / alpha))).value
            // Both sides within their Float error of the same exact value (ε = 1e-12 moves each by ~ε/σ² ≈ 1e-12):
            // the residuals round twice (three times with 1/α), then `layerNormBound` with γ = 1, β = 0.
            var worst = 0.0
            for r in 0..<3 {
                let xr = x[r].scalars.map(Double.init), fr = f[r].scalars.map(Double.init)
                let za = zip(xr, fr).map { Double(alpha) * $0 + $1 }, zb = za.map { $0 / Double(alpha) }
                let ea = zip(xr, fr).map { 2 * Tolerance.float * (Double(alpha) * abs($0) + abs($1)) }
                let eb = zip(xr, fr).map { 3 * Tolerance.float * (abs($0) + abs($1) / Double(alpha)) }
                for j in 0..<8 {
                    let bound =
                        layerNormBound(za, inputError: ea, gain: 1, output: Double(a[at: r, j]))
                        + layerNormBound(zb, inputError: eb, gain: 1, output: Double(b[at: r, j]))
                    worst = max(worst, abs(Double(a[at: r, j]) - Double(b[at: r, j])) / bound)
                }
            }
            #expect(worst <= 1, "α = \(alpha): |Δ|/bound \(worst)")
        }
        // α = 1 is the ordinary post-LN residual LN(x + F).
        let plain = Variable.deepNorm(Variable(x), branch: Variable(f), alpha: 1).value
        #expect(maxAbsDifference(plain, Variable.layerNorm(Variable(x + f)).value) == 0)
    }

    @Test func deepNormGradients() {
        let r = checkGradients([x, f, gain, bias]) { v in
            Variable.deepNorm(v[0], branch: v[1], alpha: 1.7, gain: v[2], bias: v[3], epsilon: 1e-5)
        }
        #expect(r.ok, "\(r.message)")
        // Through the layer wrapping a tanh sublayer, so the skip and branch paths both reach x.
        let layer = DeepNormResidual(dimension: 8, alpha: 2.5, epsilon: 1e-5)
        let through = checkGradients([x]) { v in layer(v[0]) { $0.tanh() } }
        #expect(through.ok, "\(through.message)")
    }

    @Test func tableOfThePost() {
        // B6: SGD α = (2N)^{1/4}, λ = (2N)^{-1/4}; Adam α = (2N)^{1/2}, λ = (2N)^{-1/2}; LAMB α = 1, λ = (2N)^{-1/2}.
        // Double powers and roots: `elementaryULPs` for each pow or sqrt and a rounding per product or quotient,
        // on each side, relative to the value.
        func close(_ a: Double, _ b: Double, elementary: Int = 2, roundings: Int = 2) -> Bool {
            abs(a - b) <= Tolerance.relative(b, roundings: roundings, elementary: elementary, unit: Tolerance.double)
        }
        for n in [1, 6, 12, 100, 1000] {
            let m = 2 * Double(n)
            let sgd = DeepNet.scaling(for: .sgd, layers: n)
            let adam = DeepNet.scaling(for: .adam, layers: n)
            let lamb = DeepNet.scaling(for: .lamb, layers: n)
            #expect(close(sgd.alpha, pow(m, 0.25)) && close(sgd.lambda, pow(m, -0.25)))
            #expect(close(adam.alpha, m.squareRoot()) && close(adam.lambda, 1 / m.squareRoot()))
            #expect(lamb.alpha == 1 && close(lamb.lambda, 1 / m.squareRoot()))
            // λ = 1/α for SGD and Adam; SGD's λ/α = 1/√(2N) (the post's increment condition).
            #expect(close(sgd.alpha * sgd.lambda, 1, elementary: 4, roundings: 3))
            #expect(close(adam.alpha * adam.lambda, 1, elementary: 4, roundings: 3))
            #expect(close(sgd.lambda / sgd.alpha, 1 / m.squareRoot(), elementary: 5, roundings: 4))
        }
        // A few values by hand: N = 6 gives 2N = 12, 12^{1/4} = 1.86121..., 12^{1/2} = 3.46410...
        #expect(close(DeepNet.scaling(for: .sgd, layers: 6).alpha, 1.8612097182041991))
        #expect(close(DeepNet.scaling(for: .adam, layers: 6).alpha, 3.4641016151377544))
        #expect(close(DeepNet.scaling(for: .sgd, layers: 1000).lambda, 0.14953487812212204))
    }

    @Test func paperEncoderConstants() {
        // Double powers: `elementaryULPs` per pow or sqrt and a rounding per product or quotient, on each side.
        let pair = Tolerance.relative(1, roundings: 4, elementary: 4, unit: Tolerance.double)
        for n in 1...1000 {
            let alpha = DeepNet.encoderAlpha(layers: n), beta = DeepNet.encoderBeta(layers: n)
            #expect(abs(alpha - pow(2 * Double(n), 0.25)) <= pair * alpha)
            #expect(abs(beta - pow(8 * Double(n), -0.25)) <= pair * beta)
            // β/α = (16N²)^{-1/4} = 1/√(4N).
            let ratio = 1 / (4 * Double(n)).squareRoot()
            #expect(
                abs(beta / alpha - ratio)
                    <= Tolerance.relative(ratio, roundings: 6, elementary: 5, unit: Tolerance.double))
            #expect(alpha == DeepNet.scaling(for: .sgd, layers: n).alpha)
        }
    }

    @Test func weightScalingAndInit() {
        var rng = SeededRNG(seed: 5)
        let w = Variable(Initializer.glorotNormal.make([4, 6], rng: &rng), requiresGrad: true)
        let copy = w.value
        DeepNet.scaleWeights([w], by: 0.25)
        #expect(maxAbsDifference(w.value, copy * 0.25) == 0)
        // The DeepNet initialiser is Glorot normal times β, draw for draw.
        var r1 = SeededRNG(seed: 9), r2 = SeededRNG(seed: 9)
        let beta = Float(DeepNet.encoderBeta(layers: 12))
        let a = Initializer.deepNet(beta: beta).make([5, 7], rng: &r1)
        let b = Initializer.glorotNormal.make([5, 7], rng: &r2) * beta
        #expect(maxAbsDifference(a, b) == 0)
    }

    @Test func sgdStepIncrementIsMinusEtaGradientSquared() {
        // L = ½‖θ − t‖² (as a mean over one scalar each): under SGD, ⟨g, Δθ⟩ = −η‖g‖² exactly, and the actual
        // change is (1 − η)²-shrinkage: ΔL = ((1 − η)² − 1)·L.
        let theta = Variable(Tensor([1, -2, 0.5, 3]), requiresGrad: true)
        let target = Tensor([0, 0, 0, 0])
        let eta: Float = 0.1
        let sgd = SGD(parameters: [theta], learningRate: eta)
        let loss = { ((theta - target).squared().sum()) * 0.5 }
        let inc = sgd.measureStep(loss)
        let gradSq = 1.0 + 4 + 0.25 + 9
        // Float: the gradient θ (a product and a sum per element), ‖g‖² in Double of Float values; the step
        // θ − ηg rounds at |θ|, so Δθ = θ_new − θ carries u·|θ| per element (10u relative to η|θ|); the losses
        // are ½Σθ² in Float (squares, 4-term sum, the ½: 6 roundings relative).
        #expect(abs(inc.gradientSquaredNorm - gradSq) <= Tolerance.relative(gradSq, roundings: 4))
        let stepError = 2 * Tolerance.float * gradSq + Tolerance.relative(Double(eta) * gradSq, roundings: 4)
        #expect(abs(inc.firstOrderChange + Double(eta) * gradSq) <= stepError)
        #expect(abs(inc.lossBefore - gradSq / 2) <= Tolerance.relative(gradSq / 2, roundings: 6))
        let after = 0.9 * 0.9 * gradSq / 2
        #expect(
            abs(inc.change - ((0.9 * 0.9) - 1) * gradSq / 2)
                <= Tolerance.relative(gradSq / 2, roundings: 6) + Tolerance.relative(after, roundings: 6)
                + 2 * Tolerance.float * gradSq)
        // Δθ = −ηθ here: ‖Δθ‖/‖θ‖ = η, with Δθ's 10u relative and two norms' roundings.
        #expect(abs(inc.updateToWeight[0] - Double(eta)) <= Tolerance.relative(Double(eta), roundings: 22))
    }

    @Test func layerGradientNorms() {
        var rng = SeededRNG(seed: 3)
        let layers = [Dense(inputSize: 4, outputSize: 4, rng: &rng), Dense(inputSize: 4, outputSize: 2, rng: &rng)]
        let out = layers[1](layers[0](Variable(randomTensor([3, 4], seed: 4))).tanh())
        out.squared().sum().backward()
        let norms = GradientStatistics.layerNorms(layers)
        let total = GradientStatistics.squaredNorm(layers.flatMap(\.parameters))
        #expect(norms.count == 2)
        // Both in Double from the same Float gradients (30 of them): sums, roots and squares, relative to the total.
        #expect(
            abs(norms.map { $0 * $0 }.reduce(0, +) - total)
                <= Tolerance.relative(total, roundings: 36, unit: Tolerance.double))
    }
}
