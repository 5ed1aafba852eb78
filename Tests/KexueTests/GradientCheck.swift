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
func checkGradients(_ inputs: [Tensor], h: Float = 1e-2, atol: Double = 2e-3, rtol: Double = 1e-2,
                    seed: UInt64 = 7, _ f: ([Variable]) -> Variable) -> GradientCheckResult {
    let vars = inputs.map { Variable($0, requiresGrad: true) }
    let out = f(vars)
    var rng = SeededRNG(seed: seed)
    let w = Tensor.normal(out.shape, rng: &rng)
    out.backward(seed: w)
    func probe(_ xs: [Tensor]) -> Double {
        let y = f(xs.map { Variable($0) })
        var s = 0.0
        for (a, b) in zip(y.value.scalars, w.scalars) { s += Double(a) * Double(b) }
        return s
    }
    var worst = (excess: 0.0, input: -1, index: -1, analytic: 0.0, numeric: 0.0)
    var failures = 0
    for (i, x) in inputs.enumerated() {
        let analytic = vars[i].grad ?? Tensor.zeros(x.shape)
        for j in 0..<x.count {
            var plus = inputs, minus = inputs
            var xp = x, xm = x
            xp.withUnsafeMutableBufferPointer { $0[j] += h }
            xm.withUnsafeMutableBufferPointer { $0[j] -= h }
            plus[i] = xp; minus[i] = xm
            let step = Double(xp.scalars[j]) - Double(xm.scalars[j])
            let numeric = (probe(plus) - probe(minus)) / step
            let a = Double(analytic.scalars[j])
            let bound = atol + rtol * max(abs(a), abs(numeric))
            let excess = abs(a - numeric) - bound
            if excess > 0 {
                failures += 1
                if excess > worst.excess { worst = (excess, i, j, a, numeric) }
            }
        }
    }
    if failures == 0 { return GradientCheckResult(ok: true, message: "") }
    return GradientCheckResult(ok: false, message: """
        \(failures) gradient elements outside atol \(atol) + rtol \(rtol)·|g|; worst: input \(worst.input) \
        (shape \(inputs[worst.input].shape)) index \(worst.index): analytic \(worst.analytic), \
        numeric \(worst.numeric)
        """)
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
