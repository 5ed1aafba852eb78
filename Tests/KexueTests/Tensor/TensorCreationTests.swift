import Testing

@testable import Kexue

@Suite struct TensorCreationTests {
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
}
