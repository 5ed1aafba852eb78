import Foundation

extension ProgramRun.Ending {
    /// The snippet the program stopped in, unless it completed.
    public var stoppingSnippet: Int? {
        switch self {
        case .completed: nil
        case .trapped(let k, _, _), .exited(let k, _), .timedOut(let k, _), .flooded(let k),
            .protocolViolation(let k, _):
            k
        }
    }

    /// How it stopped, as the end of a sentence ("… which trapped: Fatal error").
    var summary: String {
        switch self {
        case .completed: "ran to its end"
        case .trapped(_, let message, _): "trapped: \(message)"
        case .exited(_, let status): "ended the program with exit status \(status)"
        case .timedOut(_, let seconds): "did not finish within \(seconds.formattedSeconds) s"
        case .flooded: "printed more than \(Run.outputCap >> 20) MiB"
        case .protocolViolation(_, let reason): "broke the run protocol: \(reason)"
        }
    }
}

/// What running one program produced: each snippet's outcome, and how the program ended.
public struct ProgramRun: Sendable {
    public enum Ending: Sendable, Equatable {
        /// Sent its end frame and exited 0.
        case completed
        /// Killed by a signal (a Swift trap is SIGILL or SIGTRAP) while `snippet` ran.
        case trapped(snippet: Int, message: String, location: SourcePosition?)
        /// Exited (with any status, 0 included) while `snippet` ran: the snippets after it did not run.
        case exited(snippet: Int, status: Int32)
        /// `snippet` exceeded its time limit; the program and everything it started were killed.
        case timedOut(snippet: Int, seconds: Double)
        /// The program printed more than the output cap.
        case flooded(snippet: Int)
        /// Something wrote to the run's control channel what the book's runtime would never write.
        case protocolViolation(snippet: Int, reason: String)
    }

    public var plan: ProgramPlan
    public var outcomes: [Int: SnippetOutcome]
    public var ending: Ending
    public var seconds: Double
    /// Whether the result came from the run cache instead of running the program.
    public var cached = false
}

/// Stage 5: runs compiled programs under a supervisor with per-snippet time limits and an output cap, and
/// attributes their output to snippets by the out-of-band run protocol (`ProgramPlan.runtimeSource`).
/// Disk: executes the programs and writes their run records (and a lock) beside them.
///
/// Results are cached beside the program (`RunCache`): a program is a pure function of its source, the
/// library, the toolchain and its environment (the book's code is deterministic by rule), so the same
/// program with the same limits need not run twice. Runs that hit a limit are not cached.
public enum Run {
    /// Seconds a snippet may run when it has no `timeout=` key.
    public static let defaultSnippetTimeout = 120.0
    /// Bytes a program may print (stdout and stderr together) before it is killed.
    public static let outputCap = 1 << 20
    /// Seconds a program may take after its last snippet (exit handlers, the end frame).
    static let exitAllowance = 10.0

    /// The Swift runtime's crash reporter, set to print just the crashing thread's frames without colour, so
    /// that a trap's chapter line can be read from it.
    static let backtraceSettings =
        "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none,sanitize=yes,limit=16,top=4"

    /// The whole environment of a chapter program: nothing of the author's environment reaches it, so a run
    /// depends on the chapter, not on who builds it. Hashing is deterministic (Set and Dictionary orders are
    /// the same on every run and machine).
    public static let environment: [String: String] = [
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TMPDIR": "/tmp",
        "SWIFT_BACKTRACE": backtraceSettings,
        "SWIFT_DETERMINISTIC_HASHING": "1",
        "BOOK_FIGURE_CHANNEL": "3,4",
    ]

