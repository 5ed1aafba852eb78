import Testing
@testable import Kexue

/// SGD on the quadratic of `Quadratic`.
@Suite struct SGDTests {
    let q = Quadratic()
    @Test func sgdStepIsLiteral() {
        // One step from 0: θ = −η·∇L(0) = η·a·c.
        let (theta, _) = q.train({ SGD(parameters: $0, learningRate: 0.1) }, steps: 1)
        #expect(maxAbsDifference(theta, 0.1 * q.a * q.c) < 1e-7)
    }
    @Test func sgdMomentumConverges() {
        let (theta, opt) = q.train({ SGD(parameters: $0, learningRate: 0.1, momentum: 0.9) }, steps: 300)
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
        #expect(maxAbsDifference(theta, expected) < 1e-6)
    }
}
