import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// Stage 4, Build: the programs a chapter makes (`Build.plan`), and the chapter locations of what the
/// compiler says about them.
@Suite struct BuildTests {
    /// One main program per segment (a `reset` starts the next), its snippets in chapter order; a `fails`
    /// snippet is compiled on its own, after its segment's earlier snippets, and never run.
    @Test func aResetStartsANewProgramAndFailsIsOnlyCompiled() {
        let text = """
            ```swift
            let a = 1
            ```

            ```swift fails
            let b: String = a
            ```

            ```swift
            print(a)
            ```

            ```swift reset
            print(2)
            ```
            """
        let (_, chapter, errors) = TestChapter.extract(text)
        #expect(errors.isEmpty)
        let plans = Build.plan(chapter)
        let mains = plans.filter { $0.purpose == .main }
        #expect(mains.map { $0.snippets.map(\.index) } == [[0, 2], [3]])
        let checks = plans.filter { $0.purpose == .compileCheck(snippet: 1) }
        #expect(checks.map { $0.snippets.map(\.index) } == [[0, 1]])
        #expect(plans.count == 3)
        #expect(plans.allSatisfy { $0.path == "chapters/t.md" })
    }

    /// Was: a snippet inside a list item was located without the fence's indentation.
    @Test func columnsCountTheFenceIndentation() {
        let text = "- item\n\n    ```swift\n    let x: Int = \"a\"\n    ```\n"
        let (_, chapter, _) = TestChapter.extract(text)
        let plan = Build.plan(chapter)[0]
        #expect(plan.chapterLocations(in: "chapters/t.md@0:1:14: error: x") == "chapters/t.md:4:18: error: x")
    }
}
