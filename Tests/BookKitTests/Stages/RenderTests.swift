import BookTestSupport
import Foundation
import Testing

@testable import BookKit

@Suite struct RenderTests {
    func render(_ text: String, outcomes: [Int: SnippetOutcome] = [:]) -> String {
        TestChapter.body(text, outcomes: outcomes)
    }

    @Test func programOutputIsEscaped() {
        var outcome = SnippetOutcome()
        outcome.stdout = "<script>alert('x') & \"y\"</script>\n"
        let html = render("```swift\nprint(1)\n```\n", outcomes: [0: outcome])
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"))
        #expect(!html.contains("<script>"))
    }

    @Test func authorTextIsEscaped() {
        let html = render("Less than: 1 < 2 & <script>bad()</script>\n\n```swift\nlet s = \"<b>\"\n```\n")
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;b&gt;"))
    }

    @Test func mathReachesTheHTMLVerbatim() {
        let text = """
            Inline $\\{x\\}_i * y_j * z$ and a table:

            | a | b |
            |---|---|
            | $|x|$ | $a_1_2$ |

            $$
            \\begin{aligned} a &= b \\\\ c_1 &= d_2 \\end{aligned}
            $$

            \\begin{equation}\\label{eq:x} p_i = \\frac{e^{s_i}}{\\sum_j e^{s_j}} \\end{equation}

            Prices $5 and $10 stay text, and `$code$` too.
            """
        let html = render(text)
        #expect(html.contains("<span class=\"math inline\">$\\{x\\}_i * y_j * z$</span>"))
        #expect(html.contains("<span class=\"math inline\">$|x|$</span>"))
        #expect(html.contains("<span class=\"math inline\">$a_1_2$</span>"))
        #expect(
            html.contains(
                "<span class=\"math display\">$$\n\\begin{aligned} a &amp;= b \\\\ c_1 &amp;= d_2 \\end{aligned}\n$$</span>"
            ))
        #expect(
            html.contains(
                "<span class=\"math display\">\\begin{equation}\\label{eq:x} p_i = \\frac{e^{s_i}}{\\sum_j e^{s_j}} \\end{equation}</span>"
            ))
        #expect(html.contains("Prices $5 and $10 stay text"))
        #expect(html.contains("<code>$code$</code>"))
        #expect(!html.contains("KXMATH"))
    }

    /// Was: math in an image's alt text was replaced by KaTeX's markup inside the attribute.
    @Test func mathInAnAttributeIsEscapedText() {
        let (parsed, chapter, _) = TestChapter.extract("![The curve $y < x^2$](fig.png)\n")
        let math = TypesetMath(html: ["<span class=\"katex\">y</span>"], labels: [:])
        let html = ChapterPage.chapterBody(
            CheckedChapter(parsed: parsed, chapter: chapter, outcomes: [:], errors: [], math: math)
        ).0
        #expect(html.contains("alt=\"The curve $y &lt; x^2$\""))
        #expect(!html.contains("alt=\"The curve <span"))
    }

    @Test func mathKeepsLineNumbers() {
        let text = "Before\n\n$$\na\nb\n$$\n\n```swift\nprint(1)\n```\n"
        let parsed = Parse.chapter(TestChapter.source(text))
        #expect(
            parsed.math.protected.split(separator: "\n", omittingEmptySubsequences: false).count
                == text.split(separator: "\n", omittingEmptySubsequences: false).count)
        #expect(parsed.codeBlocks.first?.start.line == 8)
    }

    @Test func headingsGetUniqueAnchors() {
        let html = render("# Title\n\n## Results\n\n## Results\n")
        #expect(html.contains("id=\"results\""))
        #expect(html.contains("id=\"results-2\""))
    }

    @Test func highlighterHandlesStringsCommentsAndNumbers() {
        let html = SwiftHighlighter.html(
            "@inline(__always) let s = \"a \\(f(\"x\")) // no\" // yes\nlet n = 1.5e-3 /* a /* nested */ b */ #if")
        #expect(html.contains("<span class=\"tok-attribute\">@inline</span>"))
        #expect(html.contains("<span class=\"tok-string\">&quot;a \\(f(&quot;x&quot;)) // no&quot;</span>"))
        #expect(html.contains("<span class=\"tok-comment\">// yes</span>"))
        #expect(html.contains("<span class=\"tok-number\">1.5e-3</span>"))
        #expect(html.contains("<span class=\"tok-comment\">/* a /* nested */ b */</span>"))
        #expect(html.contains("<span class=\"tok-directive\">#if</span>"))
    }

    /// Two `book build` processes write the same site, byte for byte. Each process seeds Swift's hashing
    /// afresh, so a page that follows a dictionary's or a set's order differs between them; the second runs
    /// in another time zone, so a page that shows a date or a time differs too. The book has math, boxes,
    /// claims, figures and failures (for the banner), so that every page writer is covered.
    @Test func renderingIsDeterministic() throws {
        let fixture = { (name: String) in
            try String(contentsOf: Fixtures.directory.appendingPathComponent("\(name).md"), encoding: .utf8)
        }
        let book = try ScratchChapters(
            "deterministic", title: "Twice",
            [
                Manifest.Entry("modes", title: "Modes", summary: "Every mode.", text: try fixture("modes")),
                Manifest.Entry(
                    "reading", title: "Reading", summary: "Boxes and equations.", text: try fixture("reading")),
                Manifest.Entry("figures", title: "Figures", summary: "Plots.", text: try fixture("figures")),
                Manifest.Entry("wrong", title: "Wrong", summary: "Fails.", text: try fixture("wrong-output")),
            ])
        defer { book.remove() }
        var sites: [[String: Data]] = []
        for (output, zone) in [("site-a", "UTC"), ("site-b", "Pacific/Kiritimati")] {
            var environment = ProcessInfo.processInfo.environment
            environment["TZ"] = zone
            let result = try book.book(["build", "--output", book.folder.url(output).path], environment: environment)
            #expect(
                result.termination == .exited(1),
                "the wrong chapter fails: \(String(decoding: result.stderr, as: UTF8.self))")
            sites.append(ScratchFolder.files(under: book.folder.url(output)))
        }
        #expect(
            sites[0].keys.contains("reading.html") && sites[0].keys.contains("claims.html")
                && sites[0].keys.contains("search-index.js"))
        for (path, bytes) in sites[0].sorted(by: { $0.key < $1.key }) {
            #expect(sites[1][path] == bytes, "\(path) differs between two builds")
        }
        #expect(Set(sites[0].keys) == Set(sites[1].keys))
    }
}
