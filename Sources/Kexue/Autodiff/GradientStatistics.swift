// MARK: - Gradient statistics: the quantities of the "increment explosion" argument
//
// kexue.fm/archives/8978 (post B6) and 8994 (chapter 4): one optimiser step changes the loss by
//
//     ΔL ≈ ⟨∇_θ L, Δθ⟩,  which under SGD is −η‖∇_θ L‖²                  (chapter 4, eq:increment)
//
// so the *sum* of squared gradients over all layers, not the size of any one of them, sets the size of the first
// steps. These helpers measure that sum, the per-layer norms, the actual and first-order loss change of one step,
// and each parameter's update-to-weight ratio. Everything is accumulated in `Double`.

/// Gradient measurements over parameter lists and layers.
public enum GradientStatistics {
    /// Σ‖g‖² over the parameters' accumulated gradients (missing gradients count 0).
    public static func squaredNorm(_ parameters: [Variable]) -> Double {
        parameters.reduce(0.0) { $0 + ($1.grad?.squaredNorm() ?? 0) }
    }

    /// The gradient norm of each layer, in order (`Layer.gradientNorm()`).
    public static func layerNorms(_ layers: [any Layer]) -> [Double] {
        layers.map { $0.gradientNorm() }
    }

    /// ⟨a, b⟩ in `Double`. Precondition: equal element counts.
    static func dot(_ a: Tensor, _ b: Tensor) -> Double {
        require(a.count == b.count, "GradientStatistics.dot: \(a.shape) and \(b.shape) sizes differ")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                var s = 0.0
                for i in 0..<pa.count { s += Double(pa[i]) * Double(pb[i]) }
                return s
            }
        }
    }
}

/// What one optimiser step did: the loss before and after, the first-order prediction ⟨g, Δθ⟩, the squared
/// gradient norm, and each parameter's ‖Δθ‖/‖θ‖.
public struct StepIncrement: Sendable {
    /// L(θ) before the step.
    public var lossBefore: Double
    /// L(θ + Δθ) after the step.
    public var lossAfter: Double
    /// ⟨∇L, Δθ⟩ summed over all parameters: the first-order estimate of the change (−η‖∇L‖² under plain SGD).
    public var firstOrderChange: Double
    /// Σ‖∇L‖² over all parameters, before the step.
    public var gradientSquaredNorm: Double
    /// ‖Δθ_i‖/‖θ_i‖ for each parameter, in the optimiser's order (∞ for a parameter that was all zeros and moved).
    public var updateToWeight: [Double]

    /// The actual change `lossAfter − lossBefore`.
    public var change: Double { lossAfter - lossBefore }
}

extension Optimizer {
    /// Runs one step of this optimiser on `loss` and measures it (chapter 4's "increment").
    ///
    /// Clears the gradients, evaluates `loss()` and back-propagates, records θ and ∇L, calls `step()`, and
    /// evaluates `loss()` again at the new parameters (without back-propagating). `loss` must return a scalar
    /// built from `parameters` and must be deterministic (same batch both times). The parameters keep the step
    /// and their gradients from before it.
    public func measureStep(_ loss: () -> Variable) -> StepIncrement {
        zeroGrad()
        let before = loss()
        require(before.shape == [], "measureStep: loss has shape \(before.shape), expected a scalar")
        before.backward()
        let oldValues = parameters.map(\.value)
        let grads = parameters.map { $0.grad }
        let gradientSquaredNorm = GradientStatistics.squaredNorm(parameters)
        step()
        var firstOrder = 0.0
        var ratios: [Double] = []
        for (i, p) in parameters.enumerated() {
            let delta = p.value - oldValues[i]
            if let g = grads[i] { firstOrder += GradientStatistics.dot(g, delta) }
            let weight = oldValues[i].squaredNorm().squareRoot(), update = delta.squaredNorm().squareRoot()
            ratios.append(weight > 0 ? update / weight : (update > 0 ? .infinity : 0))
        }
        let after = Double(loss().value.scalar)
        return StepIncrement(
            lossBefore: Double(before.value.scalar), lossAfter: after,
            firstOrderChange: firstOrder, gradientSquaredNorm: gradientSquaredNorm,
            updateToWeight: ratios)
    }
}
