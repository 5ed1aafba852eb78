import Testing
@testable import Kexue

/// Optimisers on the quadratic L(θ) = ½ Σ aᵢ(θᵢ − cᵢ)², minimum at c.
@Suite struct OptimizerTests {
    let a = Tensor([1, 4, 0.5])
    let c = Tensor([1, -2, 3])

    func loss(_ theta: Variable) -> Variable {
        (0.5 * ((theta - c).squared() * a)).sum()
    }

    func train(_ make: ([Variable]) -> any Optimizer, steps: Int) -> (Tensor, any Optimizer) {
        let theta = Variable(Tensor.zeros([3]), requiresGrad: true)
        let opt = make([theta])
        for _ in 0..<steps {
            opt.zeroGrad()
            loss(theta).backward()
            opt.step()
        }
        return (theta.value, opt)
    }

    @Test func sgdStepIsLiteral() {
        // One step from 0: θ = −η·∇L(0) = η·a·c.
        let (theta, _) = train({ SGD(parameters: $0, learningRate: 0.1) }, steps: 1)
        #expect(maxAbsDifference(theta, 0.1 * a * c) < 1e-7)
    }

    @Test func sgdMomentumConverges() {
        let (theta, opt) = train({ SGD(parameters: $0, learningRate: 0.1, momentum: 0.9) }, steps: 300)
        #expect(maxAbsDifference(theta, c) < 1e-3)
        #expect(opt.stepCount == 300)
    }

    @Test func sgdMomentumSecondStepIsLiteral() {
        // v₁ = g₀, θ₁ = −ηg₀; v₂ = μv₁ + g(θ₁), θ₂ = θ₁ − ηv₂.
        let (theta, _) = train({ SGD(parameters: $0, learningRate: 0.1, momentum: 0.9) }, steps: 2)
        let g0 = -(a * c)
        let theta1 = -0.1 * g0
        let g1 = a * (theta1 - c)
        let expected = theta1 - 0.1 * (0.9 * g0 + g1)
        #expect(maxAbsDifference(theta, expected) < 1e-6)
    }

    @Test func adamFirstStepIsSignTimesRate() {
        // With bias correction the first Adam step is −η·g/(|g| + ε) ≈ −η·sign(g) (B6's table).
        let (theta, _) = train({ Adam(parameters: $0, learningRate: 0.01) }, steps: 1)
        #expect(maxAbsDifference(theta, Tensor([0.01, -0.01, 0.01])) < 1e-6)
    }

    @Test func adamConverges() {
        let (theta, _) = train({ Adam(parameters: $0, learningRate: 0.05) }, steps: 1000)
        #expect(maxAbsDifference(theta, c) < 1e-2)
    }

    @Test func adamWDecaysDecoupled() {
        // With zero gradient, AdamW shrinks θ by (1 − ηλ) per step while Adam with L2 moves by ≈ η·sign(θ).
        let p = Variable(Tensor([2, -4]), requiresGrad: true)
        let w = Adam.adamW(parameters: [p], schedule: .constant(0.1), weightDecay: 0.5)
        p.grad = Tensor.zeros([2])
        w.step()
        #expect(maxAbsDifference(p.value, Tensor([2 * 0.95, -4 * 0.95])) < 1e-6)
        let q = Variable(Tensor([2, -4]), requiresGrad: true)
        let l2 = Adam(parameters: [q], learningRate: 0.1, weightDecay: 0.5)
        q.grad = Tensor.zeros([2])
        l2.step()
        #expect(maxAbsDifference(q.value, Tensor([1.9, -3.9])) < 1e-6)
    }

    @Test func parametersWithoutGradientsAreUntouched() {
        let p = Variable(Tensor([1]), requiresGrad: true)
        let opt = Adam(parameters: [p], learningRate: 1)
        opt.step()
        #expect(p.value == Tensor([1]))
    }

    @Test func schedules() {
        #expect(LearningRateSchedule.constant(0.3).rate(at: 1000) == 0.3)
        let warm = LearningRateSchedule.warmupConstant(peak: 1, warmupSteps: 4)
        #expect((0..<6).map { warm.rate(at: $0) } == [0, 0.25, 0.5, 0.75, 1, 1])
        let decay = LearningRateSchedule.warmupLinearDecay(peak: 1, warmupSteps: 2, totalSteps: 6)
        #expect((0..<8).map { decay.rate(at: $0) } == [0, 0.5, 1, 0.75, 0.5, 0.25, 0, 0])
    }

    @Test func optimizerFollowsItsSchedule() {
        let theta = Variable(Tensor.zeros([3]), requiresGrad: true)
        let opt = SGD(parameters: [theta], schedule: .warmupConstant(peak: 0.1, warmupSteps: 2))
        #expect(opt.learningRate == 0)
        loss(theta).backward()
        opt.step()
        #expect(theta.value == Tensor.zeros([3]))  // first warmup step has rate 0
        #expect(opt.learningRate == 0.05)
        #expect(opt.gradientNorm() > 0)
    }
}
