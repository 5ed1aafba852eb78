import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// Issue 13, "Linear time on large chapters" and "Safe pages and terminal": nothing a chapter's program
/// prints, and no HTML an author writes, can change a page beyond its text; math scanning and
/// restoration are linear; errors reach the terminal with their control characters escaped.
@Suite struct PageSafetyTests {
    func parse(_ text: String) -> (ParsedChapter, Chapter, [BookError]) {
        let (parsed, chapter, errors) = TestChapter.extract(text)
        return (parsed, chapter, parsed.errors + errors)
    }

    func body(_ text: String, outcomes: [Int: SnippetOutcome] = [:]) -> String {
        let (parsed, chapter, _) = parse(text)
        return ChapterPage.chapterBody(CheckedChapter(parsed: parsed, chapter: chapter, outcomes: outcomes, errors: []))
            .0
    }

    func firstLines(_ errors: [BookError]) -> [String] {
        errors.map { String($0.description.split(separator: "\n")[0]) }
    }

    // MARK: Linear time (correctness on large inputs; the timings are in `bench build --large`)

    @Test func everySpanOfALargeChapterIsRestored() {
        let paragraphs = 20_000
        let text = (0..<paragraphs).map { "Paragraph \($0): $s_{\($0)}$ and $n$, the softmax $p_i$." }.joined(
            separator: "\n\n")
        let (parsed, _, errors) = parse(text)
        #expect(errors.isEmpty)
        #expect(parsed.math.spans.count == 3 * paragraphs)
        let html = body(text)
        #expect(!html.contains("KXMATH"))
        #expect(html.components(separatedBy: "<span class=\"math inline\">").count - 1 == 3 * paragraphs)
        #expect(html.contains("<span class=\"math inline\">$s_{19999}$</span>"))
    }

    @Test func aLongParagraphOfUnmatchedDollarsStaysText() {
        // 4,000 openers, none closed: each used to rescan the rest of the paragraph.
        let text = String(repeating: "costs $5 each; ", count: 4_000) + "end.\n\nThen $x$ closes.\n"
        let (parsed, _, errors) = parse(text)
        #expect(errors.isEmpty)
        #expect(parsed.math.spans.map(\.source) == ["$x$"])
        // Backtick runs of many lengths, none closed, in one paragraph.
        let ticks =
            (1...300).map { String(repeating: "`", count: $0 % 7 + 1) + "a" }.joined(separator: " ") + " `code` $y$\n"
        #expect(Parse.chapter(TestChapter.source(ticks)).math.spans.map(\.source) == ["$y$"])
    }

