import Foundation

/// What running one program produced: each snippet's outcome, and how the program ended.
public struct ProgramRun: Sendable {
    public enum Ending: Sendable, Equatable {
        /// Reached the end marker and exited 0.
        case completed
        /// Killed by a signal (a Swift trap is SIGILL or SIGTRAP) while `snippet` ran.
        case trapped(snippet: Int, message: String, location: SourcePosition?)
        /// Exited with a non-zero status (e.g. `exit(3)`) while `snippet` ran.
        case exited(snippet: Int, status: Int32)
        /// `snippet` exceeded its time limit; the process group was killed.
        case timedOut(snippet: Int, seconds: Double)
        /// The program printed more than the output cap.
        case flooded(snippet: Int)
    }

    public var plan: ProgramPlan
    public var outcomes: [Int: SnippetOutcome]
    public var ending: Ending
    public var seconds: Double
}

/// Stage 5: runs compiled programs with per-snippet time limits and an output cap, and splits their
/// output at the snippet markers.
public enum Run {
    /// Seconds a snippet may run when it has no `timeout=` key.
    public static let defaultSnippetTimeout = 120.0
    /// Bytes a program may print (stdout and stderr together) before it is killed.
    public static let outputCap = 1 << 20

    /// The Swift runtime's crash reporter, set to print just the crashing thread's frames without colour, so
    /// that a trap's chapter line can be read from it.
    static let backtraceSettings = "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none,sanitize=yes,limit=16,top=4"

    public static func program(_ compiled: CompiledProgram) throws(BookError) -> ProgramRun {
        let plan = compiled.plan
        guard let executable = compiled.executable else {
            return ProgramRun(plan: plan, outcomes: [:], ending: .completed, seconds: 0)
        }
        let budgets = Dictionary(uniqueKeysWithValues: plan.snippets.map { ($0.index, $0.info.timeout ?? defaultSnippetTimeout) })
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = backtraceSettings
        var process = Subprocess(executable: executable.path, arguments: [], environment: environment,
                                 timeout: budgets[plan.snippets.first?.index ?? 0] ?? defaultSnippetTimeout,
                                 outputCap: outputCap)
        var seenMarkers = 0
        process.extendDeadline = { stdout in
            // Restart the clock whenever a new snippet's marker appears.
            let markers = Self.markerIndices(in: stdout)
            guard markers.count > seenMarkers else { return nil }
            seenMarkers = markers.count
            return budgets[markers.last!] ?? defaultSnippetTimeout
        }
        let result = try process.run()
        let stdout = split(result.stdout), stderr = split(result.stderr)
        var outcomes: [Int: SnippetOutcome] = [:]
        for snippet in plan.snippets {
            var outcome = SnippetOutcome()
            outcome.stdout = stdout.pieces[snippet.index] ?? ""
            outcome.stderr = stderr.pieces[snippet.index] ?? ""
            outcomes[snippet.index] = outcome
        }
        // The snippet that was running when the program stopped: the last marker written.
        let current = stdout.order.last(where: { $0 != ProgramPlan.endMarker }) ?? plan.snippets.first?.index ?? 0
        let reachedEnd = stdout.order.last == ProgramPlan.endMarker
        for snippet in plan.snippets {
            outcomes[snippet.index]?.ran = reachedEnd || snippet.index < current
        }

        let ending: ProgramRun.Ending
        if result.timedOut {
            ending = .timedOut(snippet: current, seconds: budgets[current] ?? defaultSnippetTimeout)
        } else if result.capped {
            ending = .flooded(snippet: current)
        } else if case .signaled(let signal) = result.termination {
            let (userStderr, message, location) = trapReport(stderr.pieces[current] ?? "", signal: signal, path: plan.path)
            outcomes[current]?.stderr = userStderr
            outcomes[current]?.trap = location.map { "\(message) at \($0)" } ?? message
            ending = .trapped(snippet: current, message: message, location: location)
        } else if case .exited(let status) = result.termination, status != 0 || !reachedEnd {
            ending = .exited(snippet: current, status: status)
        } else {
            ending = .completed
        }
        return ProgramRun(plan: plan, outcomes: outcomes, ending: ending, seconds: result.seconds)
    }

    /// Splits a stream at the markers: the text after each marker, keyed by snippet index, and the
    /// markers in the order they appeared. Text before the first marker is dropped (there is none).
    static func split(_ bytes: [UInt8]) -> (pieces: [Int: String], order: [Int]) {
        let text = String(decoding: bytes, as: UTF8.self)
        var pieces: [Int: String] = [:]
        var order: [Int] = []
        let parts = text.components(separatedBy: "\u{1E}book-snippet ")
        for part in parts.dropFirst() {
            guard let close = part.firstIndex(of: "\u{1E}"), let index = Int(part[..<close]) else { continue }
            var body = part[part.index(after: close)...]
            if body.first == "\n" { body = body.dropFirst() }
            order.append(index)
            pieces[index, default: ""] += body
        }
        return (pieces, order)
    }

    static func markerIndices(in bytes: [UInt8]) -> [Int] { split(bytes).order }

    /// Separates what the snippet wrote to stderr from the runtime's trap report, and reads the trap's
    /// message (`Fatal error: ...`, or the signal's name when an optimised precondition traps silently)
    /// and its chapter location from the backtrace's first frame in the chapter.
    static func trapReport(_ stderr: String, signal: Int32, path: String) -> (String, String, SourcePosition?) {
        var userLines: [Substring] = []
        var message: String?
        var location: SourcePosition?
        var inReport = false
        for line in stderr.split(separator: "\n", omittingEmptySubsequences: false) {
            if let range = line.range(of: "Fatal error: ") ?? line.range(of: "Fatal error") {
                message = message ?? String(line[range.lowerBound...]).trimmingCharacters(in: .whitespaces)
                inReport = true
                continue
            }
            if line.hasPrefix("*** ") || line.hasPrefix("💣") { inReport = true }
            if inReport {
                if location == nil, let range = line.range(of: " at \(path):") {
                    let numbers = line[range.upperBound...].split(separator: ":").prefix(2).compactMap { Int($0.prefix(while: \.isNumber)) }
                    if let lineNumber = numbers.first {
                        location = SourcePosition(file: path, line: lineNumber, column: numbers.count > 1 ? numbers[1] : 1)
                    }
                }
                continue
            }
            userLines.append(line)
        }
        while userLines.last?.isEmpty == true { userLines.removeLast() }
        let user = userLines.isEmpty ? "" : userLines.joined(separator: "\n") + "\n"
        let names: [Int32: String] = [4: "Illegal instruction (SIGILL)", 5: "Trace trap (SIGTRAP)", 6: "Aborted (SIGABRT)",
                                      8: "Floating-point exception (SIGFPE)", 11: "Segmentation fault (SIGSEGV)", 7: "Bus error (SIGBUS)"]
        let trap = message ?? "Trap: \(names[signal] ?? "signal \(signal)")"
        return (user, trap, location)
    }
}
