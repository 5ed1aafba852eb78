import Testing

@testable import Kexue

@Suite struct DenseTests {
    @Test func denseShapesCountsAndFormula() {
        var rng = SeededRNG(seed: 1)
        let d = Dense(inputSize: 4, outputSize: 3, rng: &rng)
        #expect(d.parameterCount == 4 * 3 + 3)
        #expect(d.parameters.map(\.name) == ["dense.weight", "dense.bias"])
        let noBias = Dense(inputSize: 4, outputSize: 3, useBias: false, rng: &rng)
        #expect(noBias.parameterCount == 12)
        let x = randomTensor([2, 5, 4], seed: 2)
        let y = d(Variable(x))
        #expect(y.shape == [2, 5, 3])
        let literal = Tensor.matmul(x, d.weight.value) + d.bias!.value
        // Both sides are 4-term Float dot products plus a bias, in possibly different orders: each within
        // γ_5·(Σ|x_i w_i| + |b|) of the exact value.
        let magnitude = Tensor.matmul(x.abs(), d.weight.value.abs()) + d.bias!.value.abs()
        let ratio = boundRatio(y.value, literal) {
            2 * Tolerance.dot(length: 5, magnitude: Double(magnitude.scalars[$0]))
        }
        #expect(ratio.ratio <= 1, "\(ratio)")
        #expect(d(Variable(Tensor([1, 2, 3, 4]))).shape == [3])
    }
    @Test func denseInitialiserIsSelectable() {
        var a = SeededRNG(seed: 3), b = SeededRNG(seed: 3)
        let d = Dense(inputSize: 8, outputSize: 8, initializer: .deepNet(beta: 0.5), rng: &a)
        #expect(d.weight.value == Initializer.deepNet(beta: 0.5).make([8, 8], rng: &b))
    }
    @Test func denseGradients() {
        var rng = SeededRNG(seed: 4)
        let d = Dense(inputSize: 3, outputSize: 2, biasInitializer: .normal(mean: 0, std: 1), rng: &rng)
        let x = randomTensor([4, 3], seed: 5)
        let r = checkGradients([x, d.weight.value, d.bias!.value]) { v in
            Variable.matmul(v[0], v[1]) + v[2]
        }
        #expect(r.ok, "\(r.message)")
        // The layer routes gradients to its own parameters.
        d(Variable(x)).sum().backward()
        #expect(d.bias!.grad == Tensor.full([2], 4))
        d.zeroGrad()
        #expect(d.weight.grad == nil)
    }
    @Test func tinyRegressionTrains() {
        // A two-layer MLP fits y = sin-like targets: the loss must fall by 10× in 200 Adam steps.
        var rng = SeededRNG(seed: 9)
        let l1 = Dense(inputSize: 2, outputSize: 16, rng: &rng), l2 = Dense(inputSize: 16, outputSize: 1, rng: &rng)
        let x = Tensor.uniform([64, 2], low: -1, high: 1, rng: &rng)
        let t = (x.sum(axis: -1, keepdims: true) * 2).tanh()
        let opt = Adam(parameters: [l1, l2].flatMap(\.parameters), learningRate: 0.02)
        func lossValue() -> Variable { Loss.meanSquaredError(l2(l1(Variable(x)).tanh()), t) }
        let first = lossValue().value.scalar
        for _ in 0..<200 { opt.zeroGrad(); lossValue().backward(); opt.step() }
        #expect(lossValue().value.scalar < first / 10)
    }
}
