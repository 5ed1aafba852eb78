import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// Stage 6, Check: what the programs did against what the chapter says, on runs made up here (no compiler,
/// no process): output compared within the snippet's tolerance, a mismatch located at the output block with
/// the differing line in its detail, a passing snippet shown with its recorded output, a trap an error at its
/// snippet.
@Suite struct CheckTests {
    static let text = """
        # T

        ```swift
        print(0.5)
        ```

        ```output
        0.5
        ```

        ```swift
        print("a")
        print("b")
        ```

        ```output
        a
        c
        ```
        """

    private func check(_ outputs: [String], ending: ProgramRun.Ending = .completed, ran: [Bool] = [true, true])
        -> Check.Result
    {
        let chapter = TestChapter.extract(Self.text).1
        let plan = Build.plan(chapter)[0]
        var outcomes: [Int: SnippetOutcome] = [:]
        for (index, output) in outputs.enumerated() {
            var outcome = SnippetOutcome()
            outcome.stdout = output
            outcome.ran = ran[index]
            outcomes[index] = outcome
        }
        let run = ProgramRun(plan: plan, outcomes: outcomes, ending: ending, seconds: 0)
        return Check.chapter(chapter, compiled: [CompiledProgram(plan: plan)], runs: [run])
    }

    @Test func outputIsComparedWithinTheToleranceAndLocatedAtTheDifferingLine() {
        let result = check(["0.5000001\n", "a\nb\n"])
        #expect(result.checked == 2 && result.passed == 1)
        #expect(result.errors.map { "\($0.kind) \($0.location?.description ?? "")" } == ["output chapters/t.md:16:1"])
        #expect(result.errors.first?.message == "snippet #2 output differs")
        #expect(result.errors.first?.detail.hasPrefix("line 2: ") == true, "\(result.errors.first?.detail ?? "")")
        // The passing snippet shows what the chapter records, not this run's digits.
        #expect(result.outcomes[0]?.stdout == "0.5\n")
        #expect(result.outcomes[1]?.stdout == "a\nb\n")
    }

    @Test func aTrapIsAnErrorAtItsSnippetAndTheRestIsNotCompared() {
        let result = check(
            ["0.5\n", ""], ending: .trapped(snippet: 1, message: "Fatal error: boom", location: nil),
            ran: [true, false])
        #expect(result.checked == 1 && result.passed == 1)
        #expect(
            result.errors.map(\.description).map { String($0.split(separator: "\n")[0]) }
                == ["chapters/t.md:11:1: error: snippet #2 trapped: Fatal error: boom"])
    }
}
