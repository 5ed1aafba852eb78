import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program in its own process group with captured output, a time limit and an output cap.
///
/// Foundation's `Process` cannot put the child in a new process group, and a snippet program that forks or
/// spawns must be killed whole at its timeout; so this spawns with `posix_spawn` and `POSIX_SPAWN_SETPGROUP`
/// and kills `-pgid`. Standard input is `/dev/null`; the working directory is the caller's (glibc's
/// `posix_spawn_file_actions_addchdir_np` is not visible from Swift here), so callers pass absolute paths.
struct Subprocess {
    enum Termination: Equatable, Codable {
        case exited(Int32)
        case signaled(Int32)
    }

    struct Result {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var termination: Termination = .exited(0)
        /// The time limit ran out and the process group was killed.
        var timedOut = false
        /// The output cap was reached and the process group was killed.
        var capped = false
        var seconds: Double = 0
    }

    var executable: String
    var arguments: [String]
    var environment: [String: String] = ProcessInfo.processInfo.environment
    /// Seconds from start until the process group is killed, unless `extendDeadline` moves it.
    var timeout: Double = 600
    /// Bytes of stdout plus stderr after which the process group is killed.
    var outputCap = Int.max

    /// Called with the whole stdout so far after each read; may return a new limit in seconds from now
    /// (the run stage restarts a snippet's clock when the snippet's marker appears).
    var extendDeadline: (([UInt8]) -> Double?)?

    /// Held from creating the pipes until the parent closed the child's ends: `pipe` and `FD_CLOEXEC` are two
    /// calls (glibc's `pipe2` is not visible from Swift here), and a spawn on another thread in between would
    /// inherit this child's write ends and keep its pipes open long after it exits.
    private static let spawnLock = NSLock()

    func run() throws(BookError) -> Result {
        Self.spawnLock.lock()
        var locked = true
        defer { if locked { Self.spawnLock.unlock() } }
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw BookError(.environment, at: nil, "cannot create pipes: \(String(cString: strerror(errno)))")
        }
        // The parent's ends must not leak into other children (the child's copies are dup2'ed to 1 and 2,
        // which clears the flag).
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let start = Date()
        let status = posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        close(outPipe[1]); close(errPipe[1])
        Self.spawnLock.unlock()
        locked = false
        guard status == 0 else {
            close(outPipe[0]); close(errPipe[0])
            throw BookError(.environment, at: nil, "cannot start \(executable): \(String(cString: strerror(status)))",
                            hint: "is it installed and on PATH?")
        }

        ActiveProcessGroups.shared.insert(pid)
        defer { ActiveProcessGroups.shared.remove(pid) }
        var result = Result()
        var deadline = start.addingTimeInterval(timeout)
        var open = [outPipe[0], errPipe[0]]
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var killed = false
        func killGroup() {
            if !killed { kill(-pid, SIGKILL); killed = true }
        }
        while !open.isEmpty {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0, !killed {
                result.timedOut = true
                killGroup()
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let wait = killed ? 1000 : Int32(min(max(remaining, 0) * 1000 + 1, 1000))
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0, errno == EINTR { continue }
            for entry in fds where entry.revents != 0 {
                let count = read(entry.fd, &buffer, buffer.count)
                if count <= 0 {
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                    continue
                }
                if entry.fd == outPipe[0] {
                    result.stdout.append(contentsOf: buffer[0..<count])
                    if let extended = extendDeadline?(result.stdout) { deadline = Date().addingTimeInterval(extended) }
                } else {
                    result.stderr.append(contentsOf: buffer[0..<count])
                }
                if result.stdout.count + result.stderr.count > outputCap, !killed {
                    result.capped = true
                    killGroup()
                }
            }
            if killed, ready == 0 { break }  // the group is dead but something keeps a pipe open
        }
        open.forEach { close($0) }
        // A child that closed its output and kept running is still held to the deadline.
        var waitStatus: Int32 = 0
        while true {
            let waited = waitpid(pid, &waitStatus, WNOHANG)
            if waited == pid || (waited < 0 && errno != EINTR) { break }
            if deadline.timeIntervalSinceNow <= 0, !killed {
                result.timedOut = true
                killGroup()
            }
            usleep(2_000)
        }
        // WIFEXITED / WTERMSIG are macros; decode the status word by hand.
        let signal = waitStatus & 0x7f
        result.termination = signal == 0 ? .exited((waitStatus >> 8) & 0xff) : .signaled(signal)
        result.seconds = Date().timeIntervalSince(start)
        return result
    }
}

/// The process groups of the programs running now, so that an interrupted build (Ctrl-C) can stop them too:
/// they run in groups of their own, which the terminal's interrupt does not reach.
public final class ActiveProcessGroups: @unchecked Sendable {
    public static let shared = ActiveProcessGroups()
    private let lock = NSLock()
    private var groups = Set<pid_t>()

    func insert(_ pid: pid_t) { lock.lock(); groups.insert(pid); lock.unlock() }
    func remove(_ pid: pid_t) { lock.lock(); groups.remove(pid); lock.unlock() }

    /// Kills every running group (SIGKILL).
    public func killAll() {
        lock.lock()
        let current = groups
        lock.unlock()
        for pid in current { kill(-pid, SIGKILL) }
    }
}
