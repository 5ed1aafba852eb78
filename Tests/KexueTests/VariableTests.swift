import Testing
@testable import Kexue

/// Finite-difference checks of every element-wise and reduction backward (see `checkGradients` for the tolerance).
@Suite struct VariableTests {
    @Test(arguments: [([2, 3], [2, 3]), ([2, 3], [3]), ([4, 1, 3], [5, 1]), ([3], [2, 3]), ([2, 3], [])])
    func broadcastArithmetic(_ sa: [Int], _ sb: [Int]) {
        let a = randomTensor(sa, seed: 1), b = randomTensor(sb, seed: 2)
        let bPositive = b.abs() + 0.5  // keep the divisor away from 0
        for (name, f) in [("add", { (v: [Variable]) in v[0] + v[1] }), ("sub", { $0[0] - $0[1] }),
                          ("mul", { $0[0] * $0[1] }), ("div", { $0[0] / $0[1] })] as [(String, ([Variable]) -> Variable)] {
            let r = checkGradients([a, name == "div" ? bPositive : b], f)
            #expect(r.ok, "\(name) \(sa) \(sb): \(r.message)")
        }
    }

    @Test func scalarForms() {
        let a = randomTensor([3, 2], seed: 3)
        let forms: [([Variable]) -> Variable] = [{ 2 * $0[0] + 1 }, { -$0[0] / 4 - 3 }, { $0[0] * 0.5 }]
        for f in forms {
            let r = checkGradients([a], f)
            #expect(r.ok, "\(r.message)")
        }
    }

    @Test func unaryFunctions() {
        let x = randomTensor([3, 4], seed: 4)
        let positive = x.abs() + 0.5
        // relu: keep inputs away from the kink at 0, where finite differences straddle two slopes.
        let awayFromZero = x.map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
        let cases: [(String, Tensor, (Variable) -> Variable)] = [
            ("exp", x, { $0.exp() }), ("log", positive, { $0.log() }), ("tanh", x, { $0.tanh() }),
            ("sigmoid", x, { $0.sigmoid() }), ("swish", x, { $0.swish() }), ("relu", awayFromZero, { $0.relu() }),
            ("square", x, { $0.squared() }), ("sqrt", positive, { $0.sqrt() }), ("transpose", x, { $0.transposed() }),
        ]
        for (name, input, f) in cases {
            let r = checkGradients([input]) { f($0[0]) }
            #expect(r.ok, "\(name): \(r.message)")
        }
    }

    @Test func reductions() {
        let x = randomTensor([2, 3, 4], seed: 5)
        let cases: [(String, (Variable) -> Variable)] = [
            ("sum", { $0.sum() }), ("mean", { $0.mean() }),
            ("sum axis 1", { $0.sum(axis: 1) }), ("sum axis -1 keepdims", { $0.sum(axis: -1, keepdims: true) }),
            ("mean axis 0", { $0.mean(axis: 0) }),
        ]
        for (name, f) in cases {
            let r = checkGradients([x]) { f($0[0]) }
            #expect(r.ok, "\(name): \(r.message)")
        }
    }

    @Test func softmaxFamily() {
        let x = randomTensor([3, 5], seed: 6, std: 2)
        for (name, f) in [("softmax", { (v: Variable) in v.softmax() }), ("logSoftmax", { $0.logSoftmax() })]
            as [(String, (Variable) -> Variable)] {
            let r = checkGradients([x]) { f($0[0]) }
            #expect(r.ok, "\(name): \(r.message)")
        }
    }

    @Test func sharedSubexpressionsAccumulate() {
        // y = x·x + x uses x three times: dy/dx = 2x + 1.
        let x = Variable(Tensor([1, -2, 3]), requiresGrad: true)
        let y = (x * x + x).sum()
        y.backward()
        #expect(x.grad == Tensor([3, -3, 7]))
        // Leaves accumulate across backward calls until zeroGrad.
        y.backward()
        #expect(x.grad == Tensor([6, -6, 14]))
        x.zeroGrad()
        #expect(x.grad == nil)
    }

    @Test func constantsBuildNoGraph() {
        let c = Variable(Tensor([1, 2]))
        let y = (c * c).exp()
        #expect(!y.requiresGrad)
        #expect(y.isLeaf)
        let p = Variable(Tensor([1, 2]), requiresGrad: true)
        let z = (p * c).sum()
        z.backward()
        #expect(c.grad == nil)
        #expect(p.grad == Tensor([1, 2]))
    }

    @Test func deepChainDoesNotOverflowTheStack() {
        let x = Variable(Tensor([1]), requiresGrad: true)
        var y = x
        for _ in 0..<20_000 { y = y * 1.0 }
        y.sum().backward()
        #expect(x.grad == Tensor([1]))
    }
}
