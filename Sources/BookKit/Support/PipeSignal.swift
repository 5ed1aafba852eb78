import Glibc

/// Writes to pipes whose reader may have exited (a Chromium that failed to start, a supervisor that has reaped
/// its program) fail with EPIPE, never with a SIGPIPE that would end the build with status 13 and leave its
/// staging folder behind.
///
/// The signal is blocked on the calling thread only, for the duration of `body`, and a SIGPIPE the body raised
/// is taken back before the old mask returns, so it is never delivered later. Per thread, not process-wide
/// (`SIG_IGN`), because an ignored disposition would be inherited by the programs the build starts.
enum PipeSignal {
    static func blocked<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        var pipeSignal = sigset_t(), previous = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1, sigismember(&previous, SIGPIPE) == 0 {
                var zero = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&pipeSignal, nil, &zero)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        return try body()
    }

    /// One byte to `descriptor` (a lifeline or an acknowledgement), ignoring a reader that is gone.
    static func writeByte(_ descriptor: Int32) {
        blocked {
            var byte: UInt8 = 1
            _ = write(descriptor, &byte, 1)
        }
    }
}
