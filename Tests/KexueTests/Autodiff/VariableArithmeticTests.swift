import Testing

@testable import Kexue

/// Finite-difference checks (see `checkGradients` for the tolerance).
@Suite struct VariableArithmeticTests {
    @Test(arguments: [([2, 3], [2, 3]), ([2, 3], [3]), ([4, 1, 3], [5, 1]), ([3], [2, 3]), ([2, 3], [])])
    func broadcastArithmetic(_ sa: [Int], _ sb: [Int]) {
        let a = randomTensor(sa, seed: 1), b = randomTensor(sb, seed: 2)
        let bPositive = b.abs() + 0.5  // keep the divisor away from 0
        for (name, f) in [
            ("add", { (v: [Variable]) in v[0] + v[1] }), ("sub", { $0[0] - $0[1] }),
            ("mul", { $0[0] * $0[1] }), ("div", { $0[0] / $0[1] }),
        ] as [(String, ([Variable]) -> Variable)] {
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
}
