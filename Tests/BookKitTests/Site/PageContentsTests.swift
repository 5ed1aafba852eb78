import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// What the renderers record beside each page (`PageContents`): the page's own anchors and links, located
/// link errors, one de-duplication of heading anchors, and search text that is the page's text.
@Suite struct PageContentsTests {
    static let stamp = Render.Stamp(commit: "c", swiftVersion: "s")

    /// The site of a one-chapter book made from `text` (`chapters/t.md`), and its link errors' first lines.
    static func linkErrors(_ text: String) throws -> [String: [String]] {
        let (parsed, chapter, _) = TestChapter.extract(text)
        let book = Book(title: "B", subtitle: "", chapters: [chapter.source])
        let checked = CheckedChapter(parsed: parsed, chapter: chapter, outcomes: [:], errors: [])
        let site = Render.site(
            book: book, chapters: [checked], all: [chapter], stamp: stamp, resources: try BookResources.load())
        return LinkCheck.errors(in: site, book: book).mapValues {
            $0.map { String($0.description.split(separator: "\n")[0]) }
        }
    }

    /// Targets as the browser resolves them against ids: percent-decoded.
    static func decoded(_ targets: some Sequence<String>) -> Set<String> {
        Set(targets.map { $0.removingPercentEncoding ?? $0 })
    }

