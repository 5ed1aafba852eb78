import Foundation
import Testing

@testable import BookKit

/// Writes to a pipe nobody reads any more. `book build --pdf` with a Chromium that failed at once died of
/// SIGPIPE (status 13, its staging folder left behind) about one run in ten, when it told the already-exited
/// supervisor to stop. A SIGPIPE here would end the test process, which fails the run.
@Suite struct PipeSignalTests {
    @Test func aWriteToAClosedPipeFailsWithEPIPEAndRaisesNothing() throws {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        close(ends[0])
        defer { close(ends[1]) }
        PipeSignal.writeByte(ends[1])
        let (written, error) = PipeSignal.blocked { () -> (Int, Int32) in
            var byte: UInt8 = 1
            let written = write(ends[1], &byte, 1)
            return (written, errno)
        }
        #expect(written == -1 && error == EPIPE)
        // Nothing is left pending, and the thread's mask is as it was.
        var pending = sigset_t(), mask = sigset_t()
        sigpending(&pending)
        #expect(sigismember(&pending, SIGPIPE) == 0)
        pthread_sigmask(SIG_SETMASK, nil, &mask)
        #expect(sigismember(&mask, SIGPIPE) == 0)
    }
}
