import Testing
@testable import Kexue

/// Checks the gradients a layer's `backward()` leaves on its parameters against central finite differences, by
/// perturbing each parameter's value in place (layers own their parameters, so `checkGradients`, which builds fresh
/// leaves, cannot reach them).
///
/// The probed scalar is `L = Σ w ⊙ f()` with fixed normal weights `w`, accumulated in `Double`, as in
/// `checkGradients`, whose derivation of the tolerance (`atol` 2e-3, `rtol` 1e-2 at h = 1e-2) applies unchanged.
/// `f` must rebuild its graph from the parameters' current values each call.
func checkParameterGradients(_ parameters: [Variable], h: Float = 1e-2, atol: Double = 2e-3, rtol: Double = 1e-2,
                             seed: UInt64 = 11, _ f: () -> Variable) -> GradientCheckResult {
    for p in parameters { p.zeroGrad() }
    let out = f()
    var rng = SeededRNG(seed: seed)
    let w = Tensor.normal(out.shape, rng: &rng)
    out.backward(seed: w)
    func probe() -> Double {
        var s = 0.0
        for (a, b) in zip(f().value.scalars, w.scalars) { s += Double(a) * Double(b) }
        return s
    }
    var failures = 0
    var worst = (excess: 0.0, name: "", index: -1, analytic: 0.0, numeric: 0.0)
    for p in parameters {
        let analytic = p.grad ?? Tensor.zeros(p.shape)
        let original = p.value
        for j in 0..<original.count {
            var plus = original, minus = original
            plus.withUnsafeMutableBufferPointer { $0[j] += h }
            minus.withUnsafeMutableBufferPointer { $0[j] -= h }
            p.value = plus
            let lp = probe()
            p.value = minus
            let lm = probe()
            p.value = original
            let numeric = (lp - lm) / (Double(plus.scalars[j]) - Double(minus.scalars[j]))
            let a = Double(analytic.scalars[j])
            let excess = abs(a - numeric) - (atol + rtol * max(abs(a), abs(numeric)))
            if excess > 0 {
                failures += 1
                if excess > worst.excess { worst = (excess, p.name, j, a, numeric) }
            }
        }
    }
    if failures == 0 { return GradientCheckResult(ok: true, message: "") }
    return GradientCheckResult(ok: false, message: """
        \(failures) parameter gradient elements outside atol \(atol) + rtol \(rtol)·|g|; worst: \(worst.name) \
        index \(worst.index): analytic \(worst.analytic), numeric \(worst.numeric)
        """)
}
