import Testing

@testable import Kexue

/// Graph semantics: accumulation, constants, deep graphs.
@Suite struct VariableTests {
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
