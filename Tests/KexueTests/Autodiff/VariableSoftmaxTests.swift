import Testing

@testable import Kexue

/// Finite-difference checks (see `checkGradients` for the tolerance).
@Suite struct VariableSoftmaxTests {
    @Test func softmaxFamily() {
        let x = randomTensor([3, 5], seed: 6, std: 2)
        for (name, f) in [("softmax", { (v: Variable) in v.softmax() }), ("logSoftmax", { $0.logSoftmax() })]
            as [(String, (Variable) -> Variable)]
        {
            let r = checkGradients([x]) { f($0[0]) }
            #expect(r.ok, "\(name): \(r.message)")
        }
    }
}
