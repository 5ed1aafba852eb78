import Testing

@testable import Kexue

/// The quadratic L(θ) = ½ Σ aᵢ(θᵢ − cᵢ)², minimum at c, on which the optimisers are tested.
struct Quadratic {
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
}

@Suite struct OptimizerTests {
    let q = Quadratic()
    @Test func parametersWithoutGradientsAreUntouched() {
        let p = Variable(Tensor([1]), requiresGrad: true)
        let opt = Adam(parameters: [p], learningRate: 1)
        opt.step()
        #expect(p.value == Tensor([1]))
    }
    @Test func optimizerFollowsItsSchedule() {
        let theta = Variable(Tensor.zeros([3]), requiresGrad: true)
        let opt = SGD(parameters: [theta], schedule: .warmupConstant(peak: 0.1, warmupSteps: 2))
        #expect(opt.learningRate == 0)
        q.loss(theta).backward()
        opt.step()
        #expect(theta.value == Tensor.zeros([3]))  // first warmup step has rate 0
        #expect(opt.learningRate == 0.05)
        #expect(opt.gradientNorm() > 0)
    }
}
