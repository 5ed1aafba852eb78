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

/// Stochastic gradient descent with momentum, PyTorch's convention:
/// `v ← μ·v + (g + λ·θ)`, `θ ← θ − η·v` (with μ = 0 this is plain SGD; λ is coupled L2 weight decay).
public final class SGD: Optimizer {
    public let parameters: [Variable]
    public var schedule: LearningRateSchedule
    public private(set) var stepCount = 0
    /// Momentum μ in [0, 1).
    public var momentum: Float
    /// Coupled L2 weight decay λ (added to the gradient).
    public var weightDecay: Float
    private var velocity: [Tensor?]

    public init(parameters: [Variable], schedule: LearningRateSchedule, momentum: Float = 0, weightDecay: Float = 0) {
        self.parameters = parameters
        self.schedule = schedule
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.velocity = Array(repeating: nil, count: parameters.count)
    }

    /// Constant learning rate `learningRate`.
    public convenience init(parameters: [Variable], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.init(parameters: parameters, schedule: .constant(learningRate), momentum: momentum, weightDecay: weightDecay)
    }

    public func step() {
        let lr = schedule.rate(at: stepCount)
        for (i, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            var v = velocity[i] ?? Tensor.zeros(p.shape)
            let (mu, wd) = (momentum, weightDecay)
            v.withUnsafeMutableBufferPointer { pv in
                g.withUnsafeBufferPointer { pg in
                    p.value.withUnsafeMutableBufferPointer { pw in
                        for j in 0..<pw.count {
                            pv[j] = mu * pv[j] + pg[j] + wd * pw[j]
                            pw[j] -= lr * pv[j]
                        }
                    }
                }
            }
            velocity[i] = v
        }
        stepCount += 1
    }
}
