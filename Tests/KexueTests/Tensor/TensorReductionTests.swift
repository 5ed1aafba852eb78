import Testing

@testable import Kexue

@Suite struct TensorReductionTests {
    let t = Tensor.arange(24).reshaped([2, 3, 4])

    @Test func sumOverEachAxis() {
        #expect(t.sum(axis: 0) == Tensor.arange(from: 12, to: 35, step: 2).reshaped([3, 4]))
        #expect(t.sum(axis: 1).scalars == [12, 15, 18, 21, 48, 51, 54, 57])
        #expect(t.sum(axis: -1).scalars == [6, 22, 38, 54, 70, 86])
        #expect(t.sum(axis: 1, keepdims: true).shape == [2, 1, 4])
        #expect(t.sum() == 276)
    }

    @Test func meanMaxMin() {
        #expect(t.mean(axis: -1).scalars == [1.5, 5.5, 9.5, 13.5, 17.5, 21.5])
        #expect(t.max(axis: 0).scalars == Array(12...23).map(Float.init))
        #expect(t.min(axis: 2, keepdims: true).shape == [2, 3, 1])
        #expect(t.mean() == 11.5)
        #expect(t.max() == 23 && t.min() == 0)
        #expect(Tensor([[1, 5, 5], [7, 0, 2]]).argmaxLastAxis() == [1, 0])
    }

    @Test func emptyAxes() {
        let e = Tensor.zeros([2, 0])
        #expect(e.sum(axis: 1).scalars == [0, 0])
        #expect(e.max(axis: 1).scalars == [-.infinity, -.infinity])
    }

    @Test func doubleAccumulation() {
        // 1e7 ones plus tiny values: a Float accumulator would stall at 2^24.
        let big = Tensor.ones([20_000_000])
        #expect(big.sum() == 2e7)
    }
}

@Suite struct TensorClosenessTests {
    @Test func isCloseFollowsNumpy() {
        let a = Tensor([1, 2, 1000])
        #expect(a.isClose(to: Tensor([1, 2.000001, 1000.005])))
        #expect(!a.isClose(to: Tensor([1, 2.1, 1000])))
        #expect(!a.isClose(to: Tensor([1, 2])))
        #expect(!Tensor([.nan]).isClose(to: Tensor([.nan])))
    }
}
