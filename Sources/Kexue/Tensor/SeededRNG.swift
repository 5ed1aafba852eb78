#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A seeded pseudo-random number generator whose stream is identical on every platform.
///
/// Algorithm: **xoshiro256\*\*** (Blackman and Vigna, 2018) for the 64-bit stream, with its 256-bit state filled by
/// four successive outputs of **SplitMix64** started at `seed` (the seeding the xoshiro authors recommend). Every
/// derived draw is defined here in integer arithmetic or in `Double`, never through `Float.random(in:)` or
/// `Int.random(in:)`, whose algorithms are not a stable contract of the standard library:
///
/// - `uniformFloat()`: the top 24 bits of one output times 2⁻²⁴, so exactly representable, in [0, 1).
/// - `uniformDouble()`: the top 53 bits times 2⁻⁵³, in [0, 1).
/// - `normal()`: Box-Muller on two outputs, `sqrt(-2 log u₁) · cos(2π u₂)` with u₁ in (0, 1] (so the log is finite)
///   and u₂ in [0, 1), computed in `Double`. Each draw consumes exactly two outputs; the sine half is discarded so
///   that the stream position depends only on the number of draws. The only platform dependence is libm's `log`
///   and `cos` in the last `Double` bit, which practically never survives the rounding to `Float`.
/// - `uniformInt(below:)`: Lemire's multiply-shift with rejection (unbiased).
///
/// Golden values (pinned in the tests): seed 0 gives `0x99ec5f36cb75f2b4` first.
/// Not cryptographically secure; value type, so copying a generator forks an identical stream.
public struct SeededRNG: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// Seeds the 256-bit state from four SplitMix64 outputs started at `seed`.
    public init(seed: UInt64) {
        var sm = seed
        @inline(__always) func splitMix() -> UInt64 {
            sm &+= 0x9e37_79b9_7f4a_7c15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 &- k))
    }

    /// The next 64-bit output of xoshiro256**.
    public mutating func next() -> UInt64 {
        let result = SeededRNG.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = SeededRNG.rotl(s3, 45)
        return result
    }

    // MARK: Uniform

    /// Uniform in [0, 1): the top 24 bits of one output times 2⁻²⁴ (every value is exact in `Float`).
    public mutating func uniformFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform in [0, 1): the top 53 bits of one output times 2⁻⁵³.
    public mutating func uniformDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in [low, high): `low + (high - low) · uniformFloat()` (may round to `high` when the interval is
    /// tiny relative to its magnitude).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * uniformFloat()
    }

    /// A uniform integer in 0..<n, unbiased (Lemire's multiply-shift with rejection). Precondition: n > 0.
    public mutating func uniformInt(below n: Int) -> Int {
        require(n > 0, "uniformInt(below:): bound \(n) must be positive")
        let bound = UInt64(n)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return Int(product.high)
    }

    /// The elements of `array` in a uniformly random order (Fisher-Yates from the last index down, drawing with
    /// `uniformInt(below:)`).
    public mutating func shuffled<T>(_ array: [T]) -> [T] {
        var a = array
        var i = a.count - 1
        while i > 0 {
            let j = uniformInt(below: i + 1)
            a.swapAt(i, j)
            i -= 1
        }
        return a
    }

    // MARK: Normal

    /// A standard normal draw in `Double` by Box-Muller (two outputs per draw; see the type's documentation).
    public mutating func normalDouble() -> Double {
        let u1 = Double((next() >> 11) &+ 1) * 0x1p-53  // (0, 1]: log(u1) is finite
        let u2 = Double(next() >> 11) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A normal draw with the given mean and standard deviation, rounded to `Float`.
    public mutating func normal(mean: Float = 0, std: Float = 1) -> Float {
        Float(Double(mean) + Double(std) * normalDouble())
    }

    /// A normal draw truncated to [mean - 2·std, mean + 2·std] by rejection (the TensorFlow/Keras
    /// `TruncatedNormal` and PyTorch `trunc_normal_` convention). `std` is the parameter of the untruncated
    /// normal; the truncated distribution's actual standard deviation is about 0.8796·std.
    public mutating func truncatedNormal(mean: Float = 0, std: Float = 1) -> Float {
        while true {
            let z = normalDouble()
            if abs(z) <= 2 { return Float(Double(mean) + Double(std) * z) }
        }
    }
}
