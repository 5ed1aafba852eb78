/// A first-order optimiser updating `parameters` in place from their accumulated `grad`s.
///
/// Usage per training step: `opt.zeroGrad()`, compute the loss, `loss.backward()`, `opt.step()`.
/// Parameters whose `grad` is `nil` are left unchanged by `step()`.
public protocol Optimizer: AnyObject {
    /// The trainable leaves, in a fixed order (optimiser state is kept per position).
    var parameters: [Variable] { get }
    /// The learning-rate schedule, evaluated at `stepCount` by `step()`.
    var schedule: LearningRateSchedule { get set }
    /// The number of `step()` calls so far.
    var stepCount: Int { get }
    /// Applies one update and increments `stepCount`.
    func step()
}

extension Optimizer {
    /// Clears every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }

    /// The rate the next `step()` will use.
    public var learningRate: Float { schedule.rate(at: stepCount) }

    /// Euclidean norm of all parameter gradients together (in `Double`), e.g. for gradient statistics.
    public func gradientNorm() -> Double {
        parameters.reduce(0.0) { $0 + ($1.grad?.squaredNorm() ?? 0) }.squareRoot()
    }
}
