import Testing

@testable import Kexue

/// SGD on the quadratic of `Quadratic`.
@Suite struct SGDTests {
    let q = Quadratic()
    @Test func sgdStepIsLiteral() {
        // One step from 0: θ = −η·∇L(0) = η·a·c.
        let (theta, _) = q.train({ SGD(parameters: $0, learningRate: 0.1) }, steps: 1)
        // The gradient a·(θ − c)·(2·½) and the step θ − η·g round a few times each, relative to η·|g| = |θ|; the
        // literal rounds its two products: ≤ γ_8·|θ_i| per element.
        let expected = 0.1 * q.a * q.c
        let r = boundRatio(theta, expected) { Tolerance.relative(Double(expected.scalars[$0]), roundings: 8) }
        #expect(r.ratio <= 1, "\(r)")
    }
    @Test func sgdMomentumConverges() {
        let (theta, opt) = q.train({ SGD(parameters: $0, learningRate: 0.1, momentum: 0.9) }, steps: 300)
        // Not a rounding bound: heavy ball with η = 0.1, μ = 0.9 on curvatures a ∈ {0.5, 1, 4} has complex roots of
        // modulus √μ for every mode ((1 + μ − ηa)² < 4μ), so |θ − c| ≤ C·0.9^{t/2}·|c| ≈ 1.4e-7·C·3 after 300
        // steps, C ≤ 1/sin(arg z) ≈ 5 for the slowest-turning mode; 1e-3 leaves a wide margin above that, and a
        // wrong update (no momentum, wrong sign) stays O(1) away.
        #expect(maxAbsDifference(theta, q.c) < 1e-3)
        #expect(opt.stepCount == 300)
    }
    @Test func sgdMomentumSecondStepIsLiteral() {
        // v₁ = g₀, θ₁ = −ηg₀; v₂ = μv₁ + g(θ₁), θ₂ = θ₁ − ηv₂.
        let (theta, _) = q.train({ SGD(parameters: $0, learningRate: 0.1, momentum: 0.9) }, steps: 2)
        let g0 = -(q.a * q.c)
        let theta1 = -0.1 * g0
        let g1 = q.a * (theta1 - q.c)
        let expected = theta1 - 0.1 * (0.9 * g0 + g1)
        // Two steps of a few roundings each (gradient, momentum, update), relative to the largest term |θ₁| + η|v₂|.
        let r = boundRatio(theta, expected) { i in
            Tolerance.relative(
                abs(Double(theta1.scalars[i])) + 0.1 * abs(Double((0.9 * g0 + g1).scalars[i])), roundings: 16)
        }
        #expect(r.ratio <= 1, "\(r)")
    }
}
