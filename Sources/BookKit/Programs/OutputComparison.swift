import Foundation

/// Compares a snippet's output with its expected block: line by line, numbers within a relative
/// tolerance, everything else exactly (trailing spaces and trailing blank lines ignored).
///
/// A number is a decimal literal (`-1.5e-3`, `42`, `.5`) that does not continue an identifier (the `2` in
/// `x2` is text), or the words `nan`, `inf`, `-inf`. Two numbers match when they are equal (so `1.0`
/// matches `1` and `-0.0` matches `0`), both NaN, or `|a − b| ≤ tol · max(|a|, |b|)`. The check is
/// purely relative: `1e-30` does not match `0`; print noise-level values rounded.
public enum OutputComparison {
    /// The default relative tolerance: a change in the fifth significant digit fails, so a change in the
    /// fourth always does, while the last digit of six-digit prints may differ across machines' libm.
    public static let defaultTolerance = 1e-5

    enum Token: Equatable {
        case text(String)
        case number(Double, String)
    }

    public struct Mismatch: Sendable, Equatable {
        /// The compact report: the first differing lines and why.
        public var report: String
        public var differingLines: Int
        /// The first differing line (1-based; a position in the sorted lines for an unordered comparison).
        public var firstLine: Int = 1
    }

    /// Returns nil when `actual` matches `expected`.
    /// - Parameter unordered: compare the lines as a multiset (`unordered`): both sides are sorted first
    ///   (`orderedForComparison`), then compared line by line as usual, numbers within the tolerance. The
    ///   report's line numbers are then positions in the sorted lists.
    public static func compare(
        expected: String, actual: String, tolerance: Double = defaultTolerance,
        unordered: Bool = false
    ) -> Mismatch? {
        var want = lines(expected), got = lines(actual)
        if unordered { (want, got) = (orderedForComparison(want), orderedForComparison(got)) }
        var reports: [String] = []
        var differing = 0, first = 1
        for number in 0..<max(want.count, got.count) {
            let a = number < want.count ? want[number] : nil
            let b = number < got.count ? got[number] : nil
            guard let reason = difference(a, b, tolerance: tolerance) else { continue }
            if differing == 0 { first = number + 1 }
            differing += 1
            if reports.count < 5 {
                reports.append(
                    """
                    line \(number + 1): \(reason)
                      expected: \(a.map(visible) ?? "(no line)")
                      actual:   \(b.map(visible) ?? "(no line)")
                    """)
            }
        }
        guard differing > 0 else { return nil }
        var report = reports.joined(separator: "\n")
        if differing > reports.count { report += "\n... and \(differing - reports.count) more differing lines" }
        if want.count != got.count { report += "\n(expected \(want.count) lines, got \(got.count))" }
        return Mismatch(report: report, differingLines: differing, firstLine: first)
    }

    /// Lines sorted so that lines that match within a tolerance sort alike: by their tokens, text by its
    /// characters and numbers by value (text before numbers), so `x 1.0000001` and `x 1` land in the same
    /// place on both sides even though their characters differ.
    static func orderedForComparison(_ lines: [String]) -> [String] {
        func precedes(_ a: [Token], _ b: [Token]) -> Bool {
            for (x, y) in zip(a, b) {
                switch (x, y) {
                case (.text(let s), .text(let t)) where s != t: return s < t
                case (.number(let u, _), .number(let v, _)) where u != v && !(u.isNaN && v.isNaN):
                    if u.isNaN || v.isNaN { return v.isNaN }
                    return u < v
                case (.text, .number): return true
                case (.number, .text): return false
                default: continue
                }
            }
            return a.count < b.count
        }
        return lines.map { ($0, tokens($0)) }.sorted { precedes($0.1, $1.1) }.map(\.0)
    }

