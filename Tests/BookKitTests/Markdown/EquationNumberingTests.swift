import BookTestSupport
import Testing

@testable import BookKit

@Suite struct EquationNumberingTests {
    func spans(_ text: String) -> [MathProtection.Span] { MathProtection(text, codeLines: []).spans }

    @Test func numbersDisplayEquationsAndResolvesLabels() {
        let text = """
            Inline $x$ is not numbered.

            $$a = 1 \\label{eq:a}$$

            \\begin{equation*} b = 2 \\end{equation*}

            \\begin{align} c &= 3 \\\\ d &= 4 \\label{eq:cd} \\end{align}

            $$e = 5 \\nonumber$$

            \\[ f = \\eqref{eq:cd} + \\eqref{eq:a} \\]
            """
        let numbering = EquationNumbering(spans: spans(text), path: "chapters/t.md")
        #expect(numbering.errors.isEmpty)
        #expect(numbering.equations.map(\.number) == [nil, 1, nil, 2, nil, 3])
        #expect(numbering.labels["eq:a"]?.number == 1)
        #expect(numbering.labels["eq:cd"]?.anchor == "eq-cd")
        #expect(numbering.equations[1].tex == "a = 1 ")
        #expect(numbering.equations[2].tex == " b = 2 ")
        #expect(numbering.equations[3].tex == "\\begin{align*} c &= 3 \\\\ d &= 4  \\end{align*}")
        #expect(numbering.equations[5].tex == " f = \\href{#eq-cd}{(2)} + \\href{#eq-a}{(1)} ")
        #expect(numbering.equations[5].anchor == "equation-3")
    }

    @Test func duplicateAndUnknownLabelsAreLocated() {
        let text = "$$a \\label{x}$$\n\n$$b \\label{x}$$\n\n$$c = \\eqref{y}$$\n"
        let numbering = EquationNumbering(spans: spans(text), path: "chapters/t.md")
        #expect(
            numbering.errors.map { $0.description.split(separator: "\n")[0] } == [
                "chapters/t.md:3:1: error: label 'x' is defined twice",
                "chapters/t.md:5:1: error: \\eqref{y} names no equation",
            ])
    }

    @Test func proseReferencesSkipCode() {
        let text = "See \\eqref{a}.\n```\n\\eqref{b}\n```\nAnd \\eqref{c} `\\eqref{x}` \\eqref{d}.\n"
        let protection = MathProtection(text, codeLines: [2, 3, 4])
        #expect(protection.references.map(\.name) == ["a", "c", "d"])
        #expect(protection.references.map(\.line) == [1, 5, 5])
    }
}
