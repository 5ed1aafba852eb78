import Testing

@testable import Kexue

@Suite struct TensorBroadcastingTests {
    @Test func broadcastShapes() {
        #expect(Tensor.broadcastShape([2, 3], [3]) == [2, 3])
        #expect(Tensor.broadcastShape([4, 1, 3], [5, 1]) == [4, 5, 3])
        #expect(Tensor.broadcastShape([], [2]) == [2])
        #expect(Tensor.broadcastShape([1], [0]) == [0])
    }

    /// Reference: evaluate every output index literally with numpy's rule (index mod 1 on broadcast axes).
    func literal(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        let out = Tensor.broadcastShape(a.shape, b.shape)
        let n = out.reduce(1, *)
        var values = [Float]()
        for flat in 0..<n {
            var idx = [Int](repeating: 0, count: out.count)
            var rem = flat
            for i in stride(from: out.count - 1, through: 0, by: -1) { idx[i] = rem % out[i]; rem /= out[i] }
            func read(_ t: Tensor) -> Float {
                let pad = out.count - t.rank
                var off = 0
                for i in 0..<t.rank { off = off * t.shape[i] + (t.shape[i] == 1 ? 0 : idx[i + pad]) }
                return t.scalars[off]
            }
            values.append(f(read(a), read(b)))
        }
        return Tensor(shape: out, scalars: values)
    }

    @Test(arguments: [
        ([2, 3], [2, 3]), ([2, 3], [3]), ([2, 3], [2, 1]), ([3], [2, 3]), ([4, 1, 3], [5, 1]),
        ([2, 1, 3, 1], [1, 4, 1, 5]), ([1], [3, 2]), ([2, 3, 4], [1, 1, 1]), ([2, 3, 4], [3, 1]), ([5], []),
    ])
    func binaryOpsMatchLiteralBroadcast(_ sa: [Int], _ sb: [Int]) {
        let a = randomTensor(sa, seed: 1), b = randomTensor(sb, seed: 2) + 3
        #expect(a + b == literal(a, b, +))
        #expect(a - b == literal(a, b, -))
        #expect(a * b == literal(a, b, *))
        #expect(a / b == literal(a, b, /))
        #expect(b - a == literal(b, a, -))
    }

    @Test func scalarOperatorsAndInPlace() {
        var a = Tensor([1, 2, 3])
        #expect((a * 2).scalars == [2, 4, 6])
        #expect((1 - a).scalars == [0, -1, -2])
        #expect((-a).scalars == [-1, -2, -3])
        a += Tensor([1])
        #expect(a.scalars == [2, 3, 4])
        a *= 0.5
        #expect(a.scalars == [1, 1.5, 2])
    }

    @Test func sumToShapeIsTheAdjointOfBroadcasting() {
        let g = Tensor.ones([4, 5, 3])
        #expect(g.sum(toShape: [5, 1]) == Tensor.full([5, 1], 12))
        #expect(g.sum(toShape: [3]) == Tensor.full([3], 20))
        #expect(g.sum(toShape: []) == Tensor(scalar: 60))
    }
}

@Suite struct NaNPropagationTests {
    /// Documented behaviour: NaN propagates through arithmetic, reductions and the softmax family row by row.
    @Test func nanPropagates() {
        let x = Tensor([[1, .nan, 3], [1, 2, 3]])
        #expect((x + 1).scalars[1].isNaN)
        #expect(x.sum(axis: -1).scalars[0].isNaN && !x.sum(axis: -1).scalars[1].isNaN)
        let s = x.softmax()
        #expect(s[0].scalars.allSatisfy { $0.isNaN })
        #expect(s[1].scalars.allSatisfy { !$0.isNaN })
        #expect(Tensor.matmul(x, Tensor.ones([3, 1])).scalars[0].isNaN)
    }
}
