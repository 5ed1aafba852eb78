/// The compiler's output of a chapter program, cut into diagnostics and attributed to snippets.
///
/// Input is what `Build.located` keeps of `swiftc`'s output: header lines
/// `chapters/x.md:44:5: error: cannot find 'x' in scope` (or `(generated program):12:1: error: …`), each
/// followed by its source excerpt and caret lines. A **group** is one error with the notes that follow it
/// ("'x' previously declared here"): what an author needs to read together.
public struct CompilerDiagnostics: Sendable, Hashable {
    public struct Diagnostic: Sendable, Hashable {
        public enum Severity: String, Sendable { case error, warning, note }
        public var severity: Severity
        /// In the chapter; nil for the generated scaffolding or a file outside the chapter.
        public var location: SourcePosition?
        /// The text after `error: `.
        public var message: String
        /// The header line and its excerpt lines, as the compiler printed them.
        public var text: String
    }

    public var diagnostics: [Diagnostic]
    /// Lines that came before the first header (rare: a driver message).
    public var preamble: String

    /// How many error groups an error's detail shows; the rest are counted, not printed (one control-flow
    /// error can cascade into hundreds of lines).
    public static let shownGroups = 3

    public init(_ located: String, path: String) {
        var diagnostics: [Diagnostic] = []
        var preamble: [Substring] = []
        for line in located.split(separator: "\n", omittingEmptySubsequences: false) {
            if let header = Self.header(line, path: path) {
                diagnostics.append(header)
            } else if diagnostics.isEmpty {
                if !line.isEmpty { preamble.append(line) }
            } else if !line.isEmpty {
                diagnostics[diagnostics.count - 1].text += "\n" + line
            }
        }
        self.diagnostics = diagnostics
        self.preamble = preamble.joined(separator: "\n")
    }

    /// `PATH:LINE:COLUMN: error: MESSAGE`, with PATH the chapter or anything else (`(generated program)`).
    static func header(_ line: Substring, path: String) -> Diagnostic? {
        for severity in [Diagnostic.Severity.error, .warning, .note] {
            guard let range = line.range(of: ": \(severity.rawValue): ") else { continue }
            let place = line[..<range.lowerBound]
            var location: SourcePosition?
            if place.hasPrefix(path + ":") {
                let numbers = place.dropFirst(path.count + 1).split(separator: ":").map { Int($0) }
                if let lineNumber = numbers.first ?? nil {
                    location = SourcePosition(
                        file: path, line: lineNumber, column: (numbers.count > 1 ? numbers[1] : nil) ?? 1)
                }
            } else if place.contains(" ") && !place.hasPrefix("(generated program)") {
                continue  // "error: " inside a message or an excerpt line, not a header
            }
            return Diagnostic(
                severity: severity, location: location, message: String(line[range.upperBound...]),
                text: String(line))
        }
        return nil
    }

    /// Each error with the notes after it, in the compiler's order.
    public var groups: [[Diagnostic]] {
        var groups: [[Diagnostic]] = []
        for diagnostic in diagnostics where diagnostic.severity != .warning {
            if diagnostic.severity == .error || groups.isEmpty {
                groups.append([diagnostic])
            } else {
                groups[groups.count - 1].append(diagnostic)
            }
        }
        return groups
    }

    /// The snippet to blame: the one holding the earliest error **in chapter order** (the compiler reports
    /// parse errors before type errors, so its first error may stand far below the real first fault), except
    /// that an `invalid redeclaration` is blamed first, on the later declaration. When
    /// no error is located in a snippet (an unclosed brace is reported at the end of the generated program),
    /// the earliest snippet a note points into ("to match this opening '{'").
    public func culprit(in plan: ProgramPlan) -> Snippet? {
        func snippet(_ diagnostic: Diagnostic) -> Snippet? {
            guard let line = diagnostic.location?.line else { return nil }
            return plan.snippets.first { $0.codeLine <= line && line < $0.endLine }
        }
        // A name declared twice is the later declaration's fault, though the compiler may also report
        // ambiguous uses of the name in earlier snippets.
        let redeclarations = diagnostics.filter {
            $0.severity == .error && $0.message.hasPrefix("invalid redeclaration")
        }
        if let first = redeclarations.compactMap(snippet).min(by: { $0.index < $1.index }) { return first }
        for severity in [Diagnostic.Severity.error, .note] {
            let blamed = diagnostics.filter { $0.severity == severity }.compactMap(snippet)
            if let first = blamed.min(by: { $0.index < $1.index }) { return first }
        }
        return nil
    }

    /// The error groups whose error is located in `snippet` (all groups when none is: the author must see
    /// something).
    public func groups(in snippet: Snippet) -> [[Diagnostic]] {
        let own = groups.filter { group in
            guard let line = group.first?.location?.line, group.first?.severity == .error else { return false }
            return snippet.codeLine <= line && line < snippet.endLine
        }
        return own.isEmpty ? groups : own
    }

    /// The text of `groups`, at most `shownGroups` of them, then a line counting the rest.
    public static func render(_ groups: [[Diagnostic]], preamble: String = "") -> String {
        let shown = groups.prefix(shownGroups).map { $0.map(\.text).joined(separator: "\n") }
        var text = ([preamble].filter { !$0.isEmpty } + shown).joined(separator: "\n")
        let hidden = groups.dropFirst(shownGroups)
        if !hidden.isEmpty {
            let lines = hidden.reduce(0) { $0 + $1.reduce(0) { $0 + $1.text.split(separator: "\n").count } }
            text += "\n… and \(hidden.count) more error\(hidden.count == 1 ? "" : "s") (\(lines) lines) not shown"
        }
        return text
    }

    /// Names a snippet's errors say it cannot find (`cannot find 'x' in scope`, `cannot find type 'P' in
    /// scope`), in order, without repeats.
    public func missingNames(in snippet: Snippet) -> [String] {
        var names: [String] = []
        for group in groups(in: snippet) {
            guard let message = group.first?.message, message.hasPrefix("cannot find ") else { continue }
            let quoted = message.split(separator: "'", omittingEmptySubsequences: false)
            if quoted.count >= 3, !names.contains(String(quoted[1])) { names.append(String(quoted[1])) }
        }
        return names
    }
}
