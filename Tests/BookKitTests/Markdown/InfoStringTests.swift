import BookTestSupport
import Testing

@testable import BookKit

@Suite struct InfoStringTests {
    let here = SourcePosition(file: "chapters/x.md", line: 7, column: 4)

    @Test(arguments: [
        ("swift", SnippetMode.normal), ("swift setup", .setup), ("swift silent", .silent), ("swift hidden", .hidden),
        ("swift compile-only", .compileOnly), ("swift fails", .fails), ("swift traps", .traps),
    ])
    func modes(_ info: String, _ mode: SnippetMode) throws {
        #expect(try InfoString.parse(info, at: here).mode == mode)
    }

    @Test func resetAndKeys() throws {
        let info = try InfoString.parse("swift reset hidden id=scores tolerance=1e-3 timeout=30", at: here)
        #expect(info.reset)
        #expect(info.mode == .hidden)
        #expect(info.id == "scores")
        #expect(info.tolerance == 1e-3)
        #expect(info.timeout == 30)
        #expect(try InfoString.parse("swift   reset", at: here).mode == .normal)
        #expect(try InfoString.parse("swift tolerance=measured", at: here).tolerance == .infinity)
    }

    @Test func recognisesBlocks() {
        #expect(InfoString.isSnippet("swift"))
        #expect(InfoString.isSnippet("swift setup"))
        #expect(!InfoString.isSnippet("swiftly"))
        #expect(InfoString.isOutput("output"))
        #expect(!InfoString.isOutput("outputs"))
    }

    /// Errors point at the offending word: the info string starts at column 4, so `silnet` (offset 6) is
    /// at column 10.
    @Test(arguments: [
        ("swift silnet", "chapters/x.md:7:10: error: unknown snippet mode 'silnet'"),
        ("swift setup hidden", "chapters/x.md:7:16: error: snippet has two modes, 'setup' and 'hidden'"),
        ("swift color=red", "chapters/x.md:7:10: error: unknown snippet key 'color'"),
        ("swift id=a.b", "chapters/x.md:7:10: error: snippet id 'a.b' is not a name"),
        ("swift tolerance=x", "chapters/x.md:7:10: error: tolerance 'x' is not a non-negative number"),
        ("swift timeout=0", "chapters/x.md:7:10: error: timeout '0' is not a positive number of seconds"),
    ])
    func errorsAreLocated(_ info: String, _ message: String) {
        do {
            _ = try InfoString.parse(info, at: here)
            Issue.record("expected an error for \(info)")
        } catch {
            #expect(error.description.split(separator: "\n").first.map(String.init) == message)
            #expect(error.hint != nil)
            #expect(error.kind == .chapterFormat)
        }
    }
}
