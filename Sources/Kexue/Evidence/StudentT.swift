#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Student's t distribution: its distribution function and quantile for any real ν > 0 (and ν = ∞, the
/// standard normal), computed in `Double`. Used by `ConfidenceInterval` for the t quantile of a sample of n seeds
/// (ν = n − 1).
///
/// Method:
/// - Tail: P(T > t) = ½ · I_x(ν/2, ½) with x = ν / (ν + t²), the regularized incomplete beta function evaluated
///   by its continued fraction (modified Lentz; Numerical Recipes §6.4), with 1 − x passed separately as
///   t² / (ν + t²) so that neither tail loses digits to cancellation.
/// - Quantile, ν < 10⁴: Newton's method on the tail with the exact density, safeguarded by bisection inside
///   a bracket, to |Δt| ≤ 4 ulp. Closed forms for ν = 1 (tan) and ν = 2.
/// - Quantile, ν ≥ 10⁴: the Cornish-Fisher expansion in 1/ν around the normal quantile (Abramowitz and Stegun
///   26.7.5, four terms; the first omitted term is below 10⁻¹⁸ here).
/// - Normal quantile: Acklam's rational approximation (relative error 1.2·10⁻⁹) refined by one Halley step on
///   `erfc`, which brings it to a few ulp.
///
/// Accuracy: tested against SciPy's `t.ppf` to 1e-12 relative (see `StudentTTests`). Not for p so close to 0 or 1
/// that the quantile overflows `Double` (ν = 1 and p < 1e-300).
public enum StudentT {
    /// The quantile t_{p,ν}: P(T ≤ t) = p. `degreesOfFreedom` may be `.infinity` (the standard normal).
    /// Precondition: 0 < p < 1, ν > 0. Antisymmetric: both halves go through the upper tail min(p, 1 − p), so
    /// quantile(1 − p) = −quantile(p) exactly whenever 1 − p is exact in `Double` (0.75 and 0.25; not 0.9 and 0.1).
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        require(p > 0 && p < 1, "StudentT.quantile: probability \(p) not in (0, 1)")
        require(nu > 0, "StudentT.quantile: degrees of freedom \(nu) must be positive")
        if p == 0.5 { return 0 }
        // Work in the upper half: q = P(T > t) < ½ is then exact for both tails.
        let upper = p > 0.5
        let q = upper ? 1 - p : p
        let t = upperQuantile(tail: q, nu: nu)
        return upper ? t : -t
    }

    /// P(T ≤ t) for ν degrees of freedom (`.infinity`: the standard normal). Precondition: ν > 0.
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        require(nu > 0, "StudentT.cdf: degrees of freedom \(nu) must be positive")
        if t.isNaN { return .nan }
        let tail = upperTail(Swift.abs(t), nu: nu)
        return t >= 0 ? 1 - tail : tail
    }

    // MARK: - Tail and density

    /// P(T > t) for t ≥ 0.
    static func upperTail(_ t: Double, nu: Double) -> Double {
        if t.isInfinite { return 0 }
        if nu.isInfinite { return 0.5 * erfc(t / 2.0.squareRoot()) }
        let t2 = t * t
        // x = ν/(ν + t²) and 1 − x = t²/(ν + t²), each computed directly.
        let x = nu / (nu + t2), y = t2 / (nu + t2)
        return 0.5 * regularizedIncompleteBeta(a: nu / 2, b: 0.5, x: x, complement: y)
    }

    /// The density f(t) = Γ((ν+1)/2) / (√(νπ) Γ(ν/2)) · (1 + t²/ν)^(−(ν+1)/2), in logs.
    static func density(_ t: Double, nu: Double) -> Double {
        let logNorm = logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * log(nu * Double.pi)
        return exp(logNorm - (nu + 1) / 2 * log1p(t * t / nu))
    }

    // MARK: - Quantile

    /// The t > 0 with P(T > t) = q, for 0 < q < ½.
    static func upperQuantile(tail q: Double, nu: Double) -> Double {
        if nu.isInfinite { return -normalQuantile(q) }
        if nu == 1 { return tan(Double.pi * (0.5 - q)) }
        // ν = 2: P(T > t) = ½ (1 − t/√(2 + t²)), solved for t.
        if nu == 2 { let a = 1 - 2 * q; return a * (2 / (1 - a * a)).squareRoot() }
        if nu >= 1e4 { return cornishFisher(-normalQuantile(q), nu: nu) }
        // Bracket: the tail decreases in t; start at the expansion's value and widen until it holds.
        let start = max(cornishFisher(-normalQuantile(q), nu: nu), 1e-3)
        var low = 0.0, high = start
        while upperTail(high, nu: nu) > q { low = high; high *= 2 }
        var t = start
        for _ in 0..<200 {
            let f = upperTail(t, nu: nu) - q  // decreasing in t
            if f > 0 { low = max(low, t) } else { high = min(high, t) }
            var next = t + f / density(t, nu: nu)  // Newton: d(tail)/dt = −density
            if !(next > low && next < high) { next = 0.5 * (low + high) }  // outside the bracket: bisect
            if Swift.abs(next - t) <= 4 * t.ulp || high - low <= 4 * low.ulp { return next }
            t = next
        }
        return t
    }

    /// Abramowitz and Stegun 26.7.5: t ≈ z + g₁/ν + g₂/ν² + g₃/ν³ + g₄/ν⁴.
    static func cornishFisher(_ z: Double, nu: Double) -> Double {
        let z2 = z * z
        let g1 = z * (z2 + 1) / 4
        let g2 = z * ((5 * z2 + 16) * z2 + 3) / 96
        let g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384
        let g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160
        return z + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu
    }

    /// The standard normal quantile Φ⁻¹(p), 0 < p < 1: Acklam's approximation and one Halley step.
    static func normalQuantile(_ p: Double) -> Double {
        let a = [
            -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00,
        ]
        let b = [
            -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01,
        ]
        let c = [
            -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00,
        ]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x =
                (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5, r = q * q
            x =
                (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log1p(-p)).squareRoot()
            x =
                -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        // Halley's step on Φ(x) − p, with Φ from erfc (accurate in both tails).
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }

    // MARK: - Incomplete beta

    /// I_x(a, b), with `complement` = 1 − x supplied exactly by the caller.
    static func regularizedIncompleteBeta(a: Double, b: Double, x: Double, complement y: Double) -> Double {
        if x <= 0 { return 0 }
        if y <= 0 { return 1 }
        let logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * log(x) + b * log(y)
        let front = exp(logFront)
        // The continued fraction converges fast for x < (a + 1)/(a + b + 2); use the symmetry otherwise.
        if x < (a + 1) / (a + b + 2) {
            return front * betaContinuedFraction(a: a, b: b, x: x) / a
        }
        return 1 - front * betaContinuedFraction(a: b, b: a, x: y) / b
    }

    /// The continued fraction for I_x(a, b) by the modified Lentz method (Numerical Recipes `betacf`).
    static func betaContinuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300, eps = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if Swift.abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...20_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d; if Swift.abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if Swift.abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d; if Swift.abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if Swift.abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if Swift.abs(delta - 1) < eps { break }
        }
        return h
    }

    /// log Γ(x) for x > 0 (`lgamma_r` where available: `lgamma` writes the global `signgam`).
    static func logGamma(_ x: Double) -> Double {
        #if canImport(Glibc)
            var sign: Int32 = 0
            return lgamma_r(x, &sign)
        #else
            return lgamma(x)
        #endif
    }
}
