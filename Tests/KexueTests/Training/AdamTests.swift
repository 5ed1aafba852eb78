import Testing
@testable import Kexue

/// Adam and AdamW on the quadratic of `Quadratic`.
@Suite struct AdamTests {
    let q = Quadratic()
    @Test func adamFirstStepIsSignTimesRate() {
        // With bias correction the first Adam step is −η·g/(|g| + ε) ≈ −η·sign(g) (B6's table).
        let (theta, _) = q.train({ Adam(parameters: $0, learningRate: 0.01) }, steps: 1)
        #expect(maxAbsDifference(theta, Tensor([0.01, -0.01, 0.01])) < 1e-6)
    }
    @Test func adamConverges() {
        let (theta, _) = q.train({ Adam(parameters: $0, learningRate: 0.05) }, steps: 1000)
        #expect(maxAbsDifference(theta, q.c) < 1e-2)
    }
    @Test func adamWDecaysDecoupled() {
        // With zero gradient, AdamW shrinks θ by (1 − ηλ) per step while Adam with L2 moves by ≈ η·sign(θ).
        let p = Variable(Tensor([2, -4]), requiresGrad: true)
        let w = Adam.adamW(parameters: [p], schedule: .constant(0.1), weightDecay: 0.5)
        p.grad = Tensor.zeros([2])
        w.step()
        #expect(maxAbsDifference(p.value, Tensor([2 * 0.95, -4 * 0.95])) < 1e-6)
        let r = Variable(Tensor([2, -4]), requiresGrad: true)
        let l2 = Adam(parameters: [r], learningRate: 0.1, weightDecay: 0.5)
        r.grad = Tensor.zeros([2])
        l2.step()
        #expect(maxAbsDifference(r.value, Tensor([1.9, -3.9])) < 1e-6)
    }
}
