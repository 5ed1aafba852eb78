import CSystemSupport
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program under a supervisor process, with captured output, a time limit, an output cap and,
/// for chapter programs, an out-of-band control channel. The one way BookKit, `bench` and the tests start
/// a process (exceptions, each with its reason at the call: a test that must kill `book` alone and not its
/// tree; and `DevToolsSession`, whose DevTools pipe needs descriptors 3 and 4 the other way round, and which
/// runs Chromium under the same supervisor).
///
/// Containment (see `csys_spawn_supervised`): the program and everything it starts, including processes
/// that leave its process group with `setsid`, are killed when the program's main process ends, when a
/// limit is hit, and when the caller dies (even by SIGKILL). The program starts with default signal
/// actions and an empty signal mask, standard input from `/dev/null` unless `input` is given, and exactly
/// `environment`.
///
/// The control channel: the program writes length-prefixed frames (`COUNT\n` then COUNT bytes) to
/// descriptor 3 and reads one acknowledgement byte from descriptor 4 after each. Before handing a frame to
/// `control`, this reads everything the program had written to stdout and stderr; since the program waits
/// for the acknowledgement, the byte counts passed along are exactly where its output stood when it sent
/// the frame. Nothing the program prints can make a frame.
///
/// Why not swift-subprocess (1.0.2, in the package mirror): it gives none of the above that the build's
/// promise ("no process escapes") rests on. It has no supervisor or subreaper, so a grandchild that calls
/// `setsid` (or double-forks) outlives its program and its teardown (signals to the process group, and only
/// when the calling task is cancelled); no parent-death kill, so a `kill -9` of `book` leaves the programs
/// running; no PID or mount namespace; no descriptors beyond 0-2, so no control channel; no output cap or
/// per-frame deadlines. Its API is async-only (`run` is `async throws`), while the build's stages are
/// synchronous functions on worker threads, and it would add swift-system and a 6.2 tools version to the
/// package. What it does well (a portable spawn, streaming `AsyncSequence` output) the book does not need.
public struct Subprocess {
    public enum Termination: Equatable, Codable, Sendable {
        case exited(Int32)
        case signaled(Int32)
    }

    public struct Result: Sendable {
        public var stdout: [UInt8] = []
        public var stderr: [UInt8] = []
        public var termination: Termination = .exited(0)
        /// A time limit ran out and the program was killed.
        public var timedOut = false
        /// The output cap was reached and the program was killed.
        public var capped = false
        /// `control` refused a frame (the reason) and the program was killed.
        public var violation: String?
        public var seconds: Double = 0
    }

    /// What `control` says about a frame.
    enum ControlDecision {
        /// Acknowledge the frame; a new time limit in seconds from now, if given.
        case proceed(deadline: Double?)
        /// Kill the program: the frame breaks the protocol.
        case violation(String)
    }

    /// The harness side of the control channel.
    struct Control {
        /// Written to descriptor 4 before the program starts (the program reads it first).
        var greeting: [UInt8]
        /// One frame's payload, with the stdout and stderr byte counts at the moment it was sent.
        var receive: (_ payload: [UInt8], _ stdoutCount: Int, _ stderrCount: Int) -> ControlDecision
    }

    public var executable: String
    public var arguments: [String]
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    /// The working directory; nil keeps the caller's.
    public var directory: String?
    /// Seconds until the program is killed, unless `control` sets a new limit.
    public var timeout: Double = 600
    /// Seconds from start after which the program is killed whatever `control` says.
    public var totalTimeout: Double = .infinity
    /// Bytes of stdout plus stderr after which the program is killed.
    public var outputCap = Int.max
    /// Standard input; nil is `/dev/null` (or, for `start(interactive: true)`, a pipe `Running.send` writes to).
    public var input: [UInt8]?
    var control: Control?
    /// Run the program in PID and mount namespaces of its own where permitted (chapter programs: then it can
    /// neither see nor signal its supervisor). Tools run without, so their process ids mean what they say.
    public var isolateProcessIDs = false

