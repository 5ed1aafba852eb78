import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// `LiveModule` and the `Live` stage through a whole build: a live figure is compiled to WebAssembly and
/// checked against the native build, and every way a live snippet can lie or break fails the build at its place.
@Suite(.serialized) struct LiveModuleTests {
    /// A live chapter; `body` is the function's body after `var plot = …`, `show` the snippet's last line.
    static func chapter(_ body: String, show: String = "curves().show()", tolerance: String = "") -> String {
        """
        # Live

        ```swift live=curves\(tolerance)
        import Kexue

        /// - Parameters:
        ///   - kappa: κ (0.5...2, step 0.5)
        func curves(kappa: Float = 1) -> LivePlot {
            var plot = LivePlot(title: "Curves", x: "n", y: "y", yLimits: 0...20)
            var xs: [Float] = [], ys: [Float] = []
        \(body)
            plot.add("curve", xs: xs, ys: ys)
            return plot
        }
        \(show)
        ```

        ```figure Curves
        ```

        """
    }

    static let good = """
            for i in 1...8 { xs.append(Float(i)); ys.append(kappa * ScalarMath.log(Float(i)) + ScalarMath.exp(-Float(i))) }
        """

    @Test func aLiveFigureIsCheckedAgainstTheNativeBuildAndEveryLieFails() throws {
        let book = try ScratchChapters(
            "live",
            chapters: [
                "good": Self.chapter(Self.good),
                // The same function, different in WebAssembly: the check must catch the difference.
                "differs": Self.chapter(
                    """
                        for i in 1...8 {
                            xs.append(Float(i))
                            #if arch(wasm32)
                            ys.append(kappa * Float(i) * 1.001)
                            #else
                            ys.append(kappa * Float(i))
                            #endif
                        }
                    """),
                // The figure shown is not the function at its defaults.
                "shows-other": Self.chapter(Self.good, show: "curves(kappa: 2).show()"),
                "shows-nothing": Self.chapter(Self.good, show: "print(curves().series.count)"),
                // Foundation is not in Embedded Swift: a compile error, located in the chapter.
                "no-libm": Self.chapter(
                    "        for i in 1...8 { xs.append(Float(i)); ys.append(Float(i).squareRoot() + undefinedHelper(kappa)) }"
                ),
                // A function that never ends at one end of its range: the check stops it at the snippet's timeout.
                "endless": Self.chapter(
                    "        var k: Float = 1\n        while kappa > 1.5 { k += 1 }\n        for i in 1...8 { xs.append(Float(i)); ys.append(k) }",
                    tolerance: " timeout=3"),
                // A trap at one end of the range.
                "traps": Self.chapter(
                    "        for i in 1...8 { xs.append(Float(i)); ys.append(kappa) }\n        precondition(kappa < 2, \"too big\")"
                ),
            ])
        defer { book.remove() }
        _ = try book.build(fix: true, chapters: ["good"])
        let report = try book.build()
        func errors(_ slug: String) -> [BookError] { report.chapters.first { $0.slug == slug }?.errors ?? [] }
        #expect(errors("good").isEmpty, "\(errors("good").map(\.message))")
        let site = try book.read("site/good.html")
        #expect(site.contains("class=\"plot-figure live-figure\""))
        #expect(
            site.contains("<input type=\"range\" name=\"kappa\" min=\"0.5\" max=\"2.0\" step=\"0.5\" value=\"1.0\""))
        #expect(site.contains("<script type=\"application/wasm;base64\" class=\"live-module\">AGFzbQ"))

        let cases: [(String, String, Int)] = [
            ("differs", "computes differently in WebAssembly than natively at kappa = ", 3),
            ("shows-other", "is not curves() at its defaults", 3),
            ("shows-nothing", "the snippet shows no figure", 3),
            ("no-libm", "does not compile for WebAssembly", 11),
            ("traps", "did not print its", 3),
            ("endless", "ran out of time", 3),
        ]
        for (slug, fragment, line) in cases {
            let found = errors(slug).filter { $0.message.contains("live figure") }
            #expect(found.count == 1, "\(slug): \(errors(slug).map(\.message))")
            #expect(found.first?.message.contains(fragment) == true, "\(slug): \(found.first?.message ?? "none")")
            #expect(found.first?.location?.line == line, "\(slug): at \(found.first?.location?.description ?? "-")")
        }
        #expect(errors("no-libm").first { $0.message.contains("live figure") }?.location?.column == 81)
    }

    @Test func theCacheIsReusedAndADamagedEntryIsBuiltAgain() throws {
        // A comment unique to this run makes a cache entry of its own, so the test knows which entry is its.
        let unique = Self.good + " // run \(UUID().uuidString)"
        let book = try ScratchChapters("live-cache", chapters: ["good": Self.chapter(unique)])
        defer { book.remove() }
        let cache = Fixtures.packageRoot.appendingPathComponent(".build/book/live")
        func entries() -> Set<String> {
            Set((try? FileManager.default.contentsOfDirectory(atPath: cache.path)) ?? []).filter {
                !$0.hasPrefix("tmp-")
            }
        }
        let before = entries()
        #expect(try book.build(fix: true).errors.isEmpty)
        let mine = entries().subtracting(before)
        #expect(mine.count == 1, "one new entry: \(mine)")
        let started = Date()
        #expect(try book.build().errors.isEmpty)
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(entries().subtracting(before) == mine, "a warm build adds no entry")
        // Damage the entry's native values: the next build must build it again, not trust it.
        for entry in mine {
            try Data("{".utf8).write(to: cache.appendingPathComponent("\(entry)/native.json"))
        }
        #expect(try book.build().errors.isEmpty)
        for entry in mine {
            let json = try Data(contentsOf: cache.appendingPathComponent("\(entry)/native.json"))
            #expect((try? JSONDecoder().decode([LiveCheckPoint].self, from: json)) != nil, "\(entry) was rebuilt")
            try? FileManager.default.removeItem(at: cache.appendingPathComponent(entry))
        }
        #expect(entries().allSatisfy { !$0.hasPrefix("tmp-") })
    }
}
