import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// Each snippet is judged on its own: one that does not compile is left out and reported at its own line,
/// and every other snippet of the chapter still compiles and runs (`Build.chapter`). Assertions about
/// compile failures (`fails`, `compile-only`) count only the snippet's own errors.
@Suite struct SnippetIsolationTests {
    /// Before: the first error blocked the whole chapter ("0 checks passed, 0 failed, 1 errors"), and it was
    /// the compiler's first diagnostic, a parse error far below. After: four located errors, in chapter order,
    /// and the three independent snippets run and pass.
    @Test func brokenSnippetsAreLeftOutAndTheRestRuns() throws {
        let (checked, report) = try Fixtures.check("isolation")
        #expect(
            checked.outcomes[1]?.diagnostics?.contains("cannot convert value of type 'String'") == true,
            "the page shows why a snippet was left out, under its code")
        #expect(report.checked == 3 && report.passed == 3, "the snippets that compile run: \(report.errors)")
        #expect(report.notRun == BookBuilder.NotRun(didNotCompile: 4, stopped: 0))
        #expect(report.errors.map(\.location?.line) == [16, 22, 38, 48])
        #expect(report.errors.allSatisfy { $0.kind == .compile })
        let text = report.errors.map(\.description).joined(separator: "\n\n") + "\n"
        Fixtures.expectGolden(text, "isolation.errors")
    }

    /// A snippet that uses what a left-out snippet declared says so, naming the declaring snippet's line.
    @Test func dependentSnippetNamesTheSnippetThatDidNotCompile() throws {
        let (_, report) = try Fixtures.check("isolation")
        let user = try #require(report.errors.first { $0.location?.line == 22 })
        #expect(
            user.message
                == "snippet 'user' does not compile: it uses `count`, declared by the snippet at line 16 that did not compile"
        )
    }

    /// Long compiler output is capped at the first errors, with a count of the rest.
    @Test func longDiagnosticsAreCapped() throws {
        let (_, report) = try Fixtures.check("isolation")
        let many = try #require(report.errors.first { $0.location?.line == 38 })
        #expect(many.detail.components(separatedBy: ": error: ").count - 1 == CompilerDiagnostics.shownGroups)
        #expect(many.detail.hasSuffix("… and 2 more errors (6 lines) not shown"), "\(many.detail)")
    }

    /// `fails` passes only on the snippet's own error; `fails="TEXT"` pins a phrase of it; an error in an
    /// earlier snippet is never credited to a `fails` snippet that compiles.
    @Test func failsIsJudgedOnTheSnippetsOwnErrors() throws {
        let (checked, report) = try Fixtures.check("fails-pinned")
        let text = report.errors.map(\.description).joined(separator: "\n\n") + "\n"
        Fixtures.expectGolden(text, "fails-pinned.errors")
        #expect(report.errors.map(\.location?.line) == [11, 17, 21, 27, 31])
        #expect(checked.outcomes[1]?.diagnostics?.contains("cannot find 'undeclared' in scope") == true)
    }

    /// A name declared twice within one snippet is that snippet's error (blamed on the later declaration's
    /// snippet), with a hint that fits: later snippets may shadow, one snippet may not declare twice.
    @Test func redeclarationWithinASnippetHasItsOwnHint() throws {
        let (_, report) = try Fixtures.check("redeclaration")
        #expect(report.passed == 2 && report.notRun.didNotCompile == 1)
        let text = report.errors.map(\.description).joined(separator: "\n\n") + "\n"
        Fixtures.expectGolden(text, "redeclaration.errors")
    }

    /// A snippet cannot move its errors into another snippet with its own `#sourceLocation` (before: its
    /// error was blamed on the first snippet, and a `fails` snippet there would have passed on it).
    @Test func snippetCannotRelocateItsErrors() throws {
        let text = """
            ```swift id=innocent fails
            let n: Int = "n"
            ```

            ```swift id=mover
            #sourceLocation(file: "Fixtures/mover.md@0", line: 1)
            let m: Int = "m"
            #sourceLocation()
            ```

            """
        let (_, report) = try Fixtures.check("mover", text: text)
        #expect(report.errors.map(\.location?.line) == [5])
        #expect(report.errors.first?.detail.contains("contains #sourceLocation") == true, "\(report.errors)")
    }

    /// Templates and fragments are left out before compiling, with a message that says what they are.
    @Test func templatesAndFragmentsAreLeftOutBeforeCompiling() throws {
        let text = """
            ```swift id=template
            func <#name#>() {}
            ```

            ```swift id=fragment
            } else {
            ```

            ```swift
            print("runs")
            ```

            ```output
            runs
            ```

            """
        let (_, report) = try Fixtures.check("fragments", text: text)
        #expect(report.passed == 1 && report.notRun.didNotCompile == 2)
        #expect(report.errors.map(\.location?.line) == [1, 5])
        #expect(report.errors[0].detail.contains("this snippet is a template"))
        #expect(
            report.errors[1].detail.contains("fragment") || report.errors[1].detail.contains("braces do not balance"),
            "\(report.errors[1])")
    }

    /// Cases an outside reviewer found passing when they must fail (review of stop 21): each is now an error
    /// at the snippet whose check could not hold.
    @Test func reviewedBypassesFail() throws {
        // A traps snippet whose program stopped earlier (the prefix's assert traps under optimize=none).
        let prefixStops = try Fixtures.check(
            "prefix-stops",
            text: """
                ```swift
                assert(1 > 2, "prefix assert")
                print("after")
                ```

                ```output
                after
                ```

                ```swift id=never traps optimize=none
                print("this never traps")
                ```

                """)
        #expect(prefixStops.1.errors.map(\.location?.line) == [10], "\(prefixStops.1.errors)")
        #expect(
            prefixStops.1.errors.first?.message.hasPrefix(
                "snippet 'never' did not run: its program stopped in snippet #1") == true)
        #expect(prefixStops.1.notRun.stopped == 1)

        // A fails snippet that is valid Swift but shadowed a name the generated runtime used.
        let runtime = try Fixtures.check(
            "runtime-stdout",
            text: """
                ```swift id=valid fails
                let stdout = 42
                ```

                """)
        #expect(runtime.1.errors.map(\.message) == ["snippet 'valid' is marked 'fails' but it compiles"])

        // fails="TEXT" matched in the source excerpt (the author's comment), not in the diagnostic.
        let excerpt = try Fixtures.check(
            "fails-excerpt",
            text: """
                ```swift id=typo fails="cannot assign to value"
                let limit = 3
                limt = 4 // cannot assign to value: 'limit' is a 'let' constant
                ```

                """)
        #expect(excerpt.1.errors.first?.message.contains("not with the expected error") == true, "\(excerpt.1.errors)")

        // Integers beyond 2^53 with tolerance=0.
        let integers = try Fixtures.check(
            "big-integers",
            text: """
                ```swift tolerance=0
                print(UInt64.max)
                ```

                ```output
                18446744073709551614
                ```

                """)
        #expect(integers.1.errors.map(\.kind) == [.output])

        // A top-level defer would print in the last snippet: left out, with the reason.
        let deferred = try Fixtures.check(
            "top-level-defer",
            text: """
                ```swift
                defer { print("cleanup") }
                print("work")
                ```

                ```swift
                print("next")
                ```

                ```output
                next
                ```

                """)
        #expect(deferred.1.errors.first?.detail.contains("a top-level defer runs when the whole program ends") == true)
        #expect(deferred.1.passed == 1)

        // An indented `// Output:` inside a function body is a comment, not an expectation.
        let indented = try Fixtures.check(
            "indented-output",
            text: """
                ```swift
                func example() {
                    // Output: goes here
                    print("x")
                }
                example()
                ```

                ```output
                x
                ```

                """)
        #expect(indented.1.errors.isEmpty, "\(indented.1.errors)")

        // `if let name` shorthand on a global a later snippet shadows unwraps the earlier one (it printed nothing).
        let shorthand = try Fixtures.check(
            "if-let-shorthand",
            text: """
                ```swift
                var name: String? = "Ada"
                if let name { print(name) }
                ```

                ```output
                Ada
                ```

                ```swift
                var name: String? = nil
                if let name { print(name) } else { print("none") }
                ```

                ```output
                none
                ```

                """)
        #expect(shorthand.1.errors.isEmpty, "\(shorthand.1.errors)")
    }

    /// Blame goes to the earliest error in chapter order, whatever order the compiler prints them in.
    @Test func culpritIsTheEarliestSnippetInChapterOrder() throws {
        let chapter = Extract.chapter(
            Parse.chapter(
                ChapterSource(
                    slug: "x", path: "x.md", title: "X", summary: "",
                    text: """
                        ```swift
                        let a = 1
                        ```

                        ```swift
                        let b = 2
                        ```

                        """))
        ).0
        let plan = Build.plan(chapter)[0]
        let output = """
            x.md:6:9: error: expected expression
            let b = 2
                    ^
            x.md:2:5: error: cannot convert value
            x.md:6:1: note: see here
            """
        let diagnostics = CompilerDiagnostics(output, path: "x.md")
        #expect(diagnostics.culprit(in: plan)?.index == 0)
        // A redeclaration is the later declaration's fault, whatever the compiler reports above it.
        let redeclared = CompilerDiagnostics(
            "x.md:2:5: error: ambiguous use of 'a'\nx.md:6:5: error: invalid redeclaration of 'a'",
            path: "x.md")
        #expect(redeclared.culprit(in: plan)?.index == 1)
        #expect(diagnostics.groups.count == 2 && diagnostics.groups[1].count == 2)
        #expect(
            CompilerDiagnostics(
                "(generated program):9:1: error: expected '}'\nx.md:6:1: note: to match this opening '{'",
                path: "x.md"
            ).culprit(in: plan)?.index == 1)
    }
}
