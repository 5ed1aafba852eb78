import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// REPL semantics: a later snippet may redeclare a file-scope name of an earlier one. The chapters here
/// are compiled and run; without shadowing each fails with "invalid redeclaration".
@Suite struct ShadowingTests {
    /// A chapter from snippets, each with its expected output (nil: no output block).
    private func chapter(_ snippets: [(code: String, output: String?)]) -> String {
        "# Shadowing\n\n"
            + snippets.map { snippet in
                "```swift\n\(snippet.code)\n```\n" + (snippet.output.map { "\n```output\n\($0)\n```\n" } ?? "")
            }.joined(separator: "\n")
    }

    private func expectPasses(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let (_, report) = try Fixtures.check("shadowing-test", text: text)
        #expect(
            report.errors.isEmpty, "\(report.errors.map(\.description).joined(separator: "\n"))",
            sourceLocation: sourceLocation)
        #expect(report.checked == report.passed, sourceLocation: sourceLocation)
    }

    private func plan(_ codes: [String]) -> ProgramPlan {
        let snippets = codes.enumerated().map { index, code in
            Snippet(
                index: index, info: SnippetInfo(), code: code,
                fence: SourcePosition(file: "c.md", line: 1 + 10 * index),
                endLine: 10 * index + 5, expected: nil)
        }
        return ProgramPlan(purpose: .main, snippets: snippets, path: "c.md")
    }

    // MARK: The rewrite

    @Test func earlierDeclarationsAreRenamedInPlaceAndTheNewestKeepsItsName() {
        let shadowing = Shadowing(codes: [
            "let x = 1\nprint(x, \"x\", \"\\(x)\")\n",
            "func show() { print(x) }\n",
            "let x = x + 1\nprint(x)\n",
        ])
        #expect(shadowing.codes[0] == "let x__book_0 = 1\nprint(x__book_0, \"x\", \"\\(x__book_0)\")\n")
        #expect(shadowing.codes[1] == "func show() { print(x__book_0) }\n")
        // Top-level code before the end of the new declaration sees the earlier variable.
        #expect(shadowing.codes[2] == "let x = x__book_0 + 1\nprint(x)\n")
        #expect(shadowing.restoringNames(in: "'x__book_0' is a let") == "'x' is a let")
        // Columns after an edit map back; a column inside a generated name maps to its start.
        #expect(shadowing.originalColumn(snippet: 0, line: 2, column: 17) == 9)
        #expect(shadowing.originalColumn(snippet: 0, line: 2, column: 10) == 7)
        #expect(shadowing.originalColumn(snippet: 2, line: 2, column: 3) == 3)
    }

    /// Compiler and runtime text of a shadowed program reads as the author's code.
    @Test func locationsNamesAndExcerptsAreTheAuthors() {
        let plan = plan(["let x = 1\nlet y: String = x\n", "let x = 2\n"])
        #expect(plan.sources.main.contains("let y: String = x__book_0\n"))
        let compiler = """
            c.md@0:2:17: error: cannot convert value of type 'Int' to specified type 'String'
            let y: String = x__book_0
                            ^~~~~~~~~
            """
        #expect(
            plan.chapterLocations(in: compiler) == """
                c.md:3:17: error: cannot convert value of type 'Int' to specified type 'String'
                let y: String = x
                                ^~~~~~~~~
                """)
        #expect(
            plan.chapterLocations(in: "Fatal error at c.md@0:2 in x__book_0.getter")
                == "Fatal error at c.md:3 in x.getter")
        let typed = self.plan(["struct P {}\nlet p: P = 1\n", "struct P {}\n"])
        #expect(
            typed.chapterLocations(
                in: "c.md@0:2:8: error: cannot convert value of type 'Int' to specified type '__book_s0.P'")
                == "c.md:3:8: error: cannot convert value of type 'Int' to specified type 'P' (snippet #1's)")
        #expect(
            typed.chapterLocations(in: "c.md@1:1:1: error: 'Array<__book_s0.P>' is not '[__book_s0.P]'")
                == "c.md:12:1: error: 'Array<P>' is not '[P]'")
        // The column after the inserted namespace maps back onto the author's line.
        #expect(typed.chapterLocations(in: "c.md@0:2:22: error: e") == "c.md:3:12: error: e")
    }

    @Test func sourceIsDeterministicAndKeepsItsLines() {
        let codes = [
            "struct P { var a: Int }\nlet p = P(a: 1)\n", "extension P { var b: Int { a } }\n", "struct P {}\n",
        ]
        let first = plan(codes).sources.main, second = plan(codes).sources.main
        #expect(first == second)
        #expect(
            first.split(separator: "\n", omittingEmptySubsequences: false).count
                == plan(codes.map { $0.replacingOccurrences(of: "P", with: "Q") }).sources.main
                .split(separator: "\n", omittingEmptySubsequences: false).count)
        #expect(first.contains("enum __book_s0 { struct P { var a: Int } }\nlet p = __book_s0.P(a: 1)\n"))
        #expect(first.contains("extension __book_s0.P { var b: Int { a } }\n"))
    }

    @Test func localsMembersAndLabelsAreNeverRenamed() {
        let shadowing = Shadowing(codes: [
            """
            let rate = 2
            func scaled(_ rate: Int) -> Int { rate * 10 }
            let tripled = [1].map { rate in rate * 3 }
            struct S { var rate = 1; func r() -> Int { rate } }
            if let rate = Optional(rate) { print(rate) }
            print(S().rate, f(rate: rate), "rate")
            extension Array { var rated: Int { rate } }
            extension S { var doubled: Int { rate * 2 } }

            """,
            "let rate = 5\n",
        ])
        #expect(
            shadowing.codes[0] == """
                let rate__book_0 = 2
                func scaled(_ rate: Int) -> Int { rate * 10 }
                let tripled = [1].map { rate in rate * 3 }
                struct S { var rate = 1; func r() -> Int { rate } }
                if let rate = Optional(rate__book_0) { print(rate) }
                print(S().rate, f(rate: rate__book_0), "rate")
                extension Array { var rated: Int { rate } }
                extension S { var doubled: Int { rate * 2 } }

                """)
    }

    @Test func capturesAndBacktickedNamesAreRenamed() {
        let shadowing = Shadowing(codes: [
            "var rate = 2\nlet read = { [rate] in rate }\nlet `default` = 1\nprint(`default`, read())\n",
            "let rate = 5\nlet `default` = 2\n",
        ])
        #expect(
            shadowing.codes[0]
                == "var rate__book_0 = 2\nlet read = { [rate = rate__book_0] in rate }\nlet default__book_0 = 1\nprint(default__book_0, read())\n"
        )
    }

    @Test func overloadsByLabelOrTypeAreNotRedeclarations() {
        let shadowing = Shadowing(codes: [
            "func norm(_ v: [Double]) -> Double { 0 }\nfunc scale(by k: Int) {}\nfunc f(_ a: Int) {}\n",
            "func norm(_ v: [Float]) -> Float { 0 }\nfunc scale(times k: Int) {}\nfunc f(_ b: Int) {}\n",
        ])
        // Only `f` (same labels, same types) is redeclared.
        #expect(shadowing.generatedNames.map(\.generated) == ["f__book_0"])
    }

    /// The book's chapters compile, so none redeclares anything: their programs' source is unchanged (and
    /// so are the program cache's keys).
    @Test func bookChaptersAreNotRewritten() throws {
        let book = try Load.book(root: Fixtures.packageRoot)
        var programs = 0
        for source in book.chapters {
            let (chapter, _) = Extract.chapter(Parse.chapter(source))
            for plan in Build.plan(chapter) {
                programs += 1
                let shadowing = plan.shadowing
                #expect(
                    shadowing.generatedNames.isEmpty && shadowing.codes == plan.snippets.map(\.code),
                    "\(source.path): \(shadowing.generatedNames.map(\.generated))")
            }
        }
        #expect(programs > 10)
    }

    // MARK: Compiled and run

    @Test func everyKindOfTypeCanBeRedeclared() throws {
        try expectPasses(
            chapter([
                (
                    """
                    protocol Shape { func area() -> Double }
                    enum Kind { case small, large }
                    final class Box: Shape { let side: Double; init(side: Double) { self.side = side }; func area() -> Double { side * side } }
                    typealias Size = Double
                    private struct Hidden { var n = 1 }
                    actor Counter { var count = 0 }
                    let box = Box(side: 2)
                    let kind = Kind.large
                    let size: Size = 1.5
                    let shape: any Shape = box
                    print(shape.area(), kind, size, Hidden().n, Counter.self)
                    """, "4.0 large 1.5 1 Counter"
                ),
                (
                    """
                    protocol Shape { var name: String { get } }
                    enum Kind { case tiny }
                    class Box {}
                    typealias Size = Int
                    private struct Hidden { var m = 2 }
                    actor Counter {}
                    print(box.area(), kind, Kind.tiny, size, Hidden().m, Size.self)
                    """, "4.0 large tiny 1.5 2 Int"
                ),
            ]))
    }

    @Test func redeclaredLetKeepsEarlierOutputAndLaterSeesTheNew() throws {
        try expectPasses(
            chapter([
                ("let x = 1\nfunc show() { print(\"x is \\(x)\") }\nshow()", "x is 1"),
                ("let total = 10\nprint(x + total)", "11"),
                ("let x = \"two\"\nprint(x)\nshow()", "two\nx is 1"),
                ("let total = total * 2\nprint(total, x)", "20 two"),
            ]))
    }

    @Test func sameLabelsShadowAFunctionOtherLabelsOverloadIt() throws {
        try expectPasses(
            chapter([
                (
                    "func greet(_ name: String) -> String { \"Hello, \\(name)\" }\nfunc area(width: Double) -> Double { width * width }\nlet greeter = greet\nprint(greet(\"A\"))",
                    "Hello, A"
                ),
                (
                    "func greet(_ name: String) -> String { \"Hi, \\(name)\" }\nfunc area(width: Double, height: Double) -> Double { width * height }\nprint(greeter(\"B\"), greet(\"C\"), area(width: 2), area(width: 2, height: 3))",
                    "Hello, B Hi, C 4.0 6.0"
                ),
            ]))
    }

    @Test func redeclaredStructPrintsAsBefore() throws {
        try expectPasses(
            chapter([
                ("struct Point { var x: Int; var y: Int }\nlet p = Point(x: 1, y: 2)\nprint(p)", "Point(x: 1, y: 2)"),
                (
                    "extension Point { var sum: Int { x + y } }\nlet points: [Point] = [p]\nprint(p.sum, \"\\(p)\", points, type(of: p), String(describing: Point.self))",
                    "3 Point(x: 1, y: 2) [Chapter.Point(x: 1, y: 2)] Point Point"
                ),
                (
                    "struct Point { var x: Double }\nlet q = Point(x: 0.5)\nprint(q, p, p.sum)",
                    "Point(x: 0.5) Point(x: 1, y: 2) 3"
                ),
            ]))
    }

    @Test func parameterNamedLikeTheShadowedGlobalIsLeftAlone() throws {
        try expectPasses(
            chapter([
                (
                    "let rate = 2\nfunc scaled(_ rate: Int) -> Int { rate * 10 }\nlet tripled = [1, 2].map { rate in rate * 3 }\nprint(scaled(7), tripled, \"rate=\\(rate)\")",
                    "70 [3, 6] rate=2"
                ),
                ("let rate = 5\nprint(scaled(rate), rate)", "50 5"),
            ]))
    }

    /// A compile error on a line that shadowing edited: the author's names, line, column and source line.
    @Test func diagnosticOnARenamedLineShowsTheAuthorsCode() throws {
        let text = chapter([
            (
                "struct Point { var x: Int }\nlet count = 3\nprint(count, count.nonexistent)\nlet bad: Point = count",
                nil
            ),
            ("let count = 4\nstruct Point {}\nprint(count)", "4"),
        ])
        let (_, report) = try Fixtures.check("shadowing-test", text: text)
        let message = report.errors.map(\.description).joined(separator: "\n")
        #expect(!message.contains("__book"), "\(message)")
        // Line 3 of the first snippet is chapter line 6 (the fence is on line 3).
        #expect(
            message.contains("Fixtures/shadowing-test.md:6:19: error: value of type 'Int' has no member 'nonexistent'")
                || message.contains(
                    "Fixtures/shadowing-test.md:6:20: error: value of type 'Int' has no member 'nonexistent'"),
            "\(message)")
        #expect(message.contains("print(count, count.nonexistent)\n"), "\(message)")
        #expect(
            message.contains(
                "Fixtures/shadowing-test.md:7:18: error: cannot convert value of type 'Int' to specified type 'Point'"),
            "\(message)")
    }

    /// A trap inside a renamed function: the trap report and the `fails` diagnostic use the author's names.
    @Test func trapAndFailsDiagnosticShowTheAuthorsNames() throws {
        let text = """
            # Trap

            ```swift
            func check(_ n: Int) -> Int { precondition(n > 0, "n must be positive"); return n }
            let checker = check
            ```

            ```swift
            func check(_ n: Int) -> Int { n }
            print(check(-1))
            ```

            ```output
            -1
            ```

            ```swift traps
            print(checker(-2))
            ```

            ```swift fails
            let wrong: String = checker
            ```

            """
        let (checked, report) = try Fixtures.check("shadowing-test", text: text)
        #expect(report.errors.isEmpty, "\(report.errors.map(\.description).joined(separator: "\n"))")
        let trap = checked.outcomes[2]?.trap ?? ""
        // Optimised programs drop the precondition's message; the location is the author's line and column.
        #expect(trap.contains("Fixtures/shadowing-test.md:4:31") && !trap.contains("__book"), "\(trap)")
        let diagnostics = checked.outcomes[3]?.diagnostics ?? ""
        #expect(
            diagnostics.contains(
                "Fixtures/shadowing-test.md:22:21: error: cannot convert value of type '(Int) -> Int' to specified type 'String'"
            ) && !diagnostics.contains("__book"), "\(diagnostics)")
    }

    /// The fixture chapter: a let, a function and a type shadowed, as a reader sees them.
    @Test func fixtureChapterPasses() throws {
        let (checked, report) = try Fixtures.check("shadowing")
        #expect(report.errors.isEmpty, "\(report.errors.map(\.description).joined(separator: "\n"))")
        #expect(report.checked == 3 && report.passed == 3)
        Fixtures.expectGolden(ChapterPage.chapterBody(checked).0, "shadowing.html")
    }
}
