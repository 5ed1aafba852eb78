import Testing

@testable import Kexue

@Suite struct TensorShapeTests {
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
}

@Suite struct TensorPermuteTests {
    @Test func permutedMatchesLiteralIndexing() {
        let t = Tensor.arange(120).reshaped([2, 3, 4, 5])
        let p = t.permuted([0, 2, 1, 3])
        #expect(p.shape == [2, 4, 3, 5])
        for a in 0..<2 {
            for b in 0..<4 {
                for c in 0..<3 {
                    for d in 0..<5 {
                        #expect(p[at: a, b, c, d] == t[at: a, c, b, d])
                    }
                }
            }
        }
        let q = t.permuted([3, 1, 0, 2])
        #expect(q[at: 4, 2, 1, 3] == t[at: 1, 2, 3, 4])
        #expect(t.permuted([0, 1, 2, 3]) == t)
        #expect(Tensor.arange(6).reshaped([2, 3]).permuted([1, 0]) == Tensor.arange(6).reshaped([2, 3]).transposed())
    }
}
