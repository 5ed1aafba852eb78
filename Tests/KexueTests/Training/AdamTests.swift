import Testing

@testable import Kexue

/// Adam and AdamW on the quadratic of `Quadratic`.
@Suite struct AdamTests {
    let q = Quadratic()
    @Test func adamFirstStepIsSignTimesRate() {
        // With bias correction the first Adam step is −η·g/(|g| + ε) ≈ −η·sign(g) (B6's table).
        let (theta, _) = q.train({ Adam(parameters: $0, learningRate: 0.01) }, steps: 1)
        // −η·g/(|g| + ε) = −η·sign(g)·(1 − ε/|g|): ε/|g| ≤ 1e-8/1 is below u, and the moments, the bias corrections,
        // the root and the division round ~10 times relative to η.
        #expect(maxAbsDifference(theta, Tensor([0.01, -0.01, 0.01])) <= Float(Tolerance.relative(0.01, roundings: 10)))
    }
    @Test func adamConverges() {
        let (theta, _) = q.train({ Adam(parameters: $0, learningRate: 0.05) }, steps: 1000)
        // Not a rounding bound: Adam with a constant η = 0.05 does not converge exactly; near the minimum its steps
        // shrink with m̂/√v̂ but stay a fraction of η. η/5 = 1e-2 is that fraction's allowance; a wrong update
        // (sign, missing bias correction) leaves θ O(1) away.
        #expect(maxAbsDifference(theta, q.c) < 1e-2)
    }
    @Test func adamWDecaysDecoupled() {
        // With zero gradient, AdamW shrinks θ by (1 − ηλ) per step while Adam with L2 moves by ≈ η·sign(θ).
        let p = Variable(Tensor([2, -4]), requiresGrad: true)
        let w = Adam.adamW(parameters: [p], schedule: .constant(0.1), weightDecay: 0.5)
        p.grad = Tensor.zeros([2])
        w.step()
        // θ·(1 − ηλ): the factor rounds twice, the product once; the literal's products round once each.
        let decayed = Tensor([2 * 0.95, -4 * 0.95])
        let rw = boundRatio(p.value, decayed) { Tolerance.relative(Double(decayed.scalars[$0]), roundings: 5) }
        #expect(rw.ratio <= 1, "\(rw)")
        let r = Variable(Tensor([2, -4]), requiresGrad: true)
        let l2 = Adam(parameters: [r], learningRate: 0.1, weightDecay: 0.5)
        r.grad = Tensor.zeros([2])
        l2.step()
        // θ − η·g/(|g| + ε) with g = λθ: the step η·(≈1) carries ~10 roundings (moments, corrections, root,
        // division), the subtraction one more relative to |θ_new| ≤ 3.9.
        let moved = Tensor([1.9, -3.9])
        let rl = boundRatio(r.value, moved) {
            Tolerance.relative(0.1, roundings: 10) + Tolerance.relative(Double(moved.scalars[$0]), roundings: 1)
        }
        #expect(rl.ratio <= 1, "\(rl)")
    }
}
