import BookTestSupport

@testable import BookKit

/// The math scanner as it was before issue 13 (quadratic), kept as the oracle of `PageSafetyTests`: the
/// linear scanner must find the same spans on any text without an unterminated `$$`.
struct LegacyMathScanner {
    private(set) var spans: [String] = []

    init(_ text: String, codeLines: Set<Int>) {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0, line = 1, atLineStart = true
        func blankLineAhead(_ j: Int) -> Bool {
            // True when the byte at j starts a line containing only spaces/tabs.
            var k = j
            while k < bytes.count, bytes[k] == 32 || bytes[k] == 9 { k += 1 }
            return k >= bytes.count || bytes[k] == 10
        }
        while i < bytes.count {
            let byte = bytes[i]
            if atLineStart, codeLines.contains(line) {
                while i < bytes.count, bytes[i] != 10 { out.append(bytes[i]); i += 1 }
                if i < bytes.count { out.append(10); i += 1 }
                line += 1
                continue
            }
            atLineStart = false
            if byte == 10 {
                out.append(10); i += 1; line += 1; atLineStart = true
                continue
            }
            if byte == UInt8(ascii: "`") {
                // A code span: a run of n backticks up to the next run of exactly n.
                var n = 0
                while i + n < bytes.count, bytes[i + n] == UInt8(ascii: "`") { n += 1 }
                if let close = Self.closingBacktickRun(bytes, from: i + n, length: n) {
                    let end = close + n
                    for k in i..<end {
                        out.append(bytes[k])
                        if bytes[k] == 10 { line += 1 }
                    }
                    i = end
                } else {
                    out.append(contentsOf: bytes[i..<(i + n)]); i += n
                }
                continue
            }
            if byte == UInt8(ascii: "\\"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "$") {
                out.append(contentsOf: [bytes[i], bytes[i + 1]]); i += 2
                continue
            }
            if Self.starts(bytes, at: i, with: "\\eqref{"),
                let close = bytes[(i + 7)...].firstIndex(of: UInt8(ascii: "}")),
                !bytes[(i + 7)..<close].contains(10)
            {
                out.append(0)
                i = close + 1
                continue
            }
            if let (end, _) = Self.mathSpan(bytes, at: i, blankLineAhead: blankLineAhead) {
                let source = String(decoding: bytes[i..<end], as: UTF8.self)
                spans.append(source)
                let pieces = source.split(separator: "\n", omittingEmptySubsequences: false)
                for (k, _) in pieces.enumerated() {
                    if k > 0 { out.append(10); line += 1 }
                    out.append(0)
                }
                i = end
                continue
            }
            out.append(byte); i += 1
        }
    }

    private static func starts(_ bytes: [UInt8], at i: Int, with text: String) -> Bool {
        let u = Array(text.utf8)
        return i + u.count <= bytes.count && Array(bytes[i..<(i + u.count)]) == u
    }

    // MARK: Scanning

    private static func closingBacktickRun(_ bytes: [UInt8], from start: Int, length n: Int) -> Int? {
        var j = start
        while j < bytes.count {
            if bytes[j] == UInt8(ascii: "`") {
                var m = 0
                while j + m < bytes.count, bytes[j + m] == UInt8(ascii: "`") { m += 1 }
                if m == n { return j }
                j += m
            } else {
                if bytes[j] == 10, j + 1 < bytes.count, bytes[j + 1] == 10 { return nil }
                j += 1
            }
        }
        return nil
    }

    /// If a math span starts at `i`, its end (exclusive) and whether it is display math.
    private static func mathSpan(_ bytes: [UInt8], at i: Int, blankLineAhead: (Int) -> Bool) -> (Int, Bool)? {
        func has(_ s: String, at j: Int) -> Bool {
            let u = Array(s.utf8)
            return j + u.count <= bytes.count && Array(bytes[j..<(j + u.count)]) == u
        }
        /// First index of `closer` at or after `j`, not crossing a blank line.
        func find(_ closer: String, from j: Int) -> Int? {
            var k = j
            while k < bytes.count {
                if bytes[k] == 10, blankLineAhead(k + 1) { return nil }
                if bytes[k] == UInt8(ascii: "\\"), closer != "\\]", closer != "\\)", !closer.hasPrefix("\\end"),
                    k + 1 < bytes.count
                {
                    k += 2; continue
                }
                if has(closer, at: k) { return k }
                k += 1
            }
            return nil
        }
        let dollar = UInt8(ascii: "$")
        if has("$$", at: i) {
            if let close = find("$$", from: i + 2), close > i + 2 { return (close + 2, true) }
            return nil
        }
        if has("\\[", at: i), let close = find("\\]", from: i + 2) { return (close + 2, true) }
        if has("\\(", at: i), let close = find("\\)", from: i + 2) { return (close + 2, false) }
        if has("\\begin{", at: i) {
            for env in MathProtection.displayEnvironments where has("\\begin{\(env)}", at: i) {
                let closer = "\\end{\(env)}"
                if let close = find(closer, from: i + 7 + env.count + 1) { return (close + closer.utf8.count, true) }
            }
            return nil
        }
        if bytes[i] == dollar {
            guard i + 1 < bytes.count, !isSpace(bytes[i + 1]), bytes[i + 1] != dollar else { return nil }
            var k = i + 1
            while k < bytes.count {
                if bytes[k] == 10, blankLineAhead(k + 1) { return nil }
                if bytes[k] == UInt8(ascii: "\\") { k += 2; continue }
                // A backtick starts a code span, which binds tighter than inline math.
                if bytes[k] == UInt8(ascii: "`") { return nil }
                if bytes[k] == dollar {
                    let closes = !isSpace(bytes[k - 1]) && !(k + 1 < bytes.count && isDigit(bytes[k + 1]))
                    if closes { return (k + 1, false) }
                }
                k += 1
            }
        }
        return nil
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 }
    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
}
