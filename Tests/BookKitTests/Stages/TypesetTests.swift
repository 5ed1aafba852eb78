import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// Stage 6½, Typeset: numbers the display equations, resolves `\eqref`, and puts each formula's HTML in its
/// place; a formula the renderer refuses and a reference to no equation are located chapter errors. Run
/// here with stand-in renderers (KaTeX itself: `FixtureTests.everyModePasses`, `PageSafetyTests`).
@Suite struct TypesetTests {
    static let text = """
        # T

        Inline $a<b$ and

        $$x \\label{eq:x}$$

        See \\eqref{eq:x} and \\eqref{eq:nope}.

        $$\\bad$$
        """

    private func typeset(_ math: MathRenderer) throws -> CheckedChapter {
        let (parsed, chapter, _) = TestChapter.extract(Self.text)
        return try Typeset.chapters(
            [CheckedChapter(parsed: parsed, chapter: chapter, outcomes: [:], errors: [])], math: math)[0]
    }

    @Test func formulasAreNumberedRenderedAndLocated() throws {
        let sent = Locked([KaTeX.Formula]())
        let refusing = MathRenderer { formulas in
            sent.update { $0 += formulas }
            return formulas.map {
                $0.tex.contains("\\bad")
                    ? .failure(.init(message: "Undefined control sequence")) : .success("[\($0.tex)]")
            }
        }
        let checked = try typeset(refusing)
        // Each formula once, without its delimiters; display equations numbered in order, a label replaced by
        // the number.
        #expect(
            sent.value == [
                KaTeX.Formula(tex: "a<b", display: false), KaTeX.Formula(tex: "x ", display: true),
                KaTeX.Formula(tex: "\\bad", display: true),
            ])
        #expect(
            checked.math?.html == [
                "[a<b]",
                "<span class=\"equation numbered\" id=\"eq-x\"><span class=\"equation-body\">[x ]</span>"
                    + "<span class=\"equation-number\">(1)</span></span>",
                "<span class=\"math-error\">$$\\bad$$</span>",
            ])
        #expect(checked.math?.labels["eq:x"]?.number == 1)
        #expect(
            checked.errors.map { String($0.description.split(separator: "\n")[0]) } == [
                "chapters/t.md:7:1: error: \\eqref{eq:nope} names no equation",
                "chapters/t.md:9:1: error: KaTeX cannot render this formula: Undefined control sequence",
            ])
    }

    /// The readable stand-in of the page goldens: escaped TeX in a `math` span, never an error.
    @Test func theReadableRendererShowsTheTeX() throws {
        let checked = try typeset(.readable)
        #expect(checked.math?.html.first == "<span class=\"math\">a&lt;b</span>")
        #expect(
            checked.math?.html[2]
                == "<span class=\"equation numbered\" id=\"equation-2\"><span class=\"equation-body\">"
                + "<span class=\"math display\">\\bad</span></span><span class=\"equation-number\">(2)</span></span>"
        )
        #expect(checked.errors.count == 1, "only the missing label")
    }
}
