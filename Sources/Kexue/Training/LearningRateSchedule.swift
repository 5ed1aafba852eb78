/// A learning rate as a function of the optimiser step.
///
/// `step` counts the updates already applied (0 for the first update). Linear warmup follows bert4keras's
/// `extend_with_piecewise_linear_lr` and Hugging Face's `get_linear_schedule_with_warmup`: the rate is
/// `peak · step / warmupSteps` while `step < warmupSteps`, so the very first update has rate 0.
public enum LearningRateSchedule: Sendable, Equatable {
    /// The same rate at every step.
    case constant(Float)
    /// Linear from 0 to `peak` over `warmupSteps` updates, then `peak`.
    case warmupConstant(peak: Float, warmupSteps: Int)
    /// Linear from 0 to `peak` over `warmupSteps`, then linear down to 0 at `totalSteps` (and 0 after).
    case warmupLinearDecay(peak: Float, warmupSteps: Int, totalSteps: Int)

    /// The rate for the update with index `step` (0-based).
    public func rate(at step: Int) -> Float {
        switch self {
        case .constant(let r):
            return r
        case .warmupConstant(let peak, let warmup):
            return step < warmup ? peak * Float(step) / Float(warmup) : peak
        case .warmupLinearDecay(let peak, let warmup, let total):
            if step < warmup { return peak * Float(step) / Float(warmup) }
            if step >= total { return 0 }
            return peak * Float(total - step) / Float(Swift.max(total - warmup, 1))
        }
    }
}
