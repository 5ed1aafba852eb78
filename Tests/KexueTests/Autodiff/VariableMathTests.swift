import Testing

@testable import Kexue

/// Finite-difference checks (see `checkGradients` for the tolerance).
@Suite struct VariableMathTests {
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
}