    /// - Parameter useCache: read earlier results (they are written either way).
    public static func program(_ compiled: CompiledProgram, useCache: Bool = true) throws(BookError) -> ProgramRun {
        let plan = compiled.plan
        guard let executable = compiled.executable else {
            return ProgramRun(plan: plan, outcomes: [:], ending: .completed, seconds: 0)
        }
        let budgets = plan.snippets.map { $0.info.timeout ?? defaultSnippetTimeout }
        let cache = RunCache(program: compiled, environment: environment, timeLimits: budgets, outputCap: outputCap)
        if useCache, let raw = cache?.load() {
            var run = interpret(raw, plan: plan)
            run.cached = true
            return run
        }
        // Two builds that want the same run (the chapter tests beside the browser test, two terminals) take
        // turns: the second finds the first's result in the cache instead of running the program beside it,
        // which would halve the CPU each has and could push a long snippet past its time limit.
        let lock = try FileLock(executable.deletingLastPathComponent().path + "/run.lock")
        defer { lock.unlock() }
        if useCache, let raw = cache?.load() {
            var run = interpret(raw, plan: plan)
            run.cached = true
            return run
        }
        let protocolState = RunProtocol(budgets: budgets)
        var process = Subprocess(
            executable: executable.path, arguments: [], environment: environment,
            timeout: budgets.first ?? defaultSnippetTimeout, outputCap: outputCap)
        process.directory = executable.deletingLastPathComponent().path
        process.isolateProcessIDs = true
        // The clock moves only on the runtime's frames, and never past the sum of the snippets' limits.
        process.totalTimeout = budgets.reduce(0, +) + exitAllowance
        process.control = Subprocess.Control(
            greeting: Array((protocolState.nonce + "\n").utf8),
            receive: protocolState.receive)
        let result = try process.run()
        let raw = RunCache.Raw(
            stdout: Data(result.stdout), stderr: Data(result.stderr), termination: result.termination,
            timedOut: result.timedOut, capped: result.capped, seconds: result.seconds,
            marks: protocolState.marks, figures: protocolState.figures, violation: result.violation)
        // Only endings the program's code decides are cached: a clean exit or a Swift trap, not a kill from
        // outside (out of memory, Ctrl-C), a limit or a protocol violation.
        let deterministic: Bool
        switch raw.termination {
        case .exited: deterministic = true
        case .signaled(let signal):
            deterministic = [SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGSEGV, SIGBUS].contains(signal)
        }
        if deterministic, !raw.timedOut, !raw.capped, raw.violation == nil { cache?.store(raw) }
        return interpret(raw, plan: plan)
    }

    /// Turns a raw run into per-snippet outcomes and an ending, in chapter terms.
    ///
    /// Snippet `p`'s output is the bytes between its begin mark and the next mark; output before the first
    /// mark (a loader message) belongs to the first snippet, output after the end mark (exit handlers) to the
    /// last.
    static func interpret(_ raw: RunCache.Raw, plan: ProgramPlan) -> ProgramRun {
        let stdout = [UInt8](raw.stdout), stderr = [UInt8](raw.stderr)
        let begins = raw.marks.filter { $0.position >= 0 }
        let reachedEnd = raw.marks.contains { $0.position < 0 }
        /// Byte ranges per begun snippet: from its mark to the next begin (or to the end of the stream).
        func pieces(_ bytes: [UInt8], _ offset: (RunCache.Mark) -> Int) -> [String] {
            begins.indices.map { i in
                let lower = i == 0 ? 0 : min(offset(begins[i]), bytes.count)
                let upper = i + 1 < begins.count ? min(offset(begins[i + 1]), bytes.count) : bytes.count
                return String(decoding: bytes[lower..<max(lower, upper)], as: UTF8.self)
            }
        }
        // Shadowing renamed earlier declarations: a debug description (`[Chapter.__book_s0.P(x: 1)]`) or
        // `#function` shows the author's names, as it would without the redeclaration.
        let shadowing = String(decoding: stdout, as: UTF8.self).contains("__book_") ? plan.shadowing : nil
        let stdoutPieces = pieces(stdout, \.stdout).map { shadowing?.restoringNames(in: $0) ?? $0 }
        let stderrPieces = pieces(stderr, \.stderr)
        var outcomes: [Int: SnippetOutcome] = [:]
        let currentPosition = min(max(0, begins.count - 1), plan.snippets.count - 1)
        for (position, snippet) in plan.snippets.enumerated() {
            var outcome = SnippetOutcome()
            if position < begins.count {
                outcome.stdout = stdoutPieces[position]
                outcome.stderr = plan.chapterLocations(in: stderrPieces[position])
            }
            outcome.figures = raw.figures.filter { $0.position == position }.map(\.text)
            outcome.ran = reachedEnd || position < currentPosition
            outcomes[snippet.index] = outcome
        }
        // Nothing reached the protocol (the loader failed): everything belongs to the first snippet.
        if begins.isEmpty, let first = plan.snippets.first {
            let text = String(decoding: stdout, as: UTF8.self)
            outcomes[first.index]?.stdout = shadowing?.restoringNames(in: text) ?? text
            outcomes[first.index]?.stderr = plan.chapterLocations(in: String(decoding: stderr, as: UTF8.self))
        }
        let current = plan.snippets[currentPosition].index
        let budget = plan.snippets[currentPosition].info.timeout ?? defaultSnippetTimeout

        let ending: ProgramRun.Ending
        if let violation = raw.violation {
            ending = .protocolViolation(snippet: current, reason: violation)
        } else if raw.timedOut {
            ending = .timedOut(snippet: current, seconds: budget)
        } else if raw.capped {
            ending = .flooded(snippet: current)
        } else if case .signaled(let signal) = raw.termination {
            let report = outcomes[current]?.stderr ?? ""
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
            // fatalError and runtime checks say "Fatal error", a failed assert or precondition (kept under
            // -Onone) "Assertion failed" or "Precondition failed".
            if let range = ["Fatal error", "Assertion failed", "Precondition failed"].lazy.compactMap({
                line.range(of: $0)
            }).first {
                message = message ?? String(line[range.lowerBound...]).trimmingCharacters(in: .whitespaces)
                inReport = true
                continue
            }
            if line.hasPrefix("*** ") || line.hasPrefix("💣") { inReport = true }
            if inReport {
                if location == nil, let range = line.range(of: " at \(path):") {
                    let numbers = line[range.upperBound...].split(separator: ":").prefix(2).compactMap {
                        Int($0.prefix(while: \.isNumber))
                    }
                    if let lineNumber = numbers.first {
                        location = SourcePosition(
                            file: path, line: lineNumber, column: numbers.count > 1 ? numbers[1] : 1)
                    }
                }
                continue
            }
            userLines.append(line)
        }
        while userLines.last?.isEmpty == true { userLines.removeLast() }
        let user = userLines.isEmpty ? "" : userLines.joined(separator: "\n") + "\n"
        let names: [Int32: String] = [
            4: "Illegal instruction (SIGILL)", 5: "Trace trap (SIGTRAP)", 6: "Aborted (SIGABRT)",
            8: "Floating-point exception (SIGFPE)", 11: "Segmentation fault (SIGSEGV)", 7: "Bus error (SIGBUS)",
        ]
        let trap = message ?? "Trap: \(names[signal] ?? "signal \(signal)")"
        return (user, trap, location)
    }
}