    /// A chapter with what the real book lacks: footnotes (ids cmark makes), author HTML with ids and links, an
    /// image, a link with non-ASCII and `&`, a link in the differences box, `\eqref` in prose and in math.
    static let fixture = TestChapter.source(
        #"""
        # Contents fixture

        Text[^one] and more[^one] and [^two]; see <span id="mine">here</span> and [café](#caf%C3%A9-au-lait).

        ## Café au lait

        ![a figure](figure.svg) and <a href="claims.html">claims &amp; more</a> and <a href='#mine'>single quotes</a>.

        $$ x = 1 \label{eq:one} $$

        As \eqref{eq:one} shows, and $$ y = \eqref{eq:one} $$

        ```differences
        A [link](#contents-fixture) in the box.
        ```

        [^one]: The first, with [a link](#mine).
        [^two]: The second.
        """#, slug: "contents-fixture")

    /// Every page of the real book (recorded outputs and figures, math typeset by KaTeX) and of `fixture`, the
    /// index, the claims page, the API reference's overview, a placeholder page and the print page (every chapter
    /// on one page, ids and links localised): the anchors recorded are exactly the page's ids, and the links
    /// recorded exactly its `href`s and `src`s, read back from the bytes. (The API reference's own pages are held
    /// to the same in `APIReferenceTests.referencePageGolden`.)
    @Test func recordedAnchorsAndLinksAreThePagesOwn() throws {
        let (book, checked) = RecordedBook.chapters(extra: [Self.fixture])
        let typeset = try Typeset.chapters(checked, packageRoot: Fixtures.packageRoot)
        var site = Render.site(
            book: book, chapters: typeset, all: typeset.map(\.chapter), stamp: Self.stamp,
            resources: try BookResources.load())
        let first = typeset[0].chapter
        site.add(
            StubPage.page(first.source, book: book, stamp: Self.stamp, anchors: first.snippets.map(\.anchor)),
            at: "stub.html")
        site.add(PrintPage.page(book: book, chapters: typeset, stamp: Self.stamp), at: PrintPage.path)
        let pages = site.files.keys.filter { $0.hasSuffix(".html") }
        #expect(pages.count == book.chapters.count + 5)
        for path in pages.sorted() {
            let html = try #require(site.files[path]), contents = try #require(site.contents[path])
            let ids = HTMLScan.ids(in: html)
            #expect(
                contents.anchors == ids,
                "\(path): recorded only \(contents.anchors.subtracting(ids).sorted()), in the page only \(ids.subtracting(contents.anchors).sorted())"
            )
            let recorded = Self.decoded(contents.links.map(\.target)), links = Self.decoded(HTMLScan.links(in: html))
            #expect(
                recorded == links,
                "\(path): recorded only \(recorded.subtracting(links).sorted()), in the page only \(links.subtracting(recorded).sorted())"
            )
        }
        let headings = typeset.flatMap { ChapterPage.chapterBody($0).1.headings }
        #expect(headings.count > 50, "the book's headings are recorded")
        let errors = LinkCheck.errors(in: site, book: book)
        // The fixture's image is broken on its page and on the print page, at the same line (the build reports it
        // once: `BookBuilder.printPage`).
        #expect(
            errors.mapValues { $0.map(\.message) } == [
                "contents-fixture": [
                    "broken link 'figure.svg': no page figure.svg in the site",
                    "broken link 'figure.svg' (on print.html): no page figure.svg in the site",
                ]
            ], "the real book has no broken link")
        let fixture = try #require(site.contents["contents-fixture.html"])
        #expect(fixture.anchors.isSuperset(of: ["fn-one", "fnref-one", "fnref-one-2", "fn-two", "mine", "eq-one"]))
    }

    /// A broken link in the author's Markdown is reported at its line and column. Before, the line was the first
    /// that mentioned the anchor's name (line 3 here, prose), not the link's.
    @Test func aBrokenMarkdownLinkIsReportedWhereItIsWritten() throws {
        let errors = try Self.linkErrors(
            "# T\n\nThe missing piece is explained below.\n\n## Details\n\nSee [nowhere](#missing).\n")
        #expect(
            errors == ["t": ["chapters/t.md:7:5: error: broken link '#missing': no anchor '#missing' in t.html"]])
    }

    /// A broken link in the author's raw HTML: at the line of its `href` inside the block (the block starts on
    /// line 3; before, line 4 mentioned the name first).
    @Test func aBrokenRawHTMLLinkIsReportedWhereItIsWritten() throws {
        let errors = try Self.linkErrors(
            "# T\n\n<div class=\"note\">\n<p>A note about the gone section,\nsee <a href=\"#gone\">there</a>.</p>\n</div>\n"
        )
        #expect(errors == ["t": ["chapters/t.md:5:1: error: broken link '#gone': no anchor '#gone' in t.html"]])
        // An id the author's HTML defines is an anchor: a link to it is not broken.
        #expect(try Self.linkErrors("# T\n\n<span id=\"here\"></span>\n\nSee [it](#here).\n").isEmpty)
    }

    /// A link the engine writes from the claims block (the chapter's box and the claims page's row) is reported
    /// at the claim's line, and the claims page's error goes to the claim's chapter. Before: the box's at line 1
    /// (nothing mentions `snippet-nope`), the claims page's at `book.json:1`, under no chapter ("").
    @Test func aBrokenGeneratedLinkIsReportedAtTheLineThatMadeIt() throws {
        let errors = try Self.linkErrors(
            "# T\n\n```claims\nreproduced: A claim. (#nope)\n```\n\n```swift id=yes\nprint(1)\n```\n")
        #expect(
            errors == [
                "t": [
                    "chapters/t.md:4:1: error: broken link 't.html#snippet-nope' (the claims page on claims.html): no anchor '#snippet-nope' in t.html",
                    "chapters/t.md:4:1: error: broken link '#snippet-nope': no anchor '#snippet-nope' in t.html",
                ]
            ])
    }

    /// A snippet's name linked into the API reference (`SnippetLinks`) whose anchor the reference page lacks is an
    /// error at the name's line and column in the chapter; the same link with the anchor there is not. The API
    /// pages are checked from what `APIPages` records, like the chapters.
    @Test func aBrokenSnippetLinkIntoTheReferenceIsReportedAtTheName() throws {
        let (parsed, chapter, _) = TestChapter.extract("# T\n\n```swift\nlet t = Tensor.zeros([2])\n```\n")
        let book = Book(title: "B", subtitle: "", chapters: [chapter.source])
        let api = APIPages.site(SnippetLinksTests.index, unavailable: nil, book: book, stamp: Self.stamp)
        func errors(_ target: String) throws -> [String: [String]] {
            let checked = CheckedChapter(
                parsed: parsed, chapter: chapter, outcomes: [:], errors: [], symbolLinks: [0: [8: target]])
            let site = Render.site(
                book: book, chapters: [checked], all: [chapter], stamp: Self.stamp, resources: try BookResources.load(),
                apiPages: api)
            #expect(site.files["t.html"]?.contains("href=\"\(target)\"") == true)
            return LinkCheck.errors(in: site, book: book).mapValues {
                $0.map { String($0.description.split(separator: "\n")[0]) }
            }
        }
        #expect(try errors("api.Kexue.Tensor.html#shape").isEmpty)
        #expect(
            try errors("api.Kexue.Tensor.html#gone") == [
                "t": [
                    "chapters/t.md:4:9: error: broken link 'api.Kexue.Tensor.html#gone': no anchor '#gone' in api.Kexue.Tensor.html"
                ]
            ])
    }

    /// An HTML page put in the site without its contents fails the check instead of being trusted.
    @Test func aPageWithoutContentsIsAnError() throws {
        var site = Site()
        site.files["api.html"] = "<a href=\"#nowhere\">x</a>"
        let errors = LinkCheck.errors(in: site, book: Book(title: "B", subtitle: "", chapters: []))
        #expect(errors[""]?.map(\.message) == ["page api.html was put in the site without its contents"])
    }

    /// Headings with the same text get distinct anchors, and so does a heading whose slug is a snippet's id
    /// (before, `## Snippet scores` took `snippet-scores`, the snippet's own id: two elements with one id).
    /// Search lands each section on its own heading.
    @Test func duplicateHeadingsGetDistinctAnchorsAndSearchLandsOnEach() throws {
        let text =
            "# T\n\n## Setup\n\nFirst words.\n\n## Setup\n\nSecond words.\n\n## Snippet scores\n\nScores.\n\n```swift id=scores\nprint(1)\n```\n"
        let (parsed, chapter, _) = TestChapter.extract(text)
        let (html, contents) = ChapterPage.chapterBody(
            CheckedChapter(parsed: parsed, chapter: chapter, outcomes: [:], errors: []))
        #expect(contents.headings.map(\.anchor) == ["t", "setup", "setup-2", "snippet-scores-2"])
        let ids = html.components(separatedBy: " id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(ids.count == Set(ids).count, "every id once: \(ids)")
        let second = try #require(contents.sections.first { $0.anchor == "setup-2" })
        #expect(second.text == "Second words.")
        let first = try #require(contents.sections.first { $0.anchor == "setup" })
        #expect(first.text == "First words.")
        #expect(contents.sections.first { $0.anchor == "snippet-scores-2" }?.text == "Scores. print(1)")
    }

    /// The text search indexes for a section is the text the page shows there: the page rendered with each formula
    /// typeset as its readable symbols and read back section by section equals the recorded sections (before
    /// outputs exist; search leaves them out). None holds Markdown or TeX syntax.
    @Test func searchTextIsThePagesText() throws {
        let text = SearchIndexTests.text
        let (parsed, chapter, _) = TestChapter.extract(text)
        let readable = MathRenderer { formulas in
            formulas.map { .success(HTML.escape(SearchIndex.readableMath($0.tex))) }
        }
        let checked = try #require(
            try Typeset.chapters(
                [CheckedChapter(parsed: parsed, chapter: chapter, outcomes: [:], errors: [])], math: readable
            ).first)
        let (html, contents) = ChapterPage.chapterBody(checked)
        #expect(contents.sections.count >= 3)
        // The page's text but each display's number (`Typeset`), which search leaves out as it always has.
        let shown = PageText.sections(
            html.replacingOccurrences(
                of: #"<span class="equation-number">\(\d+\)</span>"#, with: "", options: .regularExpression))
        #expect(html.contains("<span class=\"equation-number\">(1)</span>"), "the fixture has a numbered display")
        #expect(shown.map(\.anchor) == contents.sections.map(\.anchor))
        #expect(shown.map(\.heading) == contents.sections.map(\.heading))
        // Spaces aside (the reader of the markup joins pieces the page sets apart).
        func squeezed(_ sections: [PageContents.Section]) -> [String] { sections.map { $0.text.filter { $0 != " " } } }
        #expect(squeezed(shown) == squeezed(contents.sections))
        #expect(contents.sections.contains { $0.text.contains("log(1 + ∑i e^(si))") }, "the equation's text")
        #expect(!contents.sections.contains { $0.text.contains("log(1 + ∑i e^(si)) (1)") }, "not its number")
        let all = contents.sections.map(\.text).joined(separator: "\n")
        for raw in ["**", "](", "\\frac", "boldsymbol", "$"] { #expect(!all.contains(raw), "'\(raw)'") }
    }
}
