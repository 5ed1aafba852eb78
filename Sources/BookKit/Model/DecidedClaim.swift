/// A claim decided by a snippet: a line `claim NAME: STATUS (REASON)` of its output, as Kexue's `decide` prints it
/// (`ClaimDecision` there). The book reads these lines back to hold a ```claims block to the evidence.
public struct DecidedClaim: Sendable, Hashable {
    public var name: String
    /// The status word as printed; a `Claim.Status` raw value when the line is well formed.
    public var status: String
    public var reason: String
    /// 1-based line of the snippet's output.
    public var outputLine: Int

    /// A decision name: a non-empty run of lowercase letters, digits and `-` (Kexue's `ClaimDecision` requires the
    /// same), so that it fits a claims line's `(#snippet:name)`.
    static func isName<S: StringProtocol>(_ name: S) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// The decisions in a snippet's output, in order. A line counts when it starts with `claim `, a name of
    /// lowercase letters, digits and `-`, and `: `; anything else is ordinary output.
    public static func all(in output: String) -> [DecidedClaim] {
        var found: [DecidedClaim] = []
        for (offset, line) in output.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard line.hasPrefix("claim "), let colon = line.firstIndex(of: ":") else { continue }
            let name = line[line.index(line.startIndex, offsetBy: 6)..<colon]
            guard isName(name) else { continue }
            let rest = line[line.index(after: colon)...].drop(while: { $0 == " " })
            let status = rest.prefix(while: { $0 != " " && $0 != "(" })
            var reason = rest.dropFirst(status.count).trimmingCharacters(in: .whitespaces)
            if reason.hasPrefix("("), reason.hasSuffix(")") { reason = String(reason.dropFirst().dropLast()) }
            found.append(
                DecidedClaim(name: String(name), status: String(status), reason: reason, outputLine: offset + 1))
        }
        return found
    }
}
