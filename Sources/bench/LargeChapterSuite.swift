// `swift run -c release bench build --large`: the chapter stages on generated chapters of 256 KB to 4 MB,
// in process, so that time per MB can be read off: flat means linear. Issue 13 found math restoration and
// the `$` scanner quadratic (1 MB: 39 s; 5 MB: more than 11 minutes).

import BookKit
import Foundation

struct LargeChapterSuite {
    var rounds = 3
    var sizes = [256 << 10, 512 << 10, 1 << 20, 2 << 20, 4 << 20]

    struct Row {
        var bytes: Int
        var parse: Double
        var extract: Double
        var render: Double
        var total: Double { parse + extract + render }
        var perMB: Double { total / (Double(bytes) / Double(1 << 20)) }
    }

    func run(json: Bool) {
        var rows: [Row] = []
        // A warm-up round, not reported: cmark's extension registry and first allocations are no per-MB cost.
        _ = measure(Self.chapter(bytes: sizes[0]))
        for size in sizes {
            let text = Self.chapter(bytes: size)
            let samples = (0..<rounds).map { _ in measure(text) }
            rows.append(samples.sorted { $0.total < $1.total }[samples.count / 2])
        }
        for row in rows {
            let name = row.bytes >= 1 << 20 ? "\(row.bytes >> 20) MB" : "\(row.bytes >> 10) KB"
            if json {
                print(
                    "{\"suite\":\"build-large\",\"case\":\"\(name)\",\"seconds\":\(String(format: "%.3f", row.total)),"
                        + "\"parse\":\(String(format: "%.3f", row.parse)),\"extract\":\(String(format: "%.3f", row.extract)),"
                        + "\"render\":\(String(format: "%.3f", row.render)),\"secondsPerMB\":\(String(format: "%.3f", row.perMB))}"
                )
            } else {
                print(
                    name.padding(toLength: 8, withPad: " ", startingAt: 0)
                        + String(
                            format: "parse %6.3f s  extract %6.3f s  render %6.3f s  total %6.3f s  %6.3f s/MB",
                            row.parse, row.extract, row.render, row.total, row.perMB))
            }
        }
        if !json, let first = rows.first, let last = rows.last {
            print(
                String(
                    format: "time per MB, %@ vs %@: %.2fx (1.00x is linear)", "4 MB", "256 KB", last.perMB / first.perMB
                ))
        }
    }

    /// One round: parse (cmark, math protection, the HTML checks), extract, render (restore, splice, template).
    private func measure(_ text: String) -> Row {
        let source = ChapterSource(
            slug: "large", path: "chapters/large.md", title: "Large", summary: "Generated.", text: text)
        var start = Date()
        let parsed = Parse.chapter(source)
        let parse = Date().timeIntervalSince(start)
        start = Date()
        let (chapter, _) = Extract.chapter(parsed)
        let extract = Date().timeIntervalSince(start)
        start = Date()
        let page = Render.previewPage(parsed, chapter: chapter, stamp: .init(commit: "bench", swiftVersion: "bench"))
        let render = Date().timeIntervalSince(start)
        precondition(!page.contains("KXMATH"), "every math span is restored")
        return Row(bytes: text.utf8.count, parse: parse, extract: extract, render: render)
    }

    /// A chapter of about `bytes` bytes: sections of prose with inline math (`$...$`, prices in dollars that
    /// are not math), display equations with labels and references, code spans, links, a snippet, and one
    /// long paragraph of unmatched `$` per section.
    static func chapter(bytes: Int) -> String {
        var text = "# Large\n\n"
        var section = 0
        while text.utf8.count < bytes {
            section += 1
            text += "## Section \(section)\n\n"
            for p in 0..<20 {
                text +=
                    "Paragraph \(p): the score $s_{\(p)} = q^\\top k$ grows with $n$, the softmax $p_i = e^{s_i}/Z$ "
                    + "stays below one, it costs $5 and $10, `let x = $0` is code, and [the section](#section-\(section)) links back.\n\n"
            }
            text +=
                "$$\n\\sum_{i=1}^{n} p_i = 1 \\label{eq:s\(section)}\n$$\n\nBy \\eqref{eq:s\(section)}, the shares add up.\n\n"
            text += String(repeating: "costs $5 each; ", count: 200) + "done.\n\n"
            text += "```swift id=s\(section)\nprint(\(section))\n```\n\n"
        }
        return text
    }
}
