#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Softmax entropy and the entropy-invariant attention scale
//
// Su Jianlin, "A quick derivation of entropy-invariant softmax" (kexue.fm/archives/9034, 2022-04-11), building on
// "Attention's scale factor from entropy invariance" (kexue.fm/archives/8823). For scores s ∈ ℝⁿ and a temperature λ,
// p = softmax(λ s) and
//
//     H = −Σ pᵢ log pᵢ = log n + log((1/n) Σ e^{λ sᵢ}) − λ Σ pᵢ sᵢ                  (exact; chapter 8, eq:decomposition)
//
// Replacing the log-mean-exp by λ s̄ and Σ pᵢ sᵢ by s_max gives H ≈ log n − λ (s_max − s̄), so λ ∝ log n keeps H
// from growing with n, and since s = ⟨q, k⟩ grows like d, λ ∝ log n / d. Both replacements err the same way
// (Jensen; Σ pᵢ sᵢ ≤ s_max), so for λ ≥ 0 the approximation is a lower bound on H.
// Everything here is in `Double` on plain arrays: these are the chapter's measuring instruments, not kernels.

/// The exact three-term split of the softmax entropy, `H = logN + logMeanExp − weightedScore` (chapter 8,
/// eq:decomposition; the post's expansion of H).
public struct SoftmaxEntropyDecomposition: Sendable, Equatable {
    /// log n, the entropy of the uniform distribution over the n scores.
    public var logN: Double
    /// log((1/n) Σᵢ e^{λ sᵢ}), the "log-mean-exp"; ≥ λ s̄ by Jensen's inequality, equal when all scores are equal.
    public var logMeanExp: Double
    /// λ Σᵢ pᵢ sᵢ, the softmax-weighted score; ≤ λ s_max for λ ≥ 0.
    public var weightedScore: Double

    /// logN + logMeanExp − weightedScore, which equals the entropy up to rounding.
    public var entropy: Double { logN + logMeanExp - weightedScore }
}

/// Logits z = λ s, their maximum m, the shifted exponentials e^{zᵢ − m} and their sum Z (so log Σ e^{zᵢ} = m + log Z).
/// Subtracting the maximum keeps every exponential in (0, 1]: no overflow for any λ·s, and Z ≥ 1.
private func shiftedExponentials(_ scores: [Double], _ lambda: Double, _ caller: String)
    -> (z: [Double], m: Double, e: [Double], sum: Double)
{
    require(!scores.isEmpty, "\(caller): empty score row")
    require(lambda.isFinite, "\(caller): temperature \(lambda) is not finite")
    require(scores.allSatisfy { $0.isFinite }, "\(caller): scores must be finite")
    let z = scores.map { lambda * $0 }
    let m = z.max()!
    let e = z.map { exp($0 - m) }
    return (z, m, e, e.reduce(0, +))
}

/// Entropy in nats of `softmax(λ·scores)`, computed from its definition `−Σ pᵢ log pᵢ`.
///
/// - Parameters:
///   - scores: one row `[n]`, n ≥ 1, finite.
///   - lambda: the temperature λ (any finite value; λ = 0 gives the uniform distribution).
/// - Returns: H ∈ [0, log n]; `log n` when all scores are equal or λ = 0.
///
/// Stability: log pᵢ is taken as the log-softmax `(zᵢ − m) − log Z`, never as `log(pᵢ)`, so a weight that underflows
/// to 0 contributes `0 · (finite)` = 0 rather than `0 · log 0` = NaN.
public func softmaxEntropy(_ scores: [Double], temperature lambda: Double = 1) -> Double {
    let (z, m, e, sum) = shiftedExponentials(scores, lambda, "softmaxEntropy")
    let logSum = log(sum)
    var h = 0.0
    for i in z.indices {
        let logP = (z[i] - m) - logSum
        h -= e[i] / sum * logP
    }
    return h
}

/// The terms of `H = log n + log((1/n) Σ e^{λ sᵢ}) − λ Σ pᵢ sᵢ` for `p = softmax(λ·scores)` (chapter 8,
/// eq:decomposition).
///
/// - Parameters: as `softmaxEntropy`; `scores` is `[n]`.
/// - Returns: the three terms; their combination `entropy` agrees with `softmaxEntropy` to rounding (a few ulps of
///   `log n + |λ|·max|sᵢ|`), but is computed differently: from log Σ e^{z} and Σ p z instead of Σ p log p.
///
/// The log-mean-exp is `m + log Z − log n` with m the maximum logit, so it is finite for any λ·s.
public func softmaxEntropyDecomposition(
    _ scores: [Double],
    temperature lambda: Double = 1
) -> SoftmaxEntropyDecomposition {
    let (z, m, e, sum) = shiftedExponentials(scores, lambda, "softmaxEntropyDecomposition")
    let logN = log(Double(scores.count))
    var weighted = 0.0
    for i in z.indices { weighted += e[i] / sum * z[i] }
    return SoftmaxEntropyDecomposition(logN: logN, logMeanExp: m + log(sum) - logN, weightedScore: weighted)
}

