import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// Stage 5, Run: what a program's raw run (its two streams, the run protocol's marks, how it ended) means
/// per snippet (`Run.interpret`): output cut at the marks, which snippets ran, and where the program stopped.
@Suite struct RunTests {
    private func plan(_ text: String) -> ProgramPlan {
        Build.plan(TestChapter.extract(text).1)[0]
    }

    private func raw(
        _ stdout: String, marks: [(Int, Int)], termination: Subprocess.Termination = .exited(0),
        timedOut: Bool = false
    ) -> RunCache.Raw {
        RunCache.Raw(
            stdout: Data(stdout.utf8), stderr: Data(), termination: termination, timedOut: timedOut, capped: false,
            seconds: 0, marks: marks.map { .init(position: $0.0, stdout: $0.1, stderr: 0) })
    }

    static let twoSnippets = "```swift\nprint(1)\n```\n\n```swift timeout=3\nprint(2)\n```\n"

    /// Was: what the program printed before the first mark (the loader) was lost.
    @Test func textBeforeTheFirstMarkBelongsToTheFirstSnippet() {
        let run = Run.interpret(
            raw("loader says hi\nout\ntwo\n", marks: [(0, 15), (1, 19), (-1, 23)]), plan: plan(Self.twoSnippets))
        #expect(run.outcomes[0]?.stdout == "loader says hi\nout\n")
        #expect(run.outcomes[1]?.stdout == "two\n")
        #expect(run.ending == .completed)
    }

    /// A program killed by a signal in the second snippet: the first ran, the second did not finish, and the
    /// program trapped there.
    @Test func aSignalStopsTheProgramInTheSnippetThatWasRunning() {
        let run = Run.interpret(
            raw("1\n", marks: [(0, 0), (1, 2)], termination: .signaled(SIGILL)), plan: plan(Self.twoSnippets))
        #expect(run.outcomes[0]?.ran == true && run.outcomes[0]?.stdout == "1\n")
        #expect(run.outcomes[1]?.ran == false && run.outcomes[1]?.trap != nil)
        #expect(run.ending.stoppingSnippet == 1)
        guard case .trapped(snippet: 1, _, _) = run.ending else {
            Issue.record("expected a trap in snippet 1, got \(run.ending)")
            return
        }
    }

    /// A time limit hit in a snippet names that snippet and its own `timeout=`; exiting before the end mark
    /// (even with status 0) is not completing.
    @Test func limitsAndEarlyExitsNameTheirSnippet() {
        let timedOut = Run.interpret(
            raw("1\n", marks: [(0, 0), (1, 2)], termination: .signaled(SIGKILL), timedOut: true),
            plan: plan(Self.twoSnippets))
        #expect(timedOut.ending == .timedOut(snippet: 1, seconds: 3))
        let exited = Run.interpret(raw("1\n", marks: [(0, 0)]), plan: plan(Self.twoSnippets))
        #expect(exited.ending == .exited(snippet: 0, status: 0))
        #expect(exited.outcomes[1]?.ran == false)
    }
}
