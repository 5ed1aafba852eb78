#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Number formatting for printed tensors

/// Formats numbers by a fixed rule computed here (never `String(describing: Float)` or `printf`), so printed tensors
/// are identical on every machine.
///
/// - Fixed notation with `decimals` digits (default 4) when every finite |x| < 1e6; otherwise every element in
///   scientific notation `d.dddde+XX` with `decimals` mantissa digits.
/// - Rounding: half to even on the value scaled by 10^decimals in `Double`.
/// - The sign is printed only when the rounded value is nonzero: -0.0 and -0.00001 both print as `0.0000`.
/// - Non-finite values print as `nan`, `inf`, `-inf`.
public enum NumberFormat {
    /// Fixed notation of `x` with `decimals` digits (0...8); precondition |x| < 1e6 or non-finite.
    public static func fixed(_ x: Float, decimals: Int = 4) -> String {
        fixed(Double(x), decimals: decimals)
    }

    /// The same rule for a `Double` (`Trials` summaries are computed in `Double`). Disfavoured, so a literal
    /// argument still picks the `Float` form as before.
    @_disfavoredOverload
    public static func fixed(_ x: Double, decimals: Int = 4) -> String {
        if let s = nonFinite(x) { return s }
        require((0...8).contains(decimals), "NumberFormat.fixed: decimals \(decimals) not in 0...8")
        let scale = Int64(powOf10(decimals))
        let scaled = Int64((Swift.abs(x) * Double(scale)).rounded(.toNearestOrEven))
        let intPart = scaled / scale, frac = scaled % scale
        var s = scaled != 0 && x < 0 ? "-" : ""
        s += String(intPart)
        if decimals > 0 {
            let f = String(frac)
            s += "." + String(repeating: "0", count: decimals - f.count) + f
        }
        return s
    }

    /// Scientific notation `m.mmmme±XX` with `decimals` mantissa digits (0...8).
    public static func scientific(_ x: Float, decimals: Int = 4) -> String {
        if let s = nonFinite(Double(x)) { return s }
        // The mantissa is rounded to `Float` before it is printed, as it always was.
        return scientific(Double(x), decimals: decimals) { fixed(Float($0), decimals: decimals) }
    }

    /// The same rule for a `Double` (mantissa rounded in `Double`).
    @_disfavoredOverload
    public static func scientific(_ x: Double, decimals: Int = 4) -> String {
        if let s = nonFinite(x) { return s }
        return scientific(x, decimals: decimals) { fixed($0, decimals: decimals) }
    }

    private static func scientific(_ x: Double, decimals: Int, mantissa: (Double) -> String) -> String {
        let v = Swift.abs(x)
        var e = v == 0 ? 0 : Int(floor(log10(v)))
        var m = v == 0 ? 0 : v / pow(10, Double(e))
        // log10 may be off by one near powers of ten: renormalise so that 1 ≤ m < 10.
        if m >= 10 { m /= 10; e += 1 } else if m > 0 && m < 1 { m *= 10; e -= 1 }
        if (m * powOf10(decimals)).rounded(.toNearestOrEven) >= 10 * powOf10(decimals) { m /= 10; e += 1 }
        let mant = mantissa(m)
        let sign = x < 0 && mant != mantissa(0) ? "-" : ""
        let exp = String(Swift.abs(e))
        return sign + mant + "e" + (e < 0 ? "-" : "+") + (exp.count < 2 ? "0" : "") + exp
    }

    /// A line of numbers printed alike by the rule above: every one in fixed notation when every finite |x| < 1e6,
    /// otherwise every one in scientific notation. With `signed`, nonzero values that print nonzero carry `+` or `-`.
    static func alike(_ xs: [Double], decimals: Int, signed: Bool = false) -> [String] {
        let useFixed = xs.allSatisfy { !$0.isFinite || Swift.abs($0) < 1e6 }
        return xs.map { x in
            let s = useFixed ? fixed(x, decimals: decimals) : scientific(x, decimals: decimals)
            guard signed, x.isFinite, !s.hasPrefix("-"), s != fixed(0.0, decimals: decimals),
                s != scientific(0.0, decimals: decimals)
            else { return s }
            return x > 0 ? "+" + s : s
        }
    }

    static func nonFinite(_ x: Double) -> String? {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        return nil
    }

    static func powOf10(_ d: Int) -> Double {
        var p = 1.0
        for _ in 0..<d { p *= 10 }
        return p
    }
}
