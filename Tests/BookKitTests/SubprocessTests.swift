import Foundation
import Testing
@testable import BookKit

/// The launcher on its own: what a program prints arrives on the right stream, however fast it exits.
@Suite struct SubprocessTests {
    /// A program that prints and exits before the first read: its output and the end of file arrive in one
    /// read. That once sent the output to stderr (the page footer's commit came out empty about one build
    /// in eight).
    @Test func outputOfAProgramThatAlreadyExitedStaysOnItsStream() throws {
        for _ in 0..<60 {
            let result = try Subprocess(executable: "/bin/sh", arguments: ["-c", "echo out; echo err >&2"], timeout: 30).run()
            #expect(String(decoding: result.stdout, as: UTF8.self) == "out\n")
            #expect(String(decoding: result.stderr, as: UTF8.self) == "err\n")
            #expect(result.termination == .exited(0))
        }
    }
}