    @Test func memoisedScansAgreeWithTheRules() {
        // Escapes, code spans, blank lines and `$$` inside one paragraph, scanned from several openers.
        let text = "a $b\\$c$ d `$e` $f $g$ \\\\$h$ $$i$$ $j\n\n$k$ \\(l\\) \\[m\\] \\begin{align*}n\\end{align*}\n"
        let (parsed, _, errors) = parse(text)
        #expect(errors.isEmpty)
        #expect(
            parsed.math.spans.map(\.source) == [
                "$b\\$c$", "$f $g$", "$$i$$", "$k$", "\\(l\\)", "\\[m\\]", "\\begin{align*}n\\end{align*}",
            ])
    }

    @Test func theLinearScannerFindsWhatTheOldOneFound() {
        // Random texts over the characters the rules turn on; the old scanner is the oracle.
        var generator = SplitMix(seed: 13)
        let pieces = [
            "$", "$", "$$", "\\", "\\$", "`", "``", "\n", "\n\n", " ", "a", "5", "x_1", "\\[", "\\]", "\\(", "\\)",
            "\\begin{equation}", "\\end{equation}", "\\begin{align*}", "\\end{align*}", "\\eqref{e}", "  \n",
        ]
        var compared = 0
        for _ in 0..<3_000 {
            let text = (0..<Int(generator.next() % 40)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))]
            }.joined()
            let linear = MathProtection(text, codeLines: [])
            // An unterminated `$$` (now an error) and `$$$$` (now text) are skipped whole; the old scanner read their
            // second `$` again.
            guard !linear.unterminated.contains(where: { $0.opener == "$$" }), !text.contains("$$$$") else { continue }
            compared += 1
            #expect(
                linear.spans.map(\.source) == LegacyMathScanner(text, codeLines: []).spans, "\(text.debugDescription)")
        }
        #expect(compared > 1_000)
    }

    @Test func identicalFormulasAreTypesetOnce() throws {
        // A large chapter repeats a few formulas thousands of times: Node must get each once, and a warm build
        // must read each cache entry once (the per-occurrence reads made 1.25 MB of prose take 28 s).
        let scratch = try ScratchFolder("katex-dedupe")
        defer { scratch.remove() }
        let directory = scratch.root
        // A `node` that records the formulas it was given, then runs the real one.
        let log = directory.appendingPathComponent("inputs.log"), wrapper = directory.appendingPathComponent("node")
        try "#!/bin/sh\ncat \"$2\" >> '\(log.path)'\necho >> '\(log.path)'\nexec node \"$@\"\n".write(
            to: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper.path)
        var katex = KaTeX(cacheDirectory: directory.appendingPathComponent("cache"))
        katex.node = wrapper.path
        let a = KaTeX.Formula(tex: "x_1", display: false), b = KaTeX.Formula(tex: "\\alpha+\\beta", display: false)
        let formulas =
            Array(repeating: [a, b, a, a], count: 500).flatMap { $0 } + [KaTeX.Formula(tex: "x_1", display: true)]
        let results = try katex.render(formulas)
        #expect(results.count == formulas.count)
        let html = results.map { (try? $0.get()) ?? "" }
        #expect(
            html[0] == html[2] && html[0] != html[1] && html[1] == html[1997]
                && html.last!.hasPrefix("<span class=\"katex-display\">"))
        let batches = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(batches.count == 1)
        let sent = try JSONSerialization.jsonObject(with: Data(batches[0].utf8)) as? [[String: Any]]
        #expect(sent?.count == 3, "one Node item per distinct formula and mode, not per occurrence")
        // Warm: the same answers, no Node.
        #expect(try katex.render(formulas).map { (try? $0.get()) ?? "" } == html)
        #expect(try String(contentsOf: log, encoding: .utf8).split(separator: "\n").count == 1)
    }

    // MARK: Unterminated display math

    @Test func unterminatedDisplayMathIsLocated() {
        let text = "Intro.\n\n  $$\na = b\n\nText.\n\nThen \\[ x\n\n\\begin{equation}\ny\n"
        let (_, _, errors) = parse(text)
        #expect(
            firstLines(errors) == [
                "chapters/t.md:3:3: error: display math opened with $$ is not closed: a blank line comes before any $$",
                "chapters/t.md:8:6: error: display math opened with \\[ is not closed: a blank line comes before any \\]",
                "chapters/t.md:10:1: error: display math opened with \\begin{equation} is not closed: no \\end{equation} follows it",
            ])
        #expect(errors.allSatisfy { $0.hint?.contains("close it with") == true })
        // Closed ones are no error; `$$$$` stays the text it was.
        #expect(parse("$$\na\n$$ and \\[b\\] and $$$$\n").2.isEmpty)
    }

    @Test func unterminatedMathFailsTheChapter() throws {
        let (checked, report) = try Fixtures.check("t", text: "# T\n\n$$\na = b\n")
        #expect(
            firstLines(report.errors) == [
                "Fixtures/t.md:3:1: error: display math opened with $$ is not closed: no $$ follows it"
            ])
        #expect(checked.errors == report.errors)
    }

    // MARK: Author HTML

    static let rejected: [(String, String)] = [
        ("<img src=x onerror=alert(1)>", "event-handler attribute 'onerror'"),
        ("<body onload=\"alert(1)\">", "event-handler attribute 'onload'"),
        ("<p>Text <span ONMOUSEOVER='x()'>here</span></p>", "event-handler attribute 'onmouseover'"),
        ("<meta http-equiv=\"refresh\" content=\"0;url=https://example.com\">", "HTML element <meta>"),
        ("<a href=\"javascript:alert(1)\">x</a>", "javascript: URL in attribute 'href'"),
        ("<a href=\"jav&#x61;script&colon;alert(1)\">x</a>", "javascript: URL in attribute 'href'"),
        ("<a href=\" java\tscript:alert(1)\">x</a>", "javascript: URL in attribute 'href'"),
        ("<a href=\"VBScript:msgbox\">x</a>", "vbscript: URL"),
        ("<iframe src=\"data:text/html,<script>alert(1)</script>\"></iframe>", "HTML element <iframe>"),
        ("<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>", "data: URL"),
        ("<script>alert(1)</script>", "HTML element <script>"),
        ("<object data=\"x.swf\"></object>", "HTML element <object>"),
        ("<base href=\"https://example.com/\">", "HTML element <base>"),
        ("<div title=\"open\n<p>rest</p>", "has no closing quote"),
        ("Inline <b onclick=\"x()\">bold</b> text.", "event-handler attribute 'onclick'"),
        ("A [link](javascript:alert(1)) in Markdown.", "javascript: URL as a link destination"),
        ("An autolink <javascript:alert(1)>.", "javascript: URL as a link destination"),
        // Comments end where the HTML tokenizer ends them, not only at `-->`: abruptly at `<!-->` and `<!--->`,
        // and at `--!>`; what follows is markup.
        ("<!--><img src=x onerror=alert(1)>-->", "event-handler attribute 'onerror'"),
        ("<!---><img src=x onerror=alert(1)>-->", "event-handler attribute 'onerror'"),
        ("<!-- a --!><img src=y onerror=alert(2)> -->", "event-handler attribute 'onerror'"),
        ("<!-- a ----!><img src=y onerror=alert(2)> -->", "event-handler attribute 'onerror'"),
        ("<div><!--><a title=\"x\"><img src=x onerror=alert(3)></a>--></div>", "event-handler attribute 'onerror'"),
        ("<div><!-- x --!><a href=\"javascript:alert(4)\">x</a> --></div>", "javascript: URL in attribute 'href'"),
        ("Inline <!--><img src=x onerror=alert(5)>--> text.", "event-handler attribute 'onerror'"),
        // `</` not followed by a letter opens a bogus comment that ends at the first `>`, even inside quotes.
        ("<div></ <a title=\"><img src=x onerror=alert(6)>\"></div>", "event-handler attribute 'onerror'"),
        ("<div><? <a title=\"><img src=x onerror=alert(7)>\"></div>", "event-handler attribute 'onerror'"),
        ("<div><!x <a title=\"><img src=x onerror=alert(8)>\"></div>", "event-handler attribute 'onerror'"),
        // In SVG a CDATA section ends at `]]>`, elsewhere at `>`: the book cannot know which, so it is rejected.
        ("<svg><![CDATA[ > <a title=\" ]]><img src=x onerror=alert(9)>\"></svg>", "CDATA section"),
        // A comment left open in one HTML block would be closed by a `-->` inside a later one's attribute.
        ("> <!--\n\n<a title=\"--><img src=x onerror=alert(10)>\">x</a>", "HTML comment is not closed"),
        ("- <!-- a --\n\nText <a title=\"--><img src=x onerror=alert(11)>\">x</a>", "HTML comment is not closed"),
        ("<div><!--\n\n<div title=\"--><img src=x onerror=alert(12)>\"></div>", "HTML comment is not closed"),
        ("<div><!x\n\n<div title=\"><img src=x onerror=alert(12)>\"></div>", "'<!x' is not closed with '>'"),
        ("<div></ x\n\n<div title=\"><img src=x onerror=alert(12)>\"></div>", "'</ x' is not closed with '>'"),
        // With scripting on, <noscript> holds raw text: the quotes inside it do not protect what follows it.
        ("<noscript><p title=\"</noscript><img src=x onerror=alert(13)>\"></noscript>", "HTML element <noscript>"),
    ]

    @Test(arguments: rejected)
    func unsafeAuthorHTMLIsRejectedAndNeutralised(html: String, message: String) {
        let text = "# T\n\nBefore.\n\n\(html)\n"
        let (_, _, errors) = parse(text)
        #expect(errors.count >= 1, "\(html)")
        #expect(errors.first?.description.contains(message) == true, "\(errors.first?.description ?? "no error")")
        #expect(errors.first?.location?.line == 5)
        // The page shows the markup as text: nothing of it is live.
        let page = body(text)
        #expect(AuthorHTML.problems(in: page).isEmpty, "\(page)")
    }

    @Test func theBooksChaptersPassTheNewParseChecks() throws {
        // No false alarm on the real chapters: their math is closed and their HTML is plain markup.
        let book = try Load.book(root: Fixtures.packageRoot)
        for source in book.chapters {
            #expect(Parse.chapter(source).errors.isEmpty, "\(source.path): \(Parse.chapter(source).errors)")
        }
    }

    @Test func ordinaryAuthorHTMLIsAllowed() {
        let text = """
            <div class="note"><img src="figure.png" alt="a plot" width="300"> <a href="https://kexue.fm/archives/8877">post</a></div>

            Inline <sub>sub</sub>, <kbd>K</kbd>, an image <img src="data:image/png;base64,iVBORw0KGgo=" alt="">, <!-- onload=x --> and a
            [relative link](other.html#onion) about the word onload=.
            """
        let (_, _, errors) = parse(text)
        #expect(errors.isEmpty, "\(errors)")
        #expect(body(text).contains("<div class=\"note\"><img src=\"figure.png\""))
    }

    @Test func commentsThatHideMarkupStayAllowed() {
        // Markup inside a comment the tokenizer does not end early is not markup; these are no errors.
        let text = """
            <!-- a note -> with <b onclick=x> and -- inside, ending --!-- late -->

            <!---->

            <!-- several
            <img src=x onerror=alert(1)> lines -->

            Inline <!-- <i onload=y> --> comment, a declaration <!DOCTYPE html> and <?php x ?> text.
            """
        let (_, _, errors) = parse(text)
        #expect(errors.isEmpty, "\(errors)")
        #expect(AuthorHTML.problems(in: "<!-- x -->").isEmpty)
        #expect(
            AuthorHTML.problems(in: "<!-- x --!> <b onclick=y>").map(\.message) == [
                "event-handler attribute 'onclick' is not allowed in a chapter's HTML"
            ])
    }

    @Test func unsafeHTMLInTheDifferencesBoxIsRejected() {
        let text = "# T\n\n```differences\n- fine\n- <img src=x onerror=alert(1)>\n```\n"
        let (_, _, errors) = parse(text)
        #expect(
            firstLines(errors) == [
                "chapters/t.md:5:14: error: event-handler attribute 'onerror' is not allowed in a chapter's HTML"
            ])
        #expect(AuthorHTML.problems(in: body(text)).isEmpty)
        #expect(body(text).contains("&lt;img src=x onerror=alert(1)&gt;"))
    }

    // MARK: Program output is data

    @Test func hostileOutputCannotAlterThePage() throws {
        let (checked, _) = try Fixtures.check("hostile-output")
        let book = Book(title: "B", subtitle: "", chapters: [checked.chapter.source])
        let page = ChapterPage.page(checked, book: book, position: 0, stamp: .init(commit: "c", swiftVersion: "s")).html
        #expect(page.contains("before\u{2400}after"), "the NUL is shown and what follows it kept")
        #expect(page.contains("err\u{2400}tail"), "standard error after a NUL is kept")
        #expect(page.contains("KXMATH0L0X and KXMATH1L1X and KXREF0X"), "placeholder tokens in output stay text")
        #expect(page.contains("&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.contains("<script>alert"))
        #expect(page.contains("\u{241B}[2J\u{241B}]0;owned\u{2407}title"), "escape sequences are shown, not passed on")
        #expect(!page.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        #expect(page.contains("b\u{FFFD}"), "invalid UTF-8 shows as replacement characters")
        // The prose math and reference are still restored.
        #expect(page.contains("<a class=\"eqref\" href=\"#eq-a\">(1)</a>"))
        // The banner quotes the output (the check failed) with the same escaping.
        #expect(page.contains("This chapter failed its checks"))
    }

    @Test func outputTokensNeverReachRestoration() {
        // Without running anything: an outcome printing the tokens of this chapter's own spans.
        var outcome = SnippetOutcome()
        outcome.stdout = "KXMATH0L0X KXREF0X <!--kxsplice0-0-->\n"
        outcome.stderr = "KXMATH0L0X\u{0}after\n"
        let html = body(
            "$$a \\label{eq:a}$$\n\nSee \\eqref{eq:a}.\n\n```swift\nprint(1)\n```\n", outcomes: [0: outcome])
        #expect(html.contains("<pre>KXMATH0L0X KXREF0X &lt;!--kxsplice0-0--&gt;\n</pre>"))
        #expect(html.contains("<pre>KXMATH0L0X\u{2400}after\n</pre>"))
        #expect(html.components(separatedBy: "<span class=\"math display\">").count == 2, "only the prose span is math")
    }

    @Test func authorCannotForgeASpliceMarker() {
        let text = "<!--kxsplice0-0-->\n\n```claims\nreproduced: x\n```\n"
        let html = body(text)
        #expect(html.contains("<!--kxsplice0-0-->"), "the author's comment stays a comment")
        #expect(html.components(separatedBy: "claims-box").count == 2, "the box is spliced once, at its own place")
    }

    // MARK: Terminal

    @Test func errorDescriptionsEscapeControlCharacters() {
        let error = BookError(
            .output, at: SourcePosition(file: "chapters/t.md", line: 3), "snippet 'x' output differs",
            detail: "actual:   \u{1B}[2J\u{1B}]0;owned\u{7}\tok\r\u{9B}31m\u{202E}dlrow",
            hint: "fix it")
        let text = error.description
        #expect(
            text
                == "chapters/t.md:3:1: error: snippet 'x' output differs\n    actual:   \\u{1B}[2J\\u{1B}]0;owned\\u{7}\tok\\u{D}\\u{9B}31m\\u{202E}dlrow\nhint: fix it"
        )
    }

    @Test func theCommandLinePrintsNoControlCharacters() throws {
        let book = try ScratchChapters(
            "terminal",
            chapters: [
                "t": "# T\n\n```swift\nprint(\"\\u{1B}[2J\\u{1B}]0;owned\\u{7}\")\n```\n\n```output\nclean\n```\n"
            ])
        defer { book.remove() }
        let result = try book.book(["build"])
        let stderr = result.stderr, stdout = result.stdout
        #expect(result.termination == .exited(1))
        #expect(!stderr.contains(0x1B) && !stderr.contains(0x07) && !stdout.contains(0x1B))
        #expect(String(decoding: stderr, as: UTF8.self).contains("\\u{1B}[2J\\u{1B}]0;owned\\u{7}"))
    }

    // MARK: Link errors fail their chapter

    @Test func brokenLinksFailTheChapterLineAndPage() throws {
        // a links forward into b (good and bad anchors); b is clean; c links to a missing page.
        let book = try ScratchChapters(
            "links",
            chapters: [
                "a": "# A\n\nSee [b's part](b.html#part) and [nothing](b.html#nothing).\n",
                "b": "# B\n\n## Part\n\nBack to [A](a.html).\n",
                "c": "# C\n\nSee [gone](gone.html).\n",
            ])
        defer { book.remove() }
        let lines = Locked([String]())
        let report = try book.build(jobs: 2) { line in lines.update { $0.append(line) } }
        let statuses: [String] = lines.value.map { line in
            let words = line.split(separator: " ")
            return words.prefix(2).joined(separator: " ")
        }
        #expect(statuses == ["FAIL a", "ok b", "FAIL c"])
        #expect(
            firstLines(report.chapters[0].errors) == [
                "chapters/a.md:3:33: error: broken link 'b.html#nothing': no anchor '#nothing' in b.html"
            ])
        #expect(report.chapters[1].errors.isEmpty)
        #expect(
            firstLines(report.chapters[2].errors) == [
                "chapters/c.md:3:5: error: broken link 'gone.html': no page gone.html in the site"
            ])
        let page = try book.read("site/a.html")
        #expect(page.contains("This chapter failed its checks"))
        #expect(page.contains("broken link &#39;b.html#nothing&#39;"))
        #expect(!(try book.read("site/b.html")).contains("failed its checks"))
    }
}

/// A small deterministic generator for the random texts.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
