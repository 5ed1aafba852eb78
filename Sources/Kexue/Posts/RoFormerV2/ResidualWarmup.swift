/// RoFormerV2's warmup of the residual branch (kexue.fm/archives/8998): during training from scratch each
/// post-norm sublayer computes `x ← Norm(x + α·F(x))` with α rising linearly from 0 to 1 over `steps` optimiser
/// steps, then staying at 1.
///
/// Properties: at step 0 the whole network is the identity up to the norms (every branch is switched off), so
/// the first updates cannot be blown up by depth; unlike ReZero, α is a schedule, not a parameter, and the
/// norm is kept. The post gives no step count (none was found in the released code either).
public struct ResidualWarmup: Sendable, Equatable {
    /// The number of steps over which α goes from 0 to 1; 0 means α = 1 from the start (no warmup).
    public let steps: Int

    /// A warmup over `steps` optimiser steps; 0 means none. Precondition: `steps` ≥ 0.
    public init(steps: Int) {
        require(steps >= 0, "ResidualWarmup: steps \(steps) < 0")
        self.steps = steps
    }

    /// α for the update with index `step` (0-based): `min(1, step / steps)`, or 1 without warmup.
    public func alpha(at step: Int) -> Float {
        guard steps > 0 else { return 1 }
        return Float(Swift.min(1, Double(Swift.max(0, step)) / Double(steps)))
    }
}
