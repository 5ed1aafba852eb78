// Scalar e^x and ln x in plain Swift: no libm, no Foundation, no imports.
//
// They exist for code that must run where there is no C library: a live figure's function is compiled with
// Embedded Swift to WebAssembly for the page (BookKit's `LiveFigure`), and there `exp` and `log` must come from
// Swift. The same functions run natively in the book's build, so the page and the build compute the same
// thing; `ScalarMathTests` bounds their error against libm.

/// e^x and ln x for `Float`, portable to Embedded Swift (no imports).
public enum ScalarMath {
    /// e^x with `vexp`'s algorithm and error bound (≤ 2 ulp on [−86.6, 88.72]; below: 0, above: +inf).
    @inlinable
    public static func exp(_ x: Float) -> Float { vexpScalar(x) }

    /// ln x, Cephes `logf` scheme: relative error ≤ 2.4e-7 for normal positive x (measured in
    /// `ScalarMathTests`); ln 0 = −inf, ln x = NaN for x < 0 or NaN, ln +inf = +inf.
    ///
    /// x = m·2^e with m in [√½, √2) taken from the bits, then ln m = f − f²/2 + f³·P(f) with f = m − 1 and
    /// Cephes' degree-8 minimax P; ln x = ln m + e·ln 2, with ln 2 split in two so e·ln 2 adds no error.
    /// Subnormal x is scaled by 2^23 first, so its exponent is read correctly.
    @inlinable
    public static func log(_ x: Float) -> Float {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return .infinity }
        var bits = x.bitPattern, exponentBias: Int32 = 0
        if bits < 0x0080_0000 {  // subnormal
            bits = (x * 8_388_608).bitPattern
            exponentBias = -23
        }
        var e = Int32(bitPattern: (bits >> 23) & 0xFF) - 126 + exponentBias
        // m in [0.5, 1) from the mantissa bits; below √½ take 2m and one less in the exponent.
        var m = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F00_0000)
        if m < 0.707106781186547524 {
            e -= 1
            m = m + m
        }
        let f = m - 1
        let z = f * f
        var p: Float = 7.0376836292e-2
        p = p * f - 1.1514610310e-1
        p = p * f + 1.1676998740e-1
        p = p * f - 1.2420140846e-1
        p = p * f + 1.4249322787e-1
        p = p * f - 1.6668057665e-1
        p = p * f + 2.0000714765e-1
        p = p * f - 2.4999993993e-1
        p = p * f + 3.3333331174e-1
        let ef = Float(e)
        var y = f * z * p
        y += -2.12194440e-4 * ef
        y += -0.5 * z
        return f + y + 0.693359375 * ef
    }
}
