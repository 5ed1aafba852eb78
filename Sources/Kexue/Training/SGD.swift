/// Stochastic gradient descent with momentum, PyTorch's convention:
/// `v ← μ·v + (g + λ·θ)`, `θ ← θ − η·v` (with μ = 0 this is plain SGD; λ is coupled L2 weight decay).
public final class SGD: Optimizer {
    /// The trainable leaves, in the order the optimiser state is kept.
    public let parameters: [Variable]
    /// The learning-rate schedule, evaluated at `stepCount`.
    public var schedule: LearningRateSchedule
    /// The number of updates applied so far.
    public private(set) var stepCount = 0
    /// Momentum μ in [0, 1).
    public var momentum: Float
    /// Coupled L2 weight decay λ (added to the gradient).
    public var weightDecay: Float
    private var velocity: [Tensor?]

    /// SGD over `parameters` with a learning-rate schedule.
    public init(parameters: [Variable], schedule: LearningRateSchedule, momentum: Float = 0, weightDecay: Float = 0) {
        self.parameters = parameters
        self.schedule = schedule
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.velocity = Array(repeating: nil, count: parameters.count)
    }

    /// Constant learning rate `learningRate`.
    public convenience init(parameters: [Variable], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.init(
            parameters: parameters, schedule: .constant(learningRate), momentum: momentum, weightDecay: weightDecay)
    }

    /// Applies one update to every parameter that has a gradient, then increments `stepCount`.
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