/// The post's approximation `log n − λ (s_max − s̄)` of the softmax entropy (chapter 8, eq:approx), which is also a
/// lower bound: `softmaxEntropyLowerBound(s, λ) ≤ softmaxEntropy(s, λ)` for every s and every λ ≥ 0.
///
/// Why a bound: log-mean-exp ≥ λ s̄ (Jensen, e^x convex) and λ Σ pᵢ sᵢ ≤ λ s_max (a weighted mean is at most the
/// maximum, λ ≥ 0). Equality iff all scores are equal or λ = 0. Not tight: it is negative as soon as
/// λ (s_max − s̄) > log n, e.g. for one large score among many small ones, while H ≥ 0 always.
///
/// - Parameters: `scores` `[n]`, n ≥ 1, finite; `lambda` ≥ 0 (for λ < 0 the second inequality reverses).
public func softmaxEntropyLowerBound(_ scores: [Double], temperature lambda: Double = 1) -> Double {
    require(!scores.isEmpty, "softmaxEntropyLowerBound: empty score row")
    require(lambda >= 0 && lambda.isFinite, "softmaxEntropyLowerBound: temperature \(lambda) must be finite and ≥ 0")
    let n = Double(scores.count)
    let mean = scores.reduce(0, +) / n
    return log(n) - lambda * (scores.max()! - mean)
}

// MARK: - The attention scale κ·log n / d

/// The length at which the entropy-invariant scale equals the standard one (kexue.fm/archives/8823).
public let entropyInvariantReferenceLength = 512

/// κ = √d / log 512 (natural log), the constant that makes `κ·log n / d` equal the standard `1/√d` at n = 512
/// (kexue.fm/archives/8823; chapter 8, eq:kappa). For d = 64, κ ≈ 1.2824; for d = 128, κ ≈ 1.8136.
public func entropyInvariantKappa(headDim d: Int) -> Double {
    require(d >= 1, "entropyInvariantKappa: head dimension \(d) must be ≥ 1")
    return Double(d).squareRoot() / log(Double(entropyInvariantReferenceLength))
}

/// The entropy-invariant attention scale λ = κ·log n / d = log₅₁₂(n) / √d (chapter 8, eq:scale), the factor that
/// multiplies q·k before the softmax in place of 1/√d, with bert4keras's clamp for short sequences:
/// `n ← max(n, minimumLength)` before the log (bert4keras `attention_normalize`, `'softmax_plus'` at HEAD:
/// `l = max(l, 16)`, "a very short sequence should not be scaled down" that far).
///
/// - Parameters:
///   - n: the sequence length (number of keys), ≥ 1.
///   - d: the head dimension, ≥ 1.
///   - minimumLength: the clamp, default 16. Pass 1 for the 2022 code (`scale = log(l)/log(512)`, no clamp), which
///     gives scale 0, a uniform softmax, at n = 1.
/// - Returns: exactly the standard `1/√d` at n = 512 (up to rounding); below it for n < 512 (flatter attention), above
///   it for n > 512; with the default clamp, `(4/9)/√d` for every n ≤ 16 (log 16 / log 512 = 4/9).
///
/// Evaluated as `log(n) / log(512) / √d`. Kernels' `Float` `entropyInvariantScale(length:headDim:)` is the same
/// formula without the clamp.
public func entropyInvariantAttentionScale(length n: Int, headDim d: Int, minimumLength: Int = 16) -> Double {
    require(n >= 1, "entropyInvariantAttentionScale: length \(n) must be ≥ 1")
    require(d >= 1, "entropyInvariantAttentionScale: head dimension \(d) must be ≥ 1")
    require(minimumLength >= 1, "entropyInvariantAttentionScale: minimumLength \(minimumLength) must be ≥ 1")
    let length = Double(max(n, minimumLength))
    return log(length) / log(Double(entropyInvariantReferenceLength)) / Double(d).squareRoot()
}
