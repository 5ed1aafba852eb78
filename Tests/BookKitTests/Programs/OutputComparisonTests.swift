import BookTestSupport
import Testing

@testable import BookKit

@Suite struct OutputComparisonTests {
    func matches(_ a: String, _ b: String, tolerance: Double = OutputComparison.defaultTolerance) -> Bool {
        OutputComparison.compare(expected: a, actual: b, tolerance: tolerance) == nil
    }

    @Test func numbersWithinTolerance() {
        #expect(matches("loss 0.523100", "loss 0.523101"))
        #expect(!matches("loss 0.5231", "loss 0.5232"), "a change in the fourth significant digit fails")
        #expect(!matches("9.999", "9.998"))
        #expect(matches("9.999", "9.998", tolerance: 1e-3))
        #expect(matches("1.0", "1"))
        #expect(matches("-0.0", "0.0"))
        #expect(matches("1e-30", "1.000001e-30"))
        #expect(!matches("1e-30", "0"), "purely relative: tiny is not zero")
        #expect(matches("nan", "nan"))
        #expect(matches("NaN", "nan"))
        #expect(!matches("nan", "0"))
        #expect(matches("inf -inf", "inf -inf"))
        #expect(!matches("inf", "-inf"))
        #expect(!matches("inf", "1e308"))
        #expect(matches("[1.5, -2.25e+03]", "[1.5000001, -2250.0]"))
    }

    @Test func textIsExact() {
        #expect(!matches("score 1", "Score 1"))
        #expect(matches("a  \n", "a"), "trailing spaces and blank lines are ignored")
        #expect(!matches(" a", "a"), "leading spaces are not")
        #expect(!matches("layer12", "layer13"), "digits inside identifiers are text")
        #expect(!matches("a\nb", "a"))
    }

    @Test func reportNamesTheLinesAndTheTolerance() throws {
        let mismatch = try #require(OutputComparison.compare(expected: "a 1\nb 2\nc 3", actual: "a 1\nb 2.5\nc 3"))
        #expect(mismatch.differingLines == 1)
        #expect(
            mismatch.report == """
                line 2: 2 vs 2.5 differ by 0.2 relative (tolerance 1e-05)
                  expected: b 2
                  actual:   b 2.5
                """)
    }

    @Test func thousandsOfLines() throws {
        let expected = (0..<5000).map { "row \($0) \(Double($0) / 7)" }.joined(separator: "\n")
        var actualRows = (0..<5000).map { "row \($0) \(Double($0) / 7)" }
        #expect(matches(expected, actualRows.joined(separator: "\n")))
        for k in stride(from: 100, to: 5000, by: 700) { actualRows[k] = "row \(k) 0.5" }
        let mismatch = try #require(
            OutputComparison.compare(expected: expected, actual: actualRows.joined(separator: "\n")))
        #expect(mismatch.differingLines == 7)
        #expect(mismatch.report.hasSuffix("... and 2 more differing lines"))
    }
}
