// MARK: - Creation

extension Tensor {
    /// All zeros of the given shape.
    public static func zeros(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, scalars: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// All ones of the given shape.
    public static func ones(_ shape: [Int]) -> Tensor {
        full(shape, 1)
    }

    /// Every element equal to `value`.
    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        Tensor(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// Zeros with the shape of `other`.
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape) }

    /// `[0, 1, ..., count-1]`, shape `[count]`.
    public static func arange(_ count: Int) -> Tensor {
        arange(from: 0, to: Float(count), step: 1)
    }

    /// `start, start + step, ...` while `< end` (or `> end` for a negative step), numpy's `arange`; element i is
    /// computed as `start + i·step` (in `Double`), not by repeated addition. Shape `[ceil((end-start)/step)]`.
    public static func arange(from start: Float, to end: Float, step: Float = 1) -> Tensor {
        require(step != 0, "arange: step must be nonzero")
        let n = Swift.max(0, Int(((Double(end) - Double(start)) / Double(step)).rounded(.up)))
        return Tensor(shape: [n], scalars: (0..<n).map { Float(Double(start) + Double($0) * Double(step)) })
    }

    /// `count` evenly spaced values from `start` to `end` inclusive (numpy's `linspace`); shape `[count]`.
    /// Element i is `start + i·(end-start)/(count-1)` in `Double`, and the last is exactly `end`.
    public static func linspace(from start: Float, to end: Float, count: Int) -> Tensor {
        require(count >= 0, "linspace: negative count \(count)")
        if count == 1 { return Tensor([start]) }
        let step = (Double(end) - Double(start)) / Double(count - 1)
        return Tensor(
            shape: [count],
            scalars: (0..<count).map {
                $0 == count - 1 ? end : Float(Double(start) + Double($0) * step)
            })
    }

    /// The identity matrix, shape `[n, n]`.
    public static func eye(_ n: Int) -> Tensor {
        var t = zeros([n, n])
        t.withUnsafeMutableBufferPointer { p in for i in 0..<n { p[i &* n &+ i] = 1 } }
        return t
    }

    /// Uniform in [low, high), drawn in row-major order from `rng`.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, rng: inout SeededRNG) -> Tensor {
        Initializer.uniform(low: low, high: high).make(shape, rng: &rng)
    }

    /// Normal with the given mean and std, drawn in row-major order from `rng` (Box-Muller, see `SeededRNG`).
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, rng: inout SeededRNG) -> Tensor {
        Initializer.normal(mean: mean, std: std).make(shape, rng: &rng)
    }

    /// A tensor filled by an initialiser (Glorot, LeCun, DeepNet, ...), drawn from `rng`.
    public init(_ shape: [Int], initializer: Initializer, rng: inout SeededRNG) {
        self = initializer.make(shape, rng: &rng)
    }
}
