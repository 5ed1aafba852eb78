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
    /// Whether the result came from the run cache instead of running the program.
    public var cached = false
}

/// Stage 5: runs compiled programs with per-snippet time limits and an output cap, and splits their
/// output at the snippet markers.
///
/// Results are cached beside the program (`RunCache`): a program is a pure function of its source, the
/// library and the toolchain (the book's code is deterministic by rule), so the same program with the
/// same limits need not run twice. Runs that hit a limit are not cached.
public enum Run {
    /// Seconds a snippet may run when it has no `timeout=` key.
    public static let defaultSnippetTimeout = 120.0
    /// Bytes a program may print (stdout and stderr together) before it is killed.
    public static let outputCap = 1 << 20

    /// The Swift runtime's crash reporter, set to print just the crashing thread's frames without colour, so
    /// that a trap's chapter line can be read from it.
    static let backtraceSettings = "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none,sanitize=yes,limit=16,top=4"

    /// - Parameter useCache: read earlier results (they are written either way).
    public static func program(_ compiled: CompiledProgram, useCache: Bool = true) throws(BookError) -> ProgramRun {
        let plan = compiled.plan
        guard let executable = compiled.executable else {
            return ProgramRun(plan: plan, outcomes: [:], ending: .completed, seconds: 0)
        }
        let budgets = plan.snippets.map { $0.info.timeout ?? defaultSnippetTimeout }
        let cache = RunCache(directory: executable.deletingLastPathComponent(),
                             key: budgets.map { "\($0)" }.joined(separator: ",") + ";cap=\(outputCap)")
        if useCache, let raw = cache.load() {
            var run = interpret(raw, plan: plan)
            run.cached = true
            return run
        }
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = backtraceSettings
        var process = Subprocess(executable: executable.path, arguments: [], environment: environment,
                                 timeout: budgets.first ?? defaultSnippetTimeout, outputCap: outputCap)
        var scanned = 0
        process.extendDeadline = { stdout in
            // Restart the clock whenever a new snippet's marker appears. Only the new bytes are scanned (with
            // an overlap for a marker split across reads), so a flood costs linear time.
            let start = max(0, scanned - 32)
            scanned = stdout.count
            let markers = Self.split(Array(stdout[start...])).order.filter { $0 >= 0 }
            guard let position = markers.last, position < budgets.count else { return nil }
            return budgets[position]
        }
        let result = try process.run()
        let raw = RunCache.Raw(stdout: Data(result.stdout), stderr: Data(result.stderr), termination: result.termination,
                               timedOut: result.timedOut, capped: result.capped, seconds: result.seconds)
        // Only endings the program's code decides are cached: a clean exit or a Swift trap, not a kill from
        // outside (out of memory, Ctrl-C) or a limit.
        let deterministic: Bool
        switch raw.termination {
        case .exited: deterministic = true
        case .signaled(let signal): deterministic = [SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGSEGV, SIGBUS].contains(signal)
        }
        if deterministic, !raw.timedOut, !raw.capped { cache.store(raw) }
        return interpret(raw, plan: plan)
    }

    /// Turns a raw run into per-snippet outcomes and an ending, in chapter terms.
    static func interpret(_ raw: RunCache.Raw, plan: ProgramPlan) -> ProgramRun {
        let stdout = split(Array(raw.stdout)), stderr = split(Array(raw.stderr))
        func index(_ position: Int) -> Int { plan.snippets[min(max(position, 0), plan.snippets.count - 1)].index }
        var outcomes: [Int: SnippetOutcome] = [:]
        for (position, snippet) in plan.snippets.enumerated() {
            var outcome = SnippetOutcome()
            (outcome.stdout, outcome.figures) = takeFigures(from: stdout.pieces[position] ?? "")
            outcome.stderr = plan.chapterLocations(in: stderr.pieces[position] ?? "")
            outcomes[snippet.index] = outcome
        }
        // The snippet that was running when the program stopped: the last marker written.
        let currentPosition = stdout.order.last(where: { $0 != ProgramPlan.endMarker }) ?? 0
        let current = index(currentPosition)
        let reachedEnd = stdout.order.last == ProgramPlan.endMarker
        for (position, snippet) in plan.snippets.enumerated() {
            outcomes[snippet.index]?.ran = reachedEnd || position < currentPosition
        }
        let budget = plan.snippets[min(currentPosition, plan.snippets.count - 1)].info.timeout ?? defaultSnippetTimeout

        let ending: ProgramRun.Ending
        if raw.timedOut {
            ending = .timedOut(snippet: current, seconds: budget)
        } else if raw.capped {
            ending = .flooded(snippet: current)
        } else if case .signaled(let signal) = raw.termination {
            let report = plan.chapterLocations(in: stderr.pieces[currentPosition] ?? "")
            let (userStderr, message, location) = trapReport(report, signal: signal, path: plan.path)
            outcomes[current]?.stderr = userStderr
            outcomes[current]?.trap = location.map { "\(message) at \($0)" } ?? message
            ending = .trapped(snippet: current, message: message, location: location)
        } else if case .exited(let status) = raw.termination, status != 0 || !reachedEnd {
            ending = .exited(snippet: current, status: status)
        } else {
            ending = .completed
        }
        return ProgramRun(plan: plan, outcomes: outcomes, ending: ending, seconds: raw.seconds)
    }

    /// Separates the figures a snippet showed from its text output.
    static func takeFigures(from text: String) -> (String, [String]) {
        let open = "\u{1E}book-figure\u{1E}\n", close = "\u{1E}book-figure-end\u{1E}\n"
        guard text.contains(open) else { return (text, []) }
        var rest = Substring(text), output = "", figures: [String] = []
        while let start = rest.range(of: open) {
            output += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].range(of: close) else {
                // Cut off (a trap inside show()): keep what came as text.
                output += rest[start.lowerBound...]
                rest = ""
                break
            }
            figures.append(String(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return (output + rest, figures)
    }

    /// Splits a stream at the markers: the text after each marker, keyed by the snippet's position in the
    /// program, and the markers in the order they appeared.
    static func split(_ bytes: [UInt8]) -> (pieces: [Int: String], order: [Int]) {
        let text = String(decoding: bytes, as: UTF8.self)
        var pieces: [Int: String] = [:]
        var order: [Int] = []
        let parts = text.components(separatedBy: "\u{1E}book-snippet ")
        // Anything before the first marker (a loader error before main runs) belongs to the first snippet.
        if let early = parts.first, !early.isEmpty { pieces[0] = early }
        for part in parts.dropFirst() {
            guard let close = part.firstIndex(of: "\u{1E}"), let index = Int(part[..<close]) else { continue }
            var body = part[part.index(after: close)...]
            if body.first == "\n" { body = body.dropFirst() }
            order.append(index)
            pieces[index, default: ""] += body
        }
        return (pieces, order)
    }

    /// Separates what the snippet wrote to stderr from the runtime's trap report, and reads the trap's
    /// message (`Fatal error: ...`, or the signal's name when an optimised precondition traps silently)
    /// and its chapter location from the backtrace's first frame in the chapter.
    ///
    /// - Parameter stderr: the snippet's standard error, already in chapter locations.
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
