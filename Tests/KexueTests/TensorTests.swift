import Testing
@testable import Kexue

@Suite struct TensorTests {
    @Test func creation() {
        #expect(Tensor.zeros([2, 3]).scalars == [0, 0, 0, 0, 0, 0])
        #expect(Tensor.ones([2]).scalars == [1, 1])
        #expect(Tensor.full([1, 2], 7).shape == [1, 2])
        #expect(Tensor.arange(4).scalars == [0, 1, 2, 3])
        #expect(Tensor.arange(from: 1, to: 2, step: 0.25).scalars == [1, 1.25, 1.5, 1.75])
        #expect(Tensor.arange(from: 3, to: 0, step: -1).scalars == [3, 2, 1])
        #expect(Tensor.linspace(from: 0, to: 1, count: 5).scalars == [0, 0.25, 0.5, 0.75, 1])
        #expect(Tensor.eye(2).scalars == [1, 0, 0, 1])
        #expect(Tensor([[1, 2], [3, 4]]).shape == [2, 2])
        #expect(Tensor(scalar: 5).shape == [])
        #expect(Tensor(scalar: 5).count == 1)
        #expect(Tensor.zeros([0, 3]).count == 0)
    }

    @Test func randomIsDeterministic() {
        var a = SeededRNG(seed: 1), b = SeededRNG(seed: 1)
        #expect(Tensor.normal([3, 3], rng: &a) == Tensor.normal([3, 3], rng: &b))
        let u = Tensor.uniform([1000], low: -2, high: 3, rng: &a)
        #expect(u.min() >= -2 && u.max() < 3)
    }

    @Test func elementAccess() {
        var t = Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])
        #expect(t[at: 1, 2] == 5)
        t[at: 0, 1] = 9
        #expect(t.scalars == [0, 9, 2, 3, 4, 5])
        #expect(t.strides == [3, 1])
    }

    @Test func reshapeSharesValueSemantics() {
        let t = Tensor.arange(6)
        var r = t.reshaped([2, -1])
        #expect(r.shape == [2, 3])
        r[at: 0, 0] = 100
        #expect(t.scalars[0] == 0)  // copy-on-write: the original is unchanged
        #expect(t.reshaped([3, 2, 1]).expandingShape(at: 0).shape == [1, 3, 2, 1])
        #expect(t.reshaped([6, 1]).squeezingShape(at: -1).shape == [6])
        #expect(t.reshaped([2, 3]).flattened() == t)
    }

    @Test func slicingLeadingAxes() {
        let t = Tensor.arange(24).reshaped([2, 3, 4])
        #expect(t[1].shape == [3, 4])
        #expect(t[1].scalars.first == 12)
        #expect(t[0, 2].scalars == [8, 9, 10, 11])
        let s = t[1..<2]
        #expect(s.shape == [1, 3, 4])
        #expect(t[0..<0].shape == [0, 3, 4])
    }

    @Test func transposeConcatSplit() {
        let t = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(t.transposed() == Tensor([[1, 4], [2, 5], [3, 6]]))
        let c = Tensor.concatenate([t, Tensor([[7], [8]])])
        #expect(c == Tensor([[1, 2, 3, 7], [4, 5, 6, 8]]))
        let parts = c.split(sizes: [1, 3])
        #expect(parts[0] == Tensor([[1], [4]]))
        #expect(parts[1] == Tensor([[2, 3, 7], [5, 6, 8]]))
        #expect(Tensor.concatenate([t, t], alongAxis: 0).shape == [4, 3])
        #expect(t.gatherRows([1, 1, 0]) == Tensor([[4, 5, 6], [4, 5, 6], [1, 2, 3]]))
    }

    @Test func unaryFunctions() {
        let x = Tensor([-2, 0, 3])
        #expect(x.relu().scalars == [0, 0, 3])
        #expect(x.squared().scalars == [4, 0, 9])
        #expect(x.abs().scalars == [2, 0, 3])
        #expect(abs(x.sigmoid().scalars[2] - 0.95257413) < 1e-6)
        #expect(abs(x.swish().scalars[0] - (-2 * 0.11920292)) < 1e-6)
        #expect(abs(x.tanh().scalars[2] - 0.99505475) < 1e-6)
        #expect(Tensor([4]).sqrt().scalars == [2])
        #expect(abs(Tensor([1]).exp().log().scalars[0] - 1) < 1e-6)
        // The stable sigmoid neither overflows nor returns NaN at extreme inputs.
        #expect(Tensor([-1e4, 1e4]).sigmoid().scalars == [0, 1])
        #expect(Tensor([-1e4]).swish().scalars == [-0])
    }
}
