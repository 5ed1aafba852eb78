// MARK: - Derived tolerances
//
// Every bound a Kexue test compares a Float computation with is built here from the unit roundoff and a count of
// roundings (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., §2–3), in the spirit of the
// Kernels tests' per-element bounds (`Tests/KernelsTests`): a sum or dot product of k terms is within γ_k·Σ|terms|
// of the exact value, γ_k = k·u/(1 − k·u); an elementary function (exp, log, the polynomial `vexp`) adds at most
// `elementaryULPs` ulps relative. Bounds are worst cases, so a test that passes them fails only on a real error
// (a wrong formula errs by O(1), far above any of them).
//
// Bounds that are not about rounding (a sampled statistic, a training run) say where their number comes from at
// the call site, or use `standardErrors`.

import Foundation

@testable import Kexue

enum Tolerance {
    /// Unit roundoff of Float, 2^-24 ≈ 6.0e-8: |fl(x ∘ y) − x ∘ y| ≤ u·|x ∘ y| for one rounding to nearest.
    static let float = Double(Float.ulpOfOne) / 2
    /// Unit roundoff of Double, 2^-53 ≈ 1.1e-16.
    static let double = Double.ulpOfOne / 2

    /// Relative error, in units of u, of one elementary function of the library (exp, log, tanh, sigmoid through
    /// exp): the Kernels `vexp` is documented and tested at ≤ 2 ulp (VectorMathTests), libm's `expf`/`logf` at
    /// ≤ 1 ulp; 2 ulp is 4u, and the rounding of the argument's own computation is counted by the caller.
    static let elementaryULPs = 4.0

    /// γ_k = k·u/(1 − k·u), the relative bound on k successive roundings (Higham Lemma 3.1).
    static func gamma(_ k: Int, unit: Double = float) -> Double {
        let ku = Double(k) * unit
        precondition(ku < 1, "Tolerance.gamma: k·u = \(ku) ≥ 1, no bound")
        return ku / (1 - ku)
    }

    /// A dot product or sum of `length` terms whose absolute values sum to `magnitude` (Σ|aᵢbᵢ|), in any order of
    /// accumulation (blocked, FMA or not): |fl − exact| ≤ γ_length·Σ|aᵢbᵢ| (Higham eq. 3.5).
    static func dot(length: Int, magnitude: Double, unit: Double = float) -> Double {
        gamma(max(length, 1), unit: unit) * magnitude
    }

    /// A value that went through `roundings` roundings and `elementary` elementary functions, each relative to the
    /// result: γ_{roundings + elementary·elementaryULPs}·|value|.
    static func relative(_ value: Double, roundings: Int, elementary: Int = 0, unit: Double = float) -> Double {
        let k = roundings + Int((Double(elementary) * elementaryULPs).rounded(.up))
        return gamma(k, unit: unit) * abs(value)
    }

    /// Absolute bound on one weight of a Float softmax over `length` logits with |z| ≤ `logitMagnitude` (max
    /// subtracted, so exp arguments are ≤ 0; weights ≤ 1): each e^{z−m} carries u·|z − m| ≤ 2u·`logitMagnitude`
    /// from rounding the argument plus `elementaryULPs` from exp; the normaliser Σ of `length` such terms carries
    /// the same plus γ_length; the division one more u. Weight p is within p·(sum of those) ≤ (sum of those).
    static func softmax(length: Int, logitMagnitude: Double, unit: Double = float) -> Double {
        4 * unit * logitMagnitude + gamma(length + 1 + 2 * Int(elementaryULPs), unit: unit)
    }

    /// Absolute bound on a Float logsumexp (or one log-softmax value) of `length` logits with |z| ≤ `logitMagnitude`:
    /// log Σ e^{z−m} has the softmax's relative error of the sum, passed through log (absolute = relative), plus
    /// the log's own `elementaryULPs` of log `length`, plus m + log Σ rounded once (u·(|m| + log length)).
    static func logSumExp(length: Int, logitMagnitude: Double, unit: Double = float) -> Double {
        let logL = log(Double(max(length, 1)))
        return softmax(length: length, logitMagnitude: logitMagnitude, unit: unit)
            + elementaryULPs * unit * logL + 2 * unit * (logitMagnitude + logL)
    }

    /// Absolute bound on one output of a Float layer or RMS norm (gain 1, bias 0) of a row of `dimension` values
    /// with max |x| ≤ `inputMagnitude` and standard deviation (RMS for the RMS norm) `deviation`: the bound derived
    /// for the Kernels norms (KernelsTests `layerNormMatchesTwin`), u·(16 + d/4)·(|x̂| + mean|x|/σ), with
    /// |x̂| ≤ 2·max|x|/σ and mean|x| ≤ max|x|.
    static func normalized(dimension: Int, inputMagnitude: Double, deviation: Double, unit: Double = float) -> Double {
        unit * (16 + Double(dimension) / 4) * 3 * inputMagnitude / deviation
    }

    /// Absolute bound on one output of the Float RoPE rotation y = x₀·cos − x₁·sin (or x₁·cos + x₀·sin) of a pair
    /// with |x₀| + |x₁| = `pairMagnitude`: cos and sin are rounded to Float once each (angles in Double), the
    /// products and the sum add 2u (as derived for the Kernels `rope`, KernelsTests `ropeMatchesTwinAndInverts`).
    static func rope(pairMagnitude: Double, unit: Double = float) -> Double { 4 * unit * pairMagnitude }

    /// Total error of a central difference (f(x+h) − f(x−h))/2h of a function evaluated with absolute error
    /// `evaluationError`: truncation h²/6·|f'''| plus rounding 2·evaluationError/2h (Nocedal & Wright §8.1).
    /// The step minimising it is h = (3·evaluationError/|f'''|)^{1/3}.
    static func centralDifference(h: Double, thirdDerivative: Double, evaluationError: Double) -> Double {
        h * h / 6 * abs(thirdDerivative) + evaluationError / h
    }

    /// `count` standard errors of a mean of `samples` draws with standard deviation `deviation`: a sampled mean
    /// falls outside it with probability ≤ 1/count² (Chebyshev), about 6e-7 for count 5 if normal.
    static func standardErrors(_ count: Double, deviation: Double, samples: Int) -> Double {
        count * deviation / Double(samples).squareRoot()
    }
}

/// The largest |got − want| / bound(i) over two same-shape tensors (≤ 1: every element within its bound), with the
/// index where it is reached, for failure messages.
func boundRatio(_ got: Tensor, _ want: Tensor, bound: (Int) -> Double) -> (ratio: Double, index: Int) {
    precondition(got.shape == want.shape, "boundRatio: \(got.shape) and \(want.shape)")
    var worst = (ratio: 0.0, index: -1)
    for i in 0..<got.count {
        let r = abs(Double(got.scalars[i]) - Double(want.scalars[i])) / bound(i)
        if r > worst.ratio || worst.index < 0 { worst = (r, i) }
    }
    return worst
}
