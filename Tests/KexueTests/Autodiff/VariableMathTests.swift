import Foundation
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
    /// Swish's gradient far out on both sides and in the padded tail of the 8-lane loop (13 elements: one full
    /// vector and five padded lanes): finite everywhere (e^{-x} overflows for x ≪ 0, and σ must come out 0, not
    /// NaN), and close to the Double derivative σ + xσ(1−σ). Bound: σ and 1 − σ each carry at most a few ulps of 1
    /// (vexp ≤ 2 ulp, then a division and a subtraction), and x multiplies one of them, so
    /// |Δ| ≤ 8·2⁻²⁴·(1 + |x|).
    @Test func swishGradientAtTheExtremesAndInThePaddedTail() {
        let xs: [Float] = [-200, -90, -40, -20, -5, -1, 0, 0.5, 1, 5, 20, 90, 200]
        let x = Variable(Tensor(xs), requiresGrad: true)
        x.swish().sum().backward()
        let gradient = x.grad!.scalars
        for (i, value) in xs.enumerated() {
            let d = Double(value), s = 1 / (1 + exp(-d))
            let exact = s + d * s * (1 - s)
            let bound = 8 * 0x1p-24 * (1 + abs(d))
            #expect(gradient[i].isFinite, "swish'(\(value)) = \(gradient[i])")
            #expect(abs(Double(gradient[i]) - exact) <= bound, "swish'(\(value)) = \(gradient[i]), exact \(exact)")
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
