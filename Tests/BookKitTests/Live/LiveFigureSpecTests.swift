import Testing

@testable import BookKit

/// `LiveFigureSpec`: what a `live=` snippet declares, and the located errors for what it must not.
@Suite struct LiveFigureSpecTests {
    static let good = """
        import Kexue

        /// Curves.
        ///
        /// - Parameters:
        ///   - kappa: κ, the scale (0.25...4, step 0.25)
        ///   - d: head size d (16...256, step 16)
        func curves(kappa: Float = 1, _ d: Float = 64) -> LivePlot {
            var plot = LivePlot(title: "t", x: "n", y: "e")
            plot.add("a", xs: [1, 2], ys: [kappa, d])
            return plot
        }
        struct Helper { var x: Float; static var zero: Helper { Helper(x: 0) } }
        curves().show()

        """

    static func snippet(_ code: String, live: String = "curves") -> Snippet {
        var info = SnippetInfo()
        info.live = live
        info.livePosition = SourcePosition(file: "chapters/x.md", line: 10, column: 11)
        return Snippet(
            index: 0, info: info, code: code, fence: SourcePosition(file: "chapters/x.md", line: 10, column: 1),
            endLine: 10 + code.split(separator: "\n", omittingEmptySubsequences: false).count)
    }

    func error(_ code: String, live: String = "curves") -> BookError? {
        do {
            _ = try LiveFigureSpec.parse(Self.snippet(code, live: live), file: "chapters/x.md")
            return nil
        } catch { return error }
    }

    @Test func controlsComeFromTheSignatureAndTheDocComment() throws {
        let spec = try LiveFigureSpec.parse(Self.snippet(Self.good), file: "chapters/x.md")
        #expect(
            spec.controls == [
                LiveControl(
                    name: "kappa", argumentLabel: "kappa", label: "κ, the scale", lower: 0.25, upper: 4, step: 0.25,
                    value: 1),
                LiveControl(
                    name: "d", argumentLabel: nil, label: "head size d", lower: 16, upper: 256, step: 16, value: 64),
            ])
        #expect(spec.call == "curves(kappa: p[0], p[1])")
        // The import and the top-level call are blanked line for line: the compiler's lines stay the snippet's.
        let lines = spec.declarations.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == Self.good.split(separator: "\n", omittingEmptySubsequences: false).count)
        #expect(lines[0].isEmpty && lines[14].isEmpty && lines[7].hasPrefix("func curves"))
        #expect(LiveModule.checkPoints(spec) == [[1, 64], [0.25, 64], [4, 64], [1, 16], [1, 256]])
    }

    @Test func eachMistakeIsReportedAtItsPlace() {
        // (code change, message fragment, chapter line, column); the snippet's code starts on line 11.
        let cases: [(String, String, Int, Int)] = [
            (Self.good.replacingOccurrences(of: "func curves", with: "func other"), "names no function", 10, 11),
            (Self.good.replacingOccurrences(of: "-> LivePlot {", with: "-> Figure {"), "returns Figure", 18, 51),
            (Self.good.replacingOccurrences(of: "kappa: Float = 1", with: "kappa: Double = 1"), "not Float", 18, 20),
            (
                Self.good.replacingOccurrences(of: "kappa: Float = 1", with: "kappa: Float = one"), "no number literal",
                18, 28
            ),
            (
                Self.good.replacingOccurrences(of: "kappa: Float = 1", with: "kappa: Float = 9"), "outside its range",
                18, 28
            ),
            (
                Self.good.replacingOccurrences(of: "///   - kappa: κ, the scale (0.25...4, step 0.25)\n", with: ""),
                "not documented", 17, 13
            ),
            (
                Self.good.replacingOccurrences(of: "(0.25...4, step 0.25)", with: "(4...0.25, step 0.25)"),
                "is not LOW...HIGH", 16, 7
            ),
            (
                Self.good.replacingOccurrences(of: "struct Helper", with: "var counter = 0\nstruct Helper"),
                "global variable", 23, 1
            ),
            (
                Self.good.replacingOccurrences(
                    of: "static var zero: Helper { Helper(x: 0) }", with: "static let zero = 0"), "static stored", 23,
                31
            ),
        ]
        for (code, fragment, line, column) in cases {
            let found = error(code)
            #expect(found?.message.contains(fragment) == true, "\(fragment): \(found?.message ?? "no error")")
            #expect(
                found?.location?.line == line && found?.location?.column == column,
                "\(fragment): at \(found?.location?.description ?? "nowhere"), expected \(line):\(column) \(code.split(separator: "\n", omittingEmptySubsequences: false)[(found?.location?.line ?? 11) - 11])"
            )
            #expect(found?.hint != nil, "\(fragment) has a hint")
        }
    }

    @Test func theInfoStringTakesLiveOnlyOnAShownSnippet() throws {
        let at = SourcePosition(file: "chapters/x.md", line: 3, column: 4)
        #expect(try InfoString.parse("swift live=curves id=c", at: at).live == "curves")
        for (info, fragment) in [
            ("swift hidden live=curves", "cannot be in a 'hidden' snippet"),
            ("swift live=2curves", "not a function name"), ("swift live=", "not a function name"),
        ] {
            #expect(throws: BookError.self, "\(info)") { try InfoString.parse(info, at: at) }
            do { _ = try InfoString.parse(info, at: at) } catch {
                #expect(error.message.contains(fragment), "\(info): \(error.message)")
            }
        }
    }
}
