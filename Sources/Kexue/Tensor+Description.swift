#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Deterministic, numpy-like printing

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
        if let s = nonFinite(x) { return s }
        require((0...8).contains(decimals), "NumberFormat.fixed: decimals \(decimals) not in 0...8")
        let scale = Int64(powOf10(decimals))
        let scaled = Int64((Swift.abs(Double(x)) * Double(scale)).rounded(.toNearestOrEven))
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
        if let s = nonFinite(x) { return s }
        let v = Swift.abs(Double(x))
        var e = v == 0 ? 0 : Int(floor(log10(v)))
        var m = v == 0 ? 0 : v / pow(10, Double(e))
        // log10 may be off by one near powers of ten: renormalise so that 1 ≤ m < 10.
        if m >= 10 { m /= 10; e += 1 } else if m > 0 && m < 1 { m *= 10; e -= 1 }
        if (m * powOf10(decimals)).rounded(.toNearestOrEven) >= 10 * powOf10(decimals) { m /= 10; e += 1 }
        let mant = fixed(Float(m), decimals: decimals)
        let sign = x < 0 && mant != fixed(0, decimals: decimals) ? "-" : ""
        let exp = String(Swift.abs(e))
        return sign + mant + "e" + (e < 0 ? "-" : "+") + (exp.count < 2 ? "0" : "") + exp
    }

    static func nonFinite(_ x: Float) -> String? {
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

extension Tensor: CustomStringConvertible {
    /// numpy-style text: nested brackets, elements right-aligned to a common width, fixed 4 decimals (see
    /// `NumberFormat`). Tensors of more than 1000 elements are summarised: every axis longer than 6 shows its
    /// first 3 and last 3 entries around `...`. Rows are never wrapped. Scalars print as the bare number.
    public var description: String { formatted() }

    /// The description with a chosen number of decimals and summarisation threshold (element count above which
    /// axes longer than `2·edgeItems` are elided).
    public func formatted(decimals: Int = 4, threshold: Int = 1000, edgeItems: Int = 3) -> String {
        let summarise = count > threshold
        let finite = scalars.filter { $0.isFinite }
        let useScientific = finite.contains { Swift.abs($0) >= 1e6 }
        func format(_ x: Float) -> String {
            useScientific ? NumberFormat.scientific(x, decimals: decimals) : NumberFormat.fixed(x, decimals: decimals)
        }
        if rank == 0 { return format(scalars.first ?? 0) }
        // Indices kept along each axis.
        let kept: [[Int?]] = shape.map { d in
            summarise && d > 2 * edgeItems
                ? Array(0..<edgeItems).map { Optional($0) } + [nil] + Array((d - edgeItems)..<d).map { Optional($0) }
                : Array(0..<d).map { Optional($0) }
        }
        let st = strides
        // Width over the elements actually shown.
        var width = 0
        func visit(_ axis: Int, _ offset: Int, _ body: (Int) -> Void) {
            for ix in kept[axis] {
                guard let i = ix else { continue }
                if axis == rank - 1 { body(offset + i * st[axis]) } else { visit(axis + 1, offset + i * st[axis], body) }
            }
        }
        visit(0, 0) { width = Swift.max(width, format(scalars[$0]).count) }
        func pad(_ s: String) -> String { String(repeating: " ", count: width - s.count) + s }
        func render(_ axis: Int, _ offset: Int) -> String {
            if axis == rank - 1 {
                let items = kept[axis].map { ix in ix.map { pad(format(scalars[offset + $0 * st[axis]])) } ?? "..." }
                return "[" + items.joined(separator: ", ") + "]"
            }
            let indent = String(repeating: " ", count: axis + 1)
            let separator = "," + String(repeating: "\n", count: rank - 1 - axis) + indent
            let parts = kept[axis].map { ix in ix.map { render(axis + 1, offset + $0 * st[axis]) } ?? "..." }
            return "[" + parts.joined(separator: separator) + "]"
        }
        return render(0, 0)
    }
}

extension Tensor: CustomDebugStringConvertible {
    /// `Tensor(shape: [2, 3])` followed by the description on the next line.
    public var debugDescription: String { "Tensor(shape: \(shape))\n" + description }
}
