import Testing

@testable import Kexue

@Suite struct VariableShapeTests {
    @Test func reshapeAndSlices() {
        let x = randomTensor([4, 3, 2], seed: 1)
        let cases: [(String, (Variable) -> Variable)] = [
            ("reshape", { $0.reshaped([2, -1]) }),
            ("slice", { $0[1..<3] }),
            ("index", { $0[2] }),
            ("empty slice plus", { Variable.concatenate([$0[0..<0], $0[3..<4]], alongAxis: 0) }),
        ]
        for (name, f) in cases {
            let r = checkGradients([x]) { f($0[0]) }
            #expect(r.ok, "\(name): \(r.message)")
        }
    }

    @Test func concatenateAndSplitLastAxis() {
        let a = randomTensor([2, 3, 2], seed: 2), b = randomTensor([2, 3, 4], seed: 3)
        let c = checkGradients([a, b]) { Variable.concatenate([$0[0], $0[1], $0[0]]) }
        #expect(c.ok, "\(c.message)")
        // Use the pieces unequally so each piece's gradient is distinguishable.
        let s = checkGradients([b]) { v in
            let p = v[0].split(sizes: [1, 3])
            return Variable.concatenate([p[1].squared(), p[0].exp()])
        }
        #expect(s.ok, "\(s.message)")
    }

    @Test func gatherRowsScatterAdds() {
        let table = randomTensor([5, 3], seed: 4)
        let r = checkGradients([table]) { $0[0].gatherRows([4, 0, 4, 2]) }
        #expect(r.ok, "\(r.message)")
        let t = Variable(table, requiresGrad: true)
        t.gatherRows([1, 1]).sum().backward()
        #expect(t.grad![1].scalars == [2, 2, 2])
        #expect(t.grad![0].scalars == [0, 0, 0])
    }
}

@Suite struct VariablePermuteTests {
    @Test func permutedGradient() {
        let x = randomTensor([2, 3, 4], seed: 9)
        let r = checkGradients([x]) { $0[0].permuted([2, 0, 1]).squared() }
        #expect(r.ok, "\(r.message)")
    }
}