/// The harness's side of one run's protocol: checks each frame the runtime sends and records where each
/// snippet's output starts. A class because `Subprocess` calls it from its read loop; not Sendable: that
/// loop runs on the thread that called `run`, the one that reads `marks` and `figures` after.
final class RunProtocol {
    /// Unguessable per run: 128 random bits.
    let nonce: String
    private let budgets: [Double]
    private(set) var marks: [RunCache.Mark] = []
    private(set) var figures: [RunCache.FigureMark] = []

    init(budgets: [Double]) {
        var generator = SystemRandomNumberGenerator()
        nonce = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
        self.budgets = budgets
    }

    func receive(_ payload: [UInt8], stdoutCount: Int, stderrCount: Int) -> Subprocess.ControlDecision {
        let newline = payload.firstIndex(of: 10) ?? payload.count
        let words = String(decoding: payload[..<newline], as: UTF8.self).split(
            separator: " ", omittingEmptySubsequences: false)
        if words == ["figure"] {
            // No nonce: a figure frame can only add a figure to the running snippet, as `Figure.show()` does.
            guard let position = marks.last?.position, position >= 0 else {
                return .violation("a figure outside any snippet")
            }
            figures.append(
                RunCache.FigureMark(
                    position: position,
                    text: String(decoding: payload[min(newline + 1, payload.count)...], as: UTF8.self)))
            return .proceed(deadline: nil)
        }
        guard let last = words.last, last == nonce else {
            return .violation("a frame without the run's nonce reached the control channel (descriptor 3)")
        }
        let begun = marks.filter { $0.position >= 0 }.count
        let ended = marks.contains { $0.position < 0 }
        switch (words.first, words.count) {
        case ("begin", 3):
            guard let position = Int(words[1]), position == begun, position < budgets.count, !ended else {
                return .violation("snippet \(words[1]) began out of order (expected \(begun))")
            }
            marks.append(RunCache.Mark(position: position, stdout: stdoutCount, stderr: stderrCount))
            return .proceed(deadline: budgets[position])
        case ("end", 2):
            guard begun == budgets.count, !ended else {
                return .violation("the program ended after \(begun) of \(budgets.count) snippets began")
            }
            marks.append(RunCache.Mark(position: -1, stdout: stdoutCount, stderr: stderrCount))
            return .proceed(deadline: Run.exitAllowance)
        default:
            return .violation("an unknown frame on the control channel")
        }
    }
}
