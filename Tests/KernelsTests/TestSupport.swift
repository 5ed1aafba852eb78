// Shared test helpers: a seeded generator and a twin comparison that reports the worst element.

import Kernels

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator, identical on every platform.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1) with 24 random bits.
    mutating func unit() -> Float { Float(next() >> 40) * 0x1p-24 }
    /// Uniform in [lo, hi).
    mutating func uniform(_ lo: Float, _ hi: Float) -> Float { lo + (hi - lo) * unit() }
    mutating func array(_ count: Int, _ lo: Float = -1, _ hi: Float = 1) -> [Float] {
        (0..<count).map { _ in uniform(lo, hi) }
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}

/// Unit roundoff of fp32 (2^-24).
let u32 = Double(Float.ulpOfOne) / 2

/// Result of comparing a kernel with its twin element by element against per-element bounds.
struct TwinReport: CustomStringConvertible {
    var failures = 0
    var worstIndex = -1
    var worstRatio = 0.0
    var worstPair: (Float, Float) = (0, 0)
    var worstBound = 0.0
    var firstFailures: [String] = []
    var ok: Bool { failures == 0 }
    var description: String {
        "\(failures) failures; worst index \(worstIndex): got \(worstPair.0), reference \(worstPair.1), "
            + "bound \(worstBound) (|Δ|/bound = \(worstRatio)); first: \(firstFailures.joined(separator: ", "))"
    }
}

/// Compares `got` with `want` where element i may differ by `bound(i)`. NaN must match NaN and
/// infinities must match exactly.
func compareTwins(_ got: [Float], _ want: [Float], bound: (Int) -> Double) -> TwinReport {
    precondition(got.count == want.count, "compareTwins: \(got.count) vs \(want.count) elements")
    var report = TwinReport()
    for i in got.indices {
        let g = got[i], w = want[i]
        let b = bound(i)
        var bad = false
        var ratio = 0.0
        if g.isNaN || w.isNaN || g.isInfinite || w.isInfinite {
            bad = !(g.isNaN && w.isNaN) && g != w
            ratio = bad ? .infinity : 0
        } else {
            let d = abs(Double(g) - Double(w))
            ratio = b > 0 ? d / b : (d == 0 ? 0 : .infinity)
            bad = d > b
        }
        if ratio > report.worstRatio || report.worstIndex < 0 {
            report.worstRatio = ratio; report.worstIndex = i; report.worstPair = (g, w); report.worstBound = b
        }
        if bad {
            report.failures += 1
            if report.firstFailures.count < 3 { report.firstFailures.append("[\(i)] \(g) vs \(w) (bound \(b))") }
        }
    }
    return report
}
