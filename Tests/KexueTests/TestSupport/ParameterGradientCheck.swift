import Testing

@testable import Kexue

/// Checks the gradients that `f()` sends to existing leaves (a layer's parameters, an input) against central finite
/// differences, perturbing each leaf's value in place and restoring it (layers own their parameters, so
/// `checkGradients`, which builds fresh leaves, cannot reach them); `f` must rebuild its graph from the leaves'
/// current values each call. Same probe and tolerances as
/// `checkGradients`; output cells that are not finite (a head's −∞ masked cells) get probe weight 0, so the probe
/// stays finite and those cells, constant by construction, are left out.
func checkParameterGradients(
    _ leaves: [Variable], h: Float = 1e-2, atol: Double = 2e-3, rtol: Double = 1e-2,
    seed: UInt64 = 7, _ f: () -> Variable
) -> GradientCheckResult {
    for leaf in leaves { leaf.zeroGrad() }
    let out = f()
    var rng = SeededRNG(seed: seed)
    var w = Tensor.normal(out.shape, rng: &rng)
    w.withUnsafeMutableBufferPointer { p in
        for i in 0..<p.count where !out.value.scalars[i].isFinite { p[i] = 0 }
    }
    out.backward(seed: w)
    let analytic = leaves.map { $0.grad ?? Tensor.zeros($0.shape) }
    func probe() -> Double {
        let y = f().value
        var s = 0.0
        for (a, b) in zip(y.scalars, w.scalars) where b != 0 { s += Double(a) * Double(b) }
        return s
    }
    var failures = 0
    var worst = (excess: 0.0, leaf: -1, index: -1, analytic: 0.0, numeric: 0.0)
    for (i, leaf) in leaves.enumerated() {
        for j in 0..<leaf.value.count {
            let original = leaf.value.scalars[j]
            leaf.value.withUnsafeMutableBufferPointer { $0[j] = original + h }
            let up = Double(leaf.value.scalars[j]), plus = probe()
            leaf.value.withUnsafeMutableBufferPointer { $0[j] = original - h }
            let down = Double(leaf.value.scalars[j]), minus = probe()
            leaf.value.withUnsafeMutableBufferPointer { $0[j] = original }
            let numeric = (plus - minus) / (up - down)
            let a = Double(analytic[i].scalars[j])
            let excess = abs(a - numeric) - (atol + rtol * max(abs(a), abs(numeric)))
            if excess > 0 {
                failures += 1
                if excess > worst.excess { worst = (excess, i, j, a, numeric) }
            }
        }
    }
    if failures == 0 { return GradientCheckResult(ok: true, message: "") }
    return GradientCheckResult(
        ok: false,
        message: """
            \(failures) gradient elements outside atol \(atol) + rtol \(rtol)·|g|; worst: leaf \(worst.leaf) \
            "\(leaves[worst.leaf].name)" (shape \(leaves[worst.leaf].shape)) index \(worst.index): analytic \
            \(worst.analytic), numeric \(worst.numeric)
            """)
}
