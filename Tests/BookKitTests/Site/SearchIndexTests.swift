import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The search index (`search-index.js`) holds the text of each section as the reader sees it on the page: prose
/// without Markdown syntax, math as its readable symbols (no TeX command names), code as code, the header's
/// Chinese title of the original post, and anchors that exist on the page. Figures are printed
/// (`swift test --filter SearchIndexTests`).
@Suite struct SearchIndexTests {
    struct Entry: Decodable {
        var p: String
        var a: String
        var c: String
        var h: String
        var x: String
    }

    static func entries(_ script: String) throws -> [Entry] {
        let prefix = "window.BOOK_SEARCH = "
        #expect(script.hasPrefix(prefix) && script.hasSuffix(";\n"))
        return try JSONDecoder().decode([Entry].self, from: Data(script.dropFirst(prefix.count).dropLast(2).utf8))
    }

    static let text = #"""
        # Title

        ```claims
        reproduced: The scale is 1/√d (#params)
        ```

        ```differences
        - Synthetic data instead of **CLUENER**, with $\boldsymbol\gamma$.
        ```

        Prose with **bold**, *emphasis*, `inline code`, a [link](#parameters) and 5 < 6 & 7 > 3, "quoted".
        The update is $\boldsymbol x \leftarrow \mathrm{LN}\big(\boldsymbol x + \mathrm{FFN}(\boldsymbol x)\big)$ and
        $\alpha \le \frac{1}{2}$, as in \eqref{eq:one}.

        $$
        \mathcal{L} = \log\Big(1 + \sum_{i} e^{s_i}\Big) \label{eq:one}
        $$

        ## Parameters & *more*

        | a | b |
        |---|---|
        | *cell* | `x` |

        ```swift id=params
        let scale = 1.0 / 8.0 * 1  // not markdown
        print(scale)
        ```

        ```output
        0.125
        ```

        ## 熵不变性

        注意力的熵 with <script>alert(1)</script> shown as text.
        """#

    static func chapter() -> Chapter {
        TestChapter.extract(
            text, summary: "Sum & <more>.",
            original: OriginalPost(
                url: "https://kexue.fm/archives/8877", author: "Su Jianlin", date: "2022-01-25",
                title: "Efficient GlobalPointer：少点参数，多点效果")
        ).1
    }

    @Test func sectionsHoldTheRenderedProse() throws {
        let entries = try Self.entries(SearchIndex.script(for: [SearchIndex.Page(rendering: Self.chapter())]))
        for entry in entries { print("SearchIndexTests entry \(entry.a): \(entry.x)") }
        let all = entries.map(\.x).joined(separator: "\n")
        for raw in ["**", "](", "\\", "boldsymbol", "mathrm", "frac", "leftarrow", "$", "&lt;", "&amp;", "eqref"] {
            #expect(!all.contains(raw), "the index holds '\(raw)'")
        }
        let title = try #require(entries.first)
        #expect(title.a == "title" && title.h == "Title")
        #expect(title.x.contains("Sum & <more>."), "the summary, unescaped text")
        #expect(title.x.contains("少点参数，多点效果"), "the original's Chinese title")
        #expect(title.x.contains("Prose with bold, emphasis, inline code, a link and 5 < 6 & 7 > 3, \"quoted\"."))
        #expect(title.x.contains("x ← LN(x + FFN(x))"), "math as its symbols")
        #expect(title.x.contains("α ≤ 1/2"))
        #expect(title.x.contains("as in (1)."), "an equation reference as the page shows it")
        #expect(title.x.contains("Synthetic data instead of CLUENER, with γ."), "the differences box")
        #expect(title.x.contains("The scale is 1/√d"), "the claims box")
        let parameters = try #require(entries.first { $0.a == "parameters-more" })
        #expect(parameters.h == "Parameters & more", "the heading's text as shown")
        #expect(parameters.x.contains("let scale = 1.0 / 8.0 * 1 // not markdown print(scale)"), "code as code")
        #expect(parameters.x.contains("cell x"), "table cells")
        let chinese = try #require(entries.first { $0.h == "熵不变性" })
        #expect(chinese.x.contains("注意力的熵 with <script>alert(1)</script> shown as text."))
        #expect(Set(entries.map(\.p)) == ["t.html"])
    }

    @Test func readableMath() {
        let cases: [(String, String)] = [
            (#"\boldsymbol x \leftarrow \mathrm{LN}\big(\boldsymbol x\big)"#, "x ← LN(x)"),
            (#"\frac{1}{\sqrt{d}}"#, "1/√d"),
            (#"\frac{a+b}{2}"#, "(a+b)/2"),
            (#"\sqrt{\sigma^2 + \epsilon} \sqrt[3]{x}"#, "√(σ² + ϵ) √x"),
            (#"q_i^{\top} k_j"#, "qi⊤ kj"),
            (#"x^2 + 10^{-3}"#, "x² + 10⁻³"),
            (#"\operatorname*{arg\,max}_{i} \log p"#, "arg maxi log p"),
            (#"\left\{ a \right. \mathbb{R}^{n}"#, "{ a ℝⁿ"),
            (#"\text{softmax}(\boldsymbol{q}\boldsymbol{K}^{\top})"#, "softmax(qK⊤)"),
            (#"a \\ b & c \tag{3}"#, "a b c (3)"),
            (#"\href{#eq-x}{(2)} \color{red}{y}"#, "(2) y"),
        ]
        for (tex, readable) in cases {
            #expect(SearchIndex.readableMath(tex) == readable, "\(tex)")
        }
    }

    /// Anchors are the page's own: each entry's `a` is an `id` on its page.
    @Test func anchorsExistOnThePage() throws {
        let (parsed, chapter, _) = TestChapter.extract(Self.text + "\n\n## Parameters & *more*\n\nAgain.\n")
        let page = ChapterPage.chapterBody(
            CheckedChapter(parsed: parsed, chapter: chapter, outcomes: [:], errors: [])
        ).0
        let entries = try Self.entries(SearchIndex.script(for: [SearchIndex.Page(rendering: chapter)]))
        #expect(entries.filter { $0.a.hasPrefix("parameters") }.count == 2)
        for entry in entries { #expect(page.contains("id=\"\(entry.a)\""), "no anchor \(entry.a)") }
    }

    // MARK: The real book

    static let book: [Chapter] = {
        let book = try! Load.book(root: Fixtures.packageRoot)
        return book.chapters.map { Extract.chapter(Parse.chapter($0)).0 }
    }()

    /// On the real book: no section matches a TeX command or Markdown syntax, every original's Chinese title is
    /// found in its chapter, and two builds give the same bytes. Prints the index's size.
    @Test func realBookIndexIsRenderedTextDeterministicAndSmall() throws {
        let script = SearchIndex.script(for: Self.book.map(SearchIndex.Page.init(rendering:)))
        #expect(
            script == SearchIndex.script(for: Self.book.map(SearchIndex.Page.init(rendering:))),
            "byte-identical between builds")
        let entries = try Self.entries(script)
        let lower = entries.map { ($0.h + " " + $0.x).lowercased() }
        func count(_ term: String) -> Int { lower.filter { $0.contains(term.lowercased()) }.count }
        // TeX commands of math (code and inline code may show others: `\label` in chapter 0, key paths in Swift).
        let commands = try Regex(
            #"\\(boldsymbol|math[a-z]+|frac|sqrt|left|right|big|sum|operatorname|text|alpha|lambda|cdot|times|le|ge|top)\b"#
        )
        let withTeX = entries.filter { $0.x.contains(commands) }
        let figures: [String: Any] = [
            "bytes": script.utf8.count, "sections": entries.count, "boldsymbol": count("boldsymbol"),
            "mathrm": count("mathrm"), "sectionsWithTeXCommands": withTeX.count, "markdownBold": count("**"),
            "残差": count("残差"), "门控注意力单元": count("门控注意力单元"), "softmax": count("softmax"),
        ]
        let data = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        print("SearchIndexTests real book: \(String(decoding: data, as: UTF8.self))")
        #expect(count("boldsymbol") == 0)
        #expect(count("mathrm") == 0)
        #expect(withTeX.isEmpty, "TeX in \(withTeX.first.map { $0.p + "#" + $0.a } ?? "")")
        #expect(count("**") == 0)
        for chapter in Self.book {
            guard let original = chapter.source.original else { continue }
            let page = chapter.source.slug + ".html"
            #expect(
                entries.contains { $0.p == page && $0.x.contains(original.title) },
                "the Chinese title of \(page)")
        }
        #expect(count("残差") >= 1)
        // The index of the full text (prose, math as symbols, code) stays under 400 KB.
        #expect(script.utf8.count < 400_000)
    }
}
