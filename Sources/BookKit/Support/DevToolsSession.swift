import CSystemSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A headless Chromium driven over the Chrome DevTools Protocol on a pipe (`--remote-debugging-pipe`: it reads
/// commands on descriptor 3 and writes replies and events on descriptor 4, each a JSON message ending in NUL),
/// with one page target attached. `book build --pdf` prints with it; the browser tests load pages with it.
///
/// Guarantees:
/// - Chromium runs under the build's supervisor (`csys_spawn_supervised`, as `Subprocess` runs every tool): it
///   and every process it starts (renderers, GPU and zygote helpers) are killed when the session closes or is
///   released, when the build is interrupted (`ActiveProcessGroups.killAll`), and when the build dies, even
///   by SIGKILL. Its profile lives in a fresh temporary folder that `close` deletes.
/// - Every wait has a deadline: a Chromium that hangs or exits is an environment error with the end of what it
///   printed, never a hang. A write to a Chromium that has exited is that error too, not a SIGPIPE.
/// - Not for use from two threads.
///
/// Why not `Subprocess`: it reads descriptor 3 and writes descriptor 4 for the run protocol, the reverse of
/// the DevTools pipe, and it owns the program's output; here the caller talks to the program in both
/// directions while it runs. The supervisor underneath is the same.
public final class DevToolsSession {
    /// What Chromium reported besides replies (`Page.loadEventFired`, console messages), oldest first.
    public private(set) var events: [[String: Any]] = []
    /// Seconds each command and each awaited event may take.
    public var timeout: Double

    private let executable: String
    private let supervisor: pid_t
    private let commands: Int32
    private let replies: Int32
    private let lifeline: Int32
    private let status: Int32
    private let registration: Int
    private let profile: URL
    private var nextID = 0
    private var buffer: [UInt8] = []
    private var session = ""
    private var closed = false

    /// Starts `chromium` headless with an empty profile and attaches to a new blank page.
    /// - Parameter domains: the DevTools domains to enable on the page (`Page` is needed for load events).
    public init(chromium: String, timeout: Double = 60, domains: [String] = ["Page", "Runtime", "Log"])
        throws(BookError)
    {
        executable = chromium
        self.timeout = timeout
        profile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "book-chromium-\(getpid())-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: false)
        } catch {
            throw BookError(
                .environment, at: nil, "cannot create Chromium's profile folder: \(error.localizedDescription)")
        }
        // [0] read end, [1] write end; all close-on-exec until the supervisor places them.
        var toBrowser: [Int32] = [-1, -1], fromBrowser: [Int32] = [-1, -1]
        var lifelinePipe: [Int32] = [-1, -1], statusPipe: [Int32] = [-1, -1]
        let log = open(profile.appendingPathComponent("chromium.log").path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard csys_pipe_cloexec(&toBrowser) == 0, csys_pipe_cloexec(&fromBrowser) == 0,
            csys_pipe_cloexec(&lifelinePipe) == 0, csys_pipe_cloexec(&statusPipe) == 0, log >= 0
        else {
            let reason = String(cString: strerror(errno))
            for fd in toBrowser + fromBrowser + lifelinePipe + statusPipe + [log] where fd >= 0 { Glibc.close(fd) }
            try? FileManager.default.removeItem(at: profile)
            throw BookError(.environment, at: nil, "cannot create pipes for Chromium: \(reason)")
        }
        let arguments = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
            "--no-first-run", "--no-default-browser-check", "--hide-scrollbars", "--mute-audio",
            "--user-data-dir=\(profile.path)", "about:blank",
        ]
        let argv = arguments.map { strdup($0) } + [nil]
        let envp =
            ProcessInfo.processInfo.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") }
            + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        // The supervisor puts `control_fd` at descriptor 3 and `acknowledge_fd` at 4 whatever their direction:
        // here 3 is the end Chromium reads commands from and 4 the end it writes replies to.
        var fds = csys_supervised_fds(
            stdin_fd: -1, stdout_fd: log, stderr_fd: log, control_fd: toBrowser[0], acknowledge_fd: fromBrowser[1],
            lifeline_fd: lifelinePipe[0], status_fd: statusPipe[1], new_pid_namespace: 0)
        let spawned = csys_spawn_supervised(chromium, argv, envp, nil, &fds)
        let spawnError = errno
        for fd in [toBrowser[0], fromBrowser[1], lifelinePipe[0], statusPipe[1], log] { Glibc.close(fd) }
        guard spawned > 0 else {
            for fd in [toBrowser[1], fromBrowser[0], lifelinePipe[1], statusPipe[0]] { Glibc.close(fd) }
            try? FileManager.default.removeItem(at: profile)
            throw BookError(
                .environment, at: nil, "cannot start \(chromium): \(String(cString: strerror(spawnError)))")
        }
        supervisor = spawned
        commands = toBrowser[1]
        replies = fromBrowser[0]
        lifeline = lifelinePipe[1]
        status = statusPipe[0]
        registration = ActiveProcessGroups.shared.insert(lifeline: lifeline)
        let target = try send("Target.createTarget", ["url": "about:blank"], inSession: false)
        let attached = try send(
            "Target.attachToTarget", ["targetId": target["targetId"] as? String ?? "", "flatten": true],
            inSession: false)
        session = attached["sessionId"] as? String ?? ""
        for domain in domains { _ = try send("\(domain).enable", [:]) }
    }

    deinit { close() }

    /// Kills Chromium and everything it started, waits for the supervisor to have reaped them, and deletes the
    /// profile. Idempotent.
    public func close() {
        guard !closed else { return }
        closed = true
        // The supervisor may have exited already (Chromium failed to start).
        PipeSignal.writeByte(lifeline)
        var wait: Int32 = 0
        while waitpid(supervisor, &wait, 0) < 0, errno == EINTR {}
        ActiveProcessGroups.shared.remove(registration)
        for fd in [commands, replies, lifeline, status] { Glibc.close(fd) }
        try? FileManager.default.removeItem(at: profile)
    }

    // MARK: Protocol

    /// Sends one command (to the attached page unless `inSession` is false) and returns its result; events
    /// that arrive meanwhile are kept in `events`. A protocol error is an environment error naming the method.
    @discardableResult
    public func send(_ method: String, _ params: [String: Any] = [:], inSession: Bool = true) throws(BookError)
        -> [String: Any]
    {
        nextID += 1
        let id = nextID
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if inSession { message["sessionId"] = session }
        guard var data = try? JSONSerialization.data(withJSONObject: message) else {
            throw failure("\(method): the parameters are not JSON")
        }
        data.append(0)
        try writeAll([UInt8](data))
        while true {
            let reply = try readMessage()
            if reply["id"] as? Int == id {
                if let error = reply["error"] { throw failure("\(method) failed: \(error)") }
                return reply["result"] as? [String: Any] ?? [:]
            }
            if reply["method"] != nil { events.append(reply) }
        }
    }

    /// Returns once the event `method` has arrived (at once if it is in `events` already).
    public func waitForEvent(_ method: String) throws(BookError) {
        if events.contains(where: { $0["method"] as? String == method }) { return }
        while true {
            let message = try readMessage()
            if message["method"] != nil { events.append(message) }
            if message["method"] as? String == method { return }
        }
    }

    /// Forgets the events received so far (before a navigation, so that old load events do not count).
    public func clearEvents() { events.removeAll() }

    private func writeAll(_ bytes: [UInt8]) throws(BookError) {
        // A Chromium that exited must be an error here, not a signal that ends the build.
        try PipeSignal.blocked { () throws(BookError) in
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { throw failure("Chromium no longer reads its DevTools pipe") }
                offset += written
            }
        }
    }

    private func readMessage() throws(BookError) -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let data = Data(buffer[..<end])
                buffer.removeSubrange(...end)
                return ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:]
            }
            var descriptor = pollfd(fd: replies, events: Int16(POLLIN), revents: 0)
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            let ready = remaining > 0 ? poll(&descriptor, 1, remaining) : 0
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { throw failure("Chromium did not answer within \(Int(timeout)) s") }
            let count = read(replies, &chunk, chunk.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw failure("Chromium exited") }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    /// An environment error with the end of Chromium's own log, which says why it failed.
    private func failure(_ message: String) -> BookError {
        let log = (try? String(contentsOf: profile.appendingPathComponent("chromium.log"), encoding: .utf8)) ?? ""
        return BookError(
            .environment, at: nil, "\(executable): \(message)", detail: String(log.suffix(2000)),
            hint: "check that this Chromium starts headless (`\(executable) --headless --dump-dom about:blank`)")
    }
}
