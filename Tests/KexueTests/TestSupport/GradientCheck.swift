import Testing

@testable import Kexue

/// The outcome of a finite-difference gradient check, with a readable message on failure.
struct GradientCheckResult {
    var ok: Bool
    var message: String
}

/// Checks reverse-mode gradients of `f` against central finite differences.
///
/// The scalar probed is `L = Σ w ⊙ f(inputs)` with fixed normal weights `w` (so every output element matters and
/// no symmetric cancellation hides a bug); `L` is accumulated in `Double` from the `Float` outputs. The analytic
/// side is `f(inputs).backward(seed: w)`.
///
/// Tolerance, derived: each forward value carries a relative `Float` error of a few ulps (~1e-7·Σ|w·y|), which the
/// difference quotient divides by 2h, giving ~1e-5 at h = 1e-2; the central-difference truncation error is
/// O(h²·f''') ~ 1e-4 for the smooth functions tested. `atol = 2e-3`, `rtol = 1e-2` sit an order of magnitude above
/// both, while a wrong formula errs by O(1).
func checkGradients(
    _ inputs: [Tensor], h: Float = 1e-2, atol: Double = 2e-3, rtol: Double = 1e-2,
    seed: UInt64 = 7, _ f: ([Variable]) -> Variable
) -> GradientCheckResult {
    // Fresh leaves for the inputs; the leaf check perturbs them in place and rebuilds the graph each probe.
    let leaves = inputs.enumerated().map { Variable($1, requiresGrad: true, name: "input \($0)") }
    return checkParameterGradients(leaves, h: h, atol: atol, rtol: rtol, seed: seed) { f(leaves) }
}

/// Max |a − b| over two same-shape tensors (precondition: equal shapes).
func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "maxAbsDifference: \(a.shape) and \(b.shape)")
    return zip(a.scalars, b.scalars).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// Seeded normal inputs for tests.
func randomTensor(_ shape: [Int], seed: UInt64, std: Float = 1) -> Tensor {
    var rng = SeededRNG(seed: seed)
    return Tensor.normal(shape, std: std, rng: &rng)
}

@Suite struct GradientCheckTests {
    @Test func detectsAWrongPullback() {
        // A square whose pullback forgets the factor 2 must fail the check.
        let x = randomTensor([3], seed: 1)
        let r = checkGradients([x]) { v in
            let value = v[0].value
            return Variable(value.squared(), inputs: [v[0]]) { g in [g * value] }
        }
        #expect(!r.ok)
        #expect(r.message.contains("worst"))
    }
}