    public init(
        executable: String, arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        timeout: Double = 600, outputCap: Int = Int.max
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.timeout = timeout
        self.outputCap = outputCap
    }

    /// `executable` as an absolute path: searched on the caller's PATH when it has no `/`.
    static func resolve(_ executable: String) -> String? {
        if executable.contains("/") {
            return FileManager.default.isExecutableFile(atPath: executable) ? executable : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs the program to its end (or a limit) and returns what it printed and how it ended.
    public func run() throws(BookError) -> Result {
        try start().wait()
    }

    /// Starts the program and returns at once. With `interactive`, its standard input stays open for
    /// `Running.send` and its output can be read line by line while it runs (a peer answering requests).
    public func start(interactive: Bool = false) throws(BookError) -> Running {
        guard let path = Self.resolve(executable) else {
            throw BookError(
                .environment, at: nil, "cannot start \(executable): not found or not executable",
                hint: "is it installed and on PATH?")
        }
        // Every descriptor is close-on-exec from birth, so no other spawn can inherit one; the supervisor
        // closes the ones that are not its own.
        let pipes = Pipes()
        guard pipes.make() else {
            pipes.closeAll()
            throw BookError(.environment, at: nil, "cannot create pipes: \(String(cString: strerror(errno)))")
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let directoryC = directory.map { strdup($0) } ?? nil
        defer {
            for pointer in argv + envp { free(pointer) }
            free(directoryC)
        }
        var fds = csys_supervised_fds(
            stdin_fd: pipes.input[0], stdout_fd: pipes.output[1], stderr_fd: pipes.error[1],
            control_fd: control == nil ? -1 : pipes.control[1],
            acknowledge_fd: control == nil ? -1 : pipes.acknowledge[0],
            lifeline_fd: pipes.lifeline[0], status_fd: pipes.status[1],
            new_pid_namespace: isolateProcessIDs ? 1 : 0)
        let start = Date()
        let supervisor = csys_spawn_supervised(path, argv, envp, directoryC, &fds)
        guard supervisor > 0 else {
            pipes.closeAll()
            throw BookError(.environment, at: nil, "cannot start \(executable): \(String(cString: strerror(errno)))")
        }
        // The program's ends belong to the supervisor now.
        pipes.closeProgramEnds()
        let running = Running(subprocess: self, pipes: pipes, supervisor: supervisor, start: start)
        if let control { running.session.writeAcknowledge(control.greeting) }
        if let input { running.session.writeInput(input) } else if !interactive { running.session.closeInput() }
        return running
    }

    /// A program started by `start`: `wait` for its end, or talk to it first (`send`, `readLine`). A program
    /// still running when its handle goes away is killed with its whole tree. Not for use from two threads.
    public final class Running {
        private let subprocess: Subprocess
        private let pipes: Pipes
        fileprivate var session: Session
        private let supervisor: pid_t
        private let start: Date
        private let hardDeadline: Date
        private let registration: Int
        /// Bytes of stdout already returned by `readLine`.
        private var consumed = 0
        private var waited = false

        fileprivate init(subprocess: Subprocess, pipes: Pipes, supervisor: pid_t, start: Date) {
            self.subprocess = subprocess
            self.pipes = pipes
            self.supervisor = supervisor
            self.start = start
            registration = ActiveProcessGroups.shared.insert(lifeline: pipes.lifeline[1])
            session = Session(pipes: pipes, control: subprocess.control, outputCap: subprocess.outputCap)
            session.deadline = start.addingTimeInterval(subprocess.timeout)
            hardDeadline = start.addingTimeInterval(subprocess.totalTimeout)
        }

        deinit {
            if !waited {
                session.kill()
                var status: Int32 = 0
                while waitpid(supervisor, &status, 0) < 0, errno == EINTR {}
            }
            ActiveProcessGroups.shared.remove(registration)
            pipes.closeAll()
        }

        /// Writes to the program's standard input (`start(interactive: true)`); blocks while the pipe is full.
        /// A program that no longer reads it is an error here, not a SIGPIPE that would end the caller.
        public func send(_ bytes: [UInt8]) throws(BookError) {
            try PipeSignal.blocked { () throws(BookError) in
                var offset = 0
                while offset < bytes.count {
                    let written = bytes[offset...].withUnsafeBytes { write(pipes.input[1], $0.baseAddress, $0.count) }
                    if written < 0, errno == EINTR { continue }
                    guard written > 0 else {
                        throw BookError(
                            .environment, at: nil,
                            "\(subprocess.executable) no longer reads its input: \(String(cString: strerror(errno)))")
                    }
                    offset += written
                }
            }
        }

        /// The next line the program printed (without its newline); nil once its output ended or its time
        /// limit ran out (then it is killed).
        public func readLine() -> String? {
            while true {
                if let newline = session.stdout[consumed...].firstIndex(of: 10) {
                    defer { consumed = newline + 1 }
                    return String(decoding: session.stdout[consumed..<newline], as: UTF8.self)
                }
                if session.streamsClosed || session.killed { return nil }
                if Date() >= session.deadline || Date() >= hardDeadline {
                    session.kill()
                    return nil
                }
                session.poll(milliseconds: 1000)
            }
        }

        /// Closes the program's input, waits for its end (killing it at a limit) and returns its result.
        public func wait() throws(BookError) -> Result {
            waited = true
            session.closeInput()
            var result = Result()
            var execFailure: Int32?
            var ending: Int32?
            var killedAt: Date?
            while true {
                if !session.killed {
                    let now = Date()
                    if now >= session.deadline || now >= hardDeadline {
                        result.timedOut = true
                        session.kill()
                    }
                }
                if session.killed, killedAt == nil { killedAt = Date() }
                if ending != nil, session.streamsClosed { break }
                // A supervisor that does not answer within 10 s of a kill is itself killed (it cannot hang the build).
                if let killedAt, Date().timeIntervalSince(killedAt) > 10 {
                    Glibc.kill(supervisor, SIGKILL)
                    break
                }
                // At most a second (also keeps an unlimited deadline within Int32).
                let wait =
                    session.killed
                    ? 200
                    : Int32(min(1000, max(0, min(session.deadline, hardDeadline).timeIntervalSinceNow) * 1000 + 1))
                session.poll(milliseconds: wait)
                for record in session.takeStatusRecords() {
                    switch record.kind {
                    case Int32(CSYS_STATUS_EXEC_FAILED): execFailure = record.value
                    // The first report wins: the namespace's init reports the program's status, and the supervisor
                    // reports again (SIGKILL) only if that init was killed before it could.
                    case Int32(CSYS_STATUS_ENDED): ending = ending ?? record.value
                    default: break
                    }
                }
                if session.statusClosed, ending == nil { break }  // the supervisor died: treat as killed
            }
            result.stdout = session.stdout
            result.stderr = session.stderr
            result.capped = session.capped
            result.violation = session.violation
            var supervisorStatus: Int32 = 0
            while waitpid(supervisor, &supervisorStatus, 0) < 0, errno == EINTR {}
            if let execFailure {
                throw BookError(
                    .environment, at: nil,
                    "cannot start \(subprocess.executable): \(String(cString: strerror(execFailure)))",
                    hint: "is it installed and executable?")
            }
            // WIFEXITED / WTERMSIG are macros; decode the status word by hand.
            let status = ending ?? SIGKILL
            let signal = status & 0x7f
            result.termination = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
            result.seconds = Date().timeIntervalSince(start)
            return result
        }
    }
}

/// The pipes between the caller and one supervised program. `[0]` is the read end, `[1]` the write end.
/// A class, so that the session and the cleanup share one record of what is still open (a descriptor closed
/// twice could be another thread's new one).
private final class Pipes {
    var input: [Int32] = [-1, -1]
    var output: [Int32] = [-1, -1]
    var error: [Int32] = [-1, -1]
    var control: [Int32] = [-1, -1]
    var acknowledge: [Int32] = [-1, -1]
    var lifeline: [Int32] = [-1, -1]
    var status: [Int32] = [-1, -1]

    /// Computed, not stored: key paths are not Sendable, so a stored static would be shared mutable state.
    private static var all: [ReferenceWritableKeyPath<Pipes, [Int32]>] {
        [\.input, \.output, \.error, \.control, \.acknowledge, \.lifeline, \.status]
    }

    func make() -> Bool {
        for keyPath in Self.all {
            var fds: [Int32] = [-1, -1]
            guard csys_pipe_cloexec(&fds) == 0 else { return false }
            self[keyPath: keyPath] = fds
        }
        return true
    }

    /// Closes `fd` if it is one of these pipes' open ends.
    func close(_ fd: Int32) {
        guard fd >= 0 else { return }
        for keyPath in Self.all {
            for i in 0..<2 where self[keyPath: keyPath][i] == fd {
                Glibc.close(fd)
                self[keyPath: keyPath][i] = -1
                return
            }
        }
    }

    func closeProgramEnds() {
        for fd in [input[0], output[1], error[1], control[1], acknowledge[0], lifeline[0], status[1]] { close(fd) }
    }

    func closeAll() {
        for keyPath in Self.all { for fd in self[keyPath: keyPath] { close(fd) } }
    }
}

/// The caller's side of one run: reads the streams, frames the control channel, enforces the cap.
private struct Session {
    let pipes: Pipes
    var control: Subprocess.Control?
    var outputCap: Int
    var stdout: [UInt8] = []
    var stderr: [UInt8] = []
    var deadline = Date.distantFuture
    var killed = false
    var capped = false
    var violation: String?
    private var controlBuffer: [UInt8] = []
    /// Payload bytes of the control frames received so far.
    private var controlBytes = 0
    private var statusBuffer: [UInt8] = []
    private var open: Set<Int32>
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    init(pipes: Pipes, control: Subprocess.Control?, outputCap: Int) {
        self.pipes = pipes
        self.control = control
        self.outputCap = outputCap
        open = [pipes.output[0], pipes.error[0], pipes.status[0]]
        if control != nil { open.insert(pipes.control[0]) }
        for fd in open { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    var streamsClosed: Bool { !open.contains(pipes.output[0]) && !open.contains(pipes.error[0]) }
    var statusClosed: Bool { !open.contains(pipes.status[0]) }

    /// Asks the supervisor to kill the program's whole tree (a byte on the lifeline).
    mutating func kill() {
        guard !killed else { return }
        killed = true
        PipeSignal.writeByte(pipes.lifeline[1])
    }

    mutating func writeAcknowledge(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        PipeSignal.blocked { _ = bytes.withUnsafeBytes { write(pipes.acknowledge[1], $0.baseAddress, $0.count) } }
    }

    /// Standard input is written whole before the program runs; it is at most a pipe buffer (64 KiB) so this
    /// cannot block. Longer input would need a writer thread; chapters do not need it.
    mutating func writeInput(_ bytes: [UInt8]) {
        PipeSignal.blocked {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes {
                    write(pipes.input[1], $0.baseAddress, min($0.count, 1 << 16))
                }
                if written <= 0 { break }
                offset += written
            }
        }
        closeInput()
    }

    mutating func closeInput() {
        pipes.close(pipes.input[1])
    }

    mutating func poll(milliseconds: Int32) {
        let watched = Array(open)
        var fds = watched.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let ready = Glibc.poll(&fds, nfds_t(fds.count), milliseconds)
        guard ready > 0 else { return }
        // Output first: a control frame is judged against everything printed before it.
        drain(pipes.output[0])
        drain(pipes.error[0])
        if control != nil, fds.contains(where: { $0.fd == pipes.control[0] && $0.revents != 0 }) {
            readControl()
        }
        if fds.contains(where: { $0.fd == pipes.status[0] && $0.revents != 0 }) {
            statusBuffer += readAvailable(pipes.status[0])
        }
    }

    private mutating func drain(_ fd: Int32) {
        guard open.contains(fd) else { return }
        // Which stream, decided before reading: reading to the end closes the pipe, and its slot then reads -1
        // (deciding afterwards once sent a fast program's last output, read together with the end of file,
        // to stderr).
        let isOutput = fd == pipes.output[0]
        let bytes = readAvailable(fd)
        if isOutput { stdout += bytes } else { stderr += bytes }
        if stdout.count + stderr.count + controlBytes > outputCap, !capped, !killed {
            capped = true
            kill()
        }
    }

    /// Reads until the pipe is empty (or closed: then it leaves `open`).
    private mutating func readAvailable(_ fd: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count > 0 {
                bytes += buffer[0..<count]
                continue
            }
            if count < 0, errno == EINTR { continue }
            if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
                pipes.close(fd)
                open.remove(fd)
            }
            return bytes
        }
    }

    private mutating func readControl() {
        controlBuffer += readAvailable(pipes.control[0])
        guard let control else { return }
        // Frames: decimal byte count, newline, payload.
        while !killed, let newline = controlBuffer.firstIndex(of: 10) {
            guard newline <= 10, let count = Int(String(decoding: controlBuffer[..<newline], as: UTF8.self)),
                count >= 0,
                count <= 16 << 20
            else {
                violation = "a malformed frame on the control channel"
                kill()
                return
            }
            // Frames count toward the output cap like printed bytes (a figure is output too).
            if stdout.count + stderr.count + controlBytes + count > outputCap {
                capped = true
                kill()
                return
            }
            guard controlBuffer.count >= newline + 1 + count else { return }
            controlBytes += count
            let payload = Array(controlBuffer[(newline + 1)..<(newline + 1 + count)])
            controlBuffer.removeFirst(newline + 1 + count)
            switch control.receive(payload, stdout.count, stderr.count) {
            case .proceed(let seconds):
                if let seconds { deadline = Date().addingTimeInterval(seconds) }
                writeAcknowledge([0x06])
            case .violation(let reason):
                violation = reason
                kill()
            }
        }
        if controlBuffer.count > 32, controlBuffer.prefix(11).firstIndex(of: 10) == nil {
            violation = "a malformed frame on the control channel"
            kill()
        }
    }

    mutating func takeStatusRecords() -> [(kind: Int32, value: Int32)] {
        var records: [(kind: Int32, value: Int32)] = []
        while statusBuffer.count >= 8 {
            let words = statusBuffer.prefix(8).withUnsafeBytes {
                ($0.load(as: Int32.self), $0.load(fromByteOffset: 4, as: Int32.self))
            }
            records.append((words.0, words.1))
            statusBuffer.removeFirst(8)
        }
        return records
    }
}

/// The lifelines of the programs running now. The kernel closes them if the build dies, which stops every
/// program; `killAll` stops them on purpose (Ctrl-C).
public final class ActiveProcessGroups: Sendable {
    public static let shared = ActiveProcessGroups()
    private struct State {
        var lifelines: [Int: Int32] = [:]
        var next = 0
    }
    private let state = Mutex(State())

    func insert(lifeline: Int32) -> Int {
        state.withLock { state in
            state.next += 1
            state.lifelines[state.next] = lifeline
            return state.next
        }
    }

    func remove(_ registration: Int) {
        state.withLock { $0.lifelines[registration] = nil }
    }

    /// Asks every running program's supervisor to kill its program's tree.
    public func killAll() {
        let current = state.withLock { Array($0.lifelines.values) }
        for fd in current { PipeSignal.writeByte(fd) }
    }
}
