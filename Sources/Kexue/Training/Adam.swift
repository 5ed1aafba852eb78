/// Adam (Kingma and Ba 2015) with bias correction, optionally with weight decay, coupled (L2, as PyTorch `Adam`)
/// or decoupled (AdamW, Loshchilov and Hutter 2019, as PyTorch `AdamW`).
///
/// With gradient g, step t = `stepCount + 1`, rate η:
/// - coupled: g ← g + λθ;
/// - `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`;
/// - decoupled: θ ← θ − ηλθ (before the Adam update, as PyTorch);
/// - `θ ← θ − η·m̂/(√v̂ + ε)`.
/// The moments are stored in `Float`; the bias corrections are computed in `Double`.
public final class Adam: Optimizer {
    /// The trainable leaves, in the order the optimiser state is kept.
    public let parameters: [Variable]
    /// The learning-rate schedule, evaluated at `stepCount`.
    public var schedule: LearningRateSchedule
    /// The number of updates applied so far.
    public private(set) var stepCount = 0
    /// Decay of the first-moment average (default 0.9).
    public var beta1: Float
    /// Decay of the second-moment average (default 0.999).
    public var beta2: Float
    /// Added to √v̂ in the denominator (default 1e-8).
    public var epsilon: Float
    /// Weight decay λ (0 for none).
    public var weightDecay: Float
    /// `true` for AdamW's decoupled decay, `false` for L2 added to the gradient.
    public var decoupledWeightDecay: Bool
    private var m: [Tensor?]
    private var v: [Tensor?]

    /// Adam over `parameters` with a learning-rate schedule; see the type documentation for the update.
    public init(
        parameters: [Variable], schedule: LearningRateSchedule, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false
    ) {
        self.parameters = parameters
        self.schedule = schedule
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        self.m = Array(repeating: nil, count: parameters.count)
        self.v = Array(repeating: nil, count: parameters.count)
    }

    /// Adam with a constant learning rate.
    public convenience init(
        parameters: [Variable], learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false
    ) {
        self.init(
            parameters: parameters, schedule: .constant(learningRate), beta1: beta1, beta2: beta2,
            epsilon: epsilon, weightDecay: weightDecay, decoupledWeightDecay: decoupledWeightDecay)
    }

    /// AdamW: Adam with decoupled weight decay λ (PyTorch's default λ = 0.01).
    public static func adamW(
        parameters: [Variable], schedule: LearningRateSchedule, weightDecay: Float = 0.01,
        beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
    ) -> Adam {
        Adam(
            parameters: parameters, schedule: schedule, beta1: beta1, beta2: beta2, epsilon: epsilon,
            weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    /// Applies one update to every parameter that has a gradient, then increments `stepCount`.
    public func step() {
        let lr = schedule.rate(at: stepCount)
        let t = Double(stepCount + 1)
        let c1 = Float(1 - integerPower(Double(beta1), t)), c2 = Float(1 - integerPower(Double(beta2), t))
        let (b1, b2, eps, wd, decoupled) = (beta1, beta2, epsilon, weightDecay, decoupledWeightDecay)
        for (i, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            if m[i] == nil { m[i] = Tensor.zeros(p.shape) }
            if v[i] == nil { v[i] = Tensor.zeros(p.shape) }
            // The moments are updated where they are stored (a copy taken out of the arrays and written back
            // would share its buffer with them and be copied before every update).
            m[i]!.withUnsafeMutableBufferPointer { pm in
                v[i]!.withUnsafeMutableBufferPointer { pv in
                    g.withUnsafeBufferPointer { pg in
                        p.value.withUnsafeMutableBufferPointer { pw in
                            guard let w = pw.baseAddress else { return }
                            let mm = pm.baseAddress!, vv = pv.baseAddress!, gg = pg.baseAddress!
                            // 8 lanes at a time with the scalar loop's operations in its order (each lane is
                            // the scalar update, rounded alike), then the scalar loop on the tail.
                            let vlr = Vec8(repeating: lr), vwd = Vec8(repeating: wd), vlrwd = Vec8(repeating: lr * wd)
                            let vb1 = Vec8(repeating: b1), vb2 = Vec8(repeating: b2)
                            let vb1c = Vec8(repeating: 1 - b1), vb2c = Vec8(repeating: 1 - b2)
                            let vc1 = Vec8(repeating: c1), vc2 = Vec8(repeating: c2), veps = Vec8(repeating: eps)
                            var j0 = 0
                            while j0 &+ 8 <= pw.count {
                                var gj = load8(gg + j0), wj = load8(w + j0)
                                if decoupled { wj = wj - vlrwd * wj } else { gj = gj + vwd * wj }
                                let mj = vb1 * load8(mm + j0) + vb1c * gj
                                let vj = vb2 * load8(vv + j0) + vb2c * gj * gj
                                store8(mj, mm + j0)
                                store8(vj, vv + j0)
                                let mhat = mj / vc1, vhat = vj / vc2
                                store8(wj - vlr * mhat / (vhat.squareRoot() + veps), w + j0)
                                j0 &+= 8
                            }
                            for j in j0..<pw.count {
                                var gj = pg[j]
                                if decoupled { pw[j] -= lr * wd * pw[j] } else { gj += wd * pw[j] }
                                pm[j] = b1 * pm[j] + (1 - b1) * gj
                                pv[j] = b2 * pv[j] + (1 - b2) * gj * gj
                                let mhat = pm[j] / c1, vhat = pv[j] / c2
                                pw[j] -= lr * mhat / (vhat.squareRoot() + eps)
                            }
                        }
                    }
                }
            }
        }
        stepCount += 1
    }
}

private func integerPower(_ x: Double, _ y: Double) -> Double {
    // Integer powers by repeated squaring: exact-order and libm-independent for the bias correction.
    var result = 1.0, base = x, n = Int(y)
    while n > 0 {
        if n & 1 == 1 { result *= base }
        base *= base
        n >>= 1
    }
    return result
}
