import BookTestSupport
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
            let result = try Subprocess(
                executable: "/bin/sh", arguments: ["-c", "echo out; echo err >&2"], timeout: 30
            ).run()
            #expect(String(decoding: result.stdout, as: UTF8.self) == "out\n")
            #expect(String(decoding: result.stderr, as: UTF8.self) == "err\n")
            #expect(result.termination == .exited(0))
        }
    }

    /// A peer talked to while it runs (bench's numpy peer): requests in, answers out, line by line; its end
    /// status after its input closes.
    @Test func anInteractiveProgramAnswersLineByLine() throws {
        let peer = try Subprocess(
            executable: "/bin/sh", arguments: ["-c", "while read x; do echo \"got $x\"; done; exit 3"],
            timeout: 30
        ).start(interactive: true)
        try peer.send(Array("a\n".utf8))
        #expect(peer.readLine() == "got a")
        try peer.send(Array("b\nc\n".utf8))
        #expect(peer.readLine() == "got b")
        #expect(peer.readLine() == "got c")
        let result = try peer.wait()
        #expect(result.termination == .exited(3))
    }

    /// A handle dropped while its program runs kills the program (and its children).
    @Test func aDroppedHandleKillsItsProgram() throws {
        let mark = "book-subprocess-drop-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        func running() throws -> String {
            String(
                decoding: try Subprocess(executable: "pgrep", arguments: ["-f", mark], timeout: 30).run().stdout,
                as: UTF8.self)
        }
        do {
            // Two commands, so that the shell (whose command line has the mark) stays.
            let program = try Subprocess(
                executable: "/bin/sh", arguments: ["-c", "sleep 60; echo # \(mark)"], timeout: 120
            )
            .start(interactive: true)
            var seen = ""
            for _ in 0..<50 where seen.isEmpty {
                seen = try running()
                if seen.isEmpty { Thread.sleep(forTimeInterval: 0.1) }
            }
            #expect(!seen.isEmpty, "the program started")
            withExtendedLifetime(program) {}
        }
        #expect(try running().isEmpty, "the program outlived its handle")
    }

    /// Writing to a program that stopped reading is an error for the caller, not a SIGPIPE that ends it; and
    /// it is an error as soon as the program has closed its input, however quickly it did so. Once in CI
    /// the write succeeded: the supervisor still held the pipe's read end it had across the fork. Many
    /// rounds, because the window was a few microseconds after the program started.
    @Test func sendingToAProgramThatStoppedReadingThrows() throws {
        for _ in 0..<40 {
            let peer = try Subprocess(
                executable: "/bin/sh", arguments: ["-c", "exec 0<&-; echo closed; sleep 5"], timeout: 30
            )
            .start(interactive: true)
            #expect(peer.readLine() == "closed")
            #expect(throws: BookError.self) { try peer.send(Array("hello\n".utf8)) }
        }
    }
}