    /// Lines with trailing whitespace removed, without trailing empty lines.
    static func lines(_ text: String) -> [String] {
        // Trailing blanks trimmed from the end (not by reversing the line twice: a tenth of a warm build).
        var result = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard let last = line.lastIndex(where: { $0 != " " && $0 != "\t" && $0 != "\r" }) else { return "" }
            return String(line[...last])
        }
        while result.last?.isEmpty == true { result.removeLast() }
        return result
    }

    private static func visible(_ line: String) -> String { line.isEmpty ? "(empty)" : line }

    /// Why two lines differ, or nil when they match.
    /// Digits with an optional sign.
    static func isInteger(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// An integer's text without a `+` sign or leading zeros (`-0` as `0`).
    static func normalizedInteger(_ text: String) -> String {
        let negative = text.hasPrefix("-")
        let digits = (text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)).drop {
            $0 == "0"
        }
        return digits.isEmpty ? "0" : (negative ? "-" : "") + digits
    }

    static func difference(_ expected: String?, _ actual: String?, tolerance: Double) -> String? {
        guard let expected, let actual else { return expected == nil ? "unexpected extra line" : "missing line" }
        if expected == actual { return nil }
        let a = tokens(expected), b = tokens(actual)
        guard a.count == b.count else { return "text differs" }
        for (x, y) in zip(a, b) {
            switch (x, y) {
            case (.text(let s), .text(let t)) where s == t: continue
            case (.number(let u, let us), .number(let v, let vs)):
                // With no tolerance, integers are compared exactly: a Double holds only 53 bits, so
                // 18446744073709551614 and 18446744073709551615 would be "equal" as numbers.
                if tolerance == 0, isInteger(us), isInteger(vs), normalizedInteger(us) != normalizedInteger(vs) {
                    return "\(us) vs \(vs) differ (integers are compared exactly when the tolerance is 0)"
                }
                if u == v || (u.isNaN && v.isNaN) { continue }
                let scale = max(abs(u), abs(v))
                let relative = abs(u - v) / scale
                if scale.isFinite, relative <= tolerance { continue }
                let shown = relative.isFinite ? formatted(relative) : "infinitely"
                return "\(us) vs \(vs) differ by \(shown) relative (tolerance \(formatted(tolerance)))"
            default:
                return "text differs"
            }
        }
        return nil
    }

    private static func formatted(_ value: Double) -> String { String(format: "%.2g", value) }

    /// Splits a line into text and numbers.
    static func tokens(_ line: String) -> [Token] {
        let chars = Array(line.unicodeScalars)
        var result: [Token] = []
        var text = ""
        var i = 0
        func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
        func isWord(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || isDigit(c) || c == "_" }
        func flushText() { if !text.isEmpty { result.append(.text(text)); text = "" } }
        while i < chars.count {
            let previousIsWord = i > 0 && (isWord(chars[i - 1]) || chars[i - 1] == ".")
            if !previousIsWord, let (end, value) = number(chars, at: i) {
                flushText()
                result.append(.number(value, String(String.UnicodeScalarView(chars[i..<end]))))
                i = end
                continue
            }
            // An identifier: consume it whole, digits included.
            if isWord(chars[i]) {
                while i < chars.count, isWord(chars[i]) { text.unicodeScalars.append(chars[i]); i += 1 }
                continue
            }
            text.unicodeScalars.append(chars[i]); i += 1
        }
        flushText()
        return result
    }

    /// A number starting at `i`: its end and value.
    private static func number(_ c: [Unicode.Scalar], at start: Int) -> (Int, Double)? {
        func isDigit(_ k: Int) -> Bool { k < c.count && c[k] >= "0" && c[k] <= "9" }
        func isWordChar(_ k: Int) -> Bool { k < c.count && (c[k].properties.isAlphabetic || isDigit(k) || c[k] == "_") }
        var i = start
        if i < c.count, c[i] == "-" || c[i] == "+" { i += 1 }
        for word in ["nan", "inf", "infinity"] {
            let scalars = Array(word.unicodeScalars)
            if i + scalars.count <= c.count,
                zip(c[i..<(i + scalars.count)], scalars).allSatisfy({ String($0.0).lowercased() == String($0.1) }),
                !isWordChar(i + scalars.count)
            {
                let negative = c[start] == "-"
                let value: Double = word == "nan" ? .nan : (negative ? -.infinity : .infinity)
                return (i + scalars.count, value)
            }
        }
        let digitsStart = i
        while isDigit(i) { i += 1 }
        var sawDigits = i > digitsStart
        if i < c.count, c[i] == ".", isDigit(i + 1) || sawDigits {
            i += 1
            let fractionStart = i
            while isDigit(i) { i += 1 }
            sawDigits = sawDigits || i > fractionStart
        }
        guard sawDigits else { return nil }
        if i < c.count, c[i] == "e" || c[i] == "E" {
            var j = i + 1
            if j < c.count, c[j] == "-" || c[j] == "+" { j += 1 }
            if isDigit(j) {
                while isDigit(j) { j += 1 }
                i = j
            }
        }
        // A number glued to letters ("2x", "3rd") is still a number followed by text; glued to a digit
        // it cannot be (the loop consumed all digits).
        guard let value = Double(String(String.UnicodeScalarView(c[start..<i]))) else { return nil }
        return (i, value)
    }
}
