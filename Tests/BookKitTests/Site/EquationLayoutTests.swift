import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// Numbered display equations and print, in headless Chromium with real KaTeX (unlike `ReadingTests`, whose
/// pages keep math as LaTeX): the real book's chapters (nothing run) and a fixture chapter of numbered
/// equations (narrow, wide, very wide, aligned), typeset by KaTeX (cache under this package's
/// `.build/book/katex`) and rendered to `.build/book/equation-site`. Prints its figures
/// (`swift test --filter EquationLayoutTests`).
@Suite(.serialized, .enabled(if: HeadlessBrowser.executable() != nil, "needs chromium"))
struct EquationLayoutTests {
    /// Numbered displays of every kind the layout must hold: narrow, as wide as a phone, far wider than the
    /// desktop column, a multi-row environment, a tall fraction; a folded setup snippet and an output table
    /// for print.
    static let fixture = """
        # Equations

        A narrow one:

        $$
        a = b \\label{eq:narrow}
        $$

        One about as wide as a phone:

        $$
        \\mathrm{softmax}(x)_i = \\frac{e^{x_i}}{\\sum_{j=1}^{n} e^{x_j}} \\quad\\text{for } i = 1, \\dots, n
        $$

        One far wider than the column:

        $$
        L = \\sum_{i=1}^{n} \\sum_{j=1}^{m} \\left( y_{ij} \\log \\sigma(s_{ij}) + (1 - y_{ij}) \\log \\bigl(1 - \\sigma(s_{ij})\\bigr) \\right) + \\lambda_1 \\lVert W_1 \\rVert_F^2 + \\lambda_2 \\lVert W_2 \\rVert_F^2 + \\lambda_3 \\lVert W_3 \\rVert_F^2 + \\lambda_4 \\lVert W_4 \\rVert_F^2
        $$

        A wide matrix, which cannot break at a relation:

        $$
        M = \\begin{pmatrix} m_{11} & m_{12} & m_{13} & m_{14} & m_{15} & m_{16} & m_{17} & m_{18} & m_{19} & m_{1,10} & m_{1,11} & m_{1,12} & m_{1,13} & m_{1,14} & m_{1,15} & m_{1,16} \\end{pmatrix}
        $$

        Rows:

        \\begin{align}
        c &= \\frac{\\partial L}{\\partial W} \\\\
        d &= c + \\eqref{eq:narrow}
        \\end{align}

        ```swift setup
        let folded = "setup code"
        ```

        | n | time (ms) | speed-up |
        |--:|----------:|---------:|
        | 1 | 12.5 | 1.0 |
        | 1024 | 3.25 | 3.8 |
        """

    /// The real book plus the fixture chapter, typeset with KaTeX.
    static let chapters: (Book, [CheckedChapter]) = {
        let fixtureChapter = ChapterSource(
            slug: "equations-fixture", path: "Fixtures/equations-fixture.md", title: "Equations", summary: "",
            text: fixture)
        let (book, checked) = RecordedBook.chapters(extra: [fixtureChapter])
        return (book, try! Typeset.chapters(checked, packageRoot: Fixtures.packageRoot))
    }()

    static let screenshots = Fixtures.packageRoot.appendingPathComponent(".build/book/equation-screenshots")

    static let site: URL = RecordedBook.writeSite(chapters.0, chapters.1, name: "equation", screenshots: screenshots)

    private func facts(
        _ browser: HeadlessBrowser, _ page: String, width: Int, media: String? = nil, dark: Bool = false,
        _ probe: String, test: String = #function
    ) throws -> [String: Any] {
        let visit = try browser.visit(
            Self.site.appendingPathComponent(page), width: width, media: media, dark: dark, evaluate: probe)
        #expect(visit.problems.isEmpty, "\(page) at \(width) px: \(visit.problems)")
        let name =
            "\(page.dropLast(".html".count))-\(width)\(media.map { "-\($0)" } ?? "")-\(test.prefix { $0 != "(" }).png"
        try visit.screenshot.write(to: Self.screenshots.appendingPathComponent(name))
        let json = visit.evaluation as? String ?? "{}"
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
    }

    private func report(_ name: String, _ figures: [String: Any]) {
        let data = try? JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        print("EquationLayoutTests \(name): \(String(decoding: data ?? Data(), as: UTF8.self))")
    }

    /// Per numbered display: whether its number's box meets a visible piece of the formula (KaTeX's `.base`
    /// boxes, clipped to the box that scrolls them), whether the number sits inside a box that scrolls
    /// sideways (it would scroll away with a wide formula), and whether a display is wider than its box and
    /// cannot scroll (clipped). Numbers are KaTeX's `.tag` or the book's `.equation-number`.
    static let probe = """
        document.fonts.ready.then(function () {
          function meets(a, b) { return a.width > 0 && b.width > 0 && a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5; }
          function scroller(e) {
            for (var p = e.parentElement; p; p = p.parentElement) {
              var s = getComputedStyle(p);
              if (/auto|scroll|hidden|clip/.test(s.overflowX) && p !== document.body && p !== document.documentElement) return p;
            }
            return null;
          }
          var numbered = 0, overlapping = 0, scrolling = 0, clipped = 0, missing = 0, examples = [];
          document.querySelectorAll(".equation").forEach(function (eq) {
            var number = eq.querySelector(".equation-number") || eq.querySelector(".tag");
            if (!number) return;
            numbered++;
            var n = number.getBoundingClientRect();
            if (n.width === 0) { missing++; return; }
            var hit = false;
            eq.querySelectorAll(".katex-html > .base").forEach(function (base) {
              var r = base.getBoundingClientRect(), box = scroller(base);
              if (box) {
                var c = box.getBoundingClientRect();
                r = { left: Math.max(r.left, c.left), right: Math.min(r.right, c.right), top: Math.max(r.top, c.top), bottom: Math.min(r.bottom, c.bottom) };
                r.width = r.right - r.left;
              }
              if (meets(r, n)) hit = true;
            });
            if (hit) { overlapping++; if (examples.length < 3) examples.push(eq.id); }
            var box = scroller(number);
            if (box && eq.contains(box) && box.scrollWidth > box.clientWidth + 1) scrolling++;
          });
          var displays = Array.from(document.querySelectorAll(".katex-display"));
          displays.forEach(function (d) {
            var s = getComputedStyle(d);
            if (d.scrollWidth > d.clientWidth + 1 && !/auto|scroll/.test(s.overflowX)) clipped++;
          });
          var wide = displays.filter(function (d) { return d.scrollWidth > d.clientWidth + 1; }).length;
          return JSON.stringify({ numbered: numbered, overlapping: overlapping, numberScrolls: scrolling, clipped: clipped,
            wider: wide, missing: missing, examples: examples, width: document.documentElement.scrollWidth });
        })
        """

    /// No equation number is drawn over its formula, and none scrolls away with a wide one, at 1280 and 360 px:
    /// on the fixture chapter (a narrow, a phone-wide, a very wide and an aligned display) and on every chapter
    /// of the book.
    @Test func equationNumbersNeverMeetTheirFormula() throws {
        let (book, checked) = Self.chapters
        let pages = book.chapters.map { "\($0.slug).html" }
        #expect(checked.allSatisfy { $0.errors.isEmpty }, "\(checked.flatMap(\.errors).map(\.description))")
        let browser = try HeadlessBrowser()
        for width in [1280, 360] {
            var numbered = 0, overlapping = 0, scrolling = 0, missing = 0
            var examples: [String] = []
            for page in pages {
                let found = try facts(browser, page, width: width, Self.probe)
                numbered += found["numbered"] as? Int ?? 0
                overlapping += found["overlapping"] as? Int ?? 0
                scrolling += found["numberScrolls"] as? Int ?? 0
                missing += found["missing"] as? Int ?? 0
                examples += (found["examples"] as? [String] ?? []).map { "\(page)#\($0)" }
                #expect((found["width"] as? Int ?? 0) <= width + 1, "\(page) scrolls sideways at \(width) px")
                if page == "equations-fixture.html" {
                    #expect(found["numbered"] as? Int == 5, "the fixture's five numbered displays")
                    #expect((found["wider"] as? Int ?? 0) >= 1, "the fixture has a display wider than the column")
                }
            }
            report(
                "numbers \(width) px",
                [
                    "numbered": numbered, "overlapping": overlapping, "numberScrollsWithFormula": scrolling,
                    "numberNotShown": missing, "examples": examples.prefix(6).map { $0 },
                ])
            #expect(numbered > 5, "the book has numbered displays")
            #expect(
                overlapping == 0, "\(overlapping) of \(numbered) numbers meet their formula at \(width) px: \(examples)"
            )
            #expect(scrolling == 0, "\(scrolling) numbers scroll with their formula at \(width) px")
            #expect(missing == 0, "\(missing) numbers are not shown at \(width) px")
        }
    }

    /// Printed (Chromium's print emulation at an A4 column, 680 px, with the reader's system in dark mode): light
    /// colours, folded setup code shown, no display equation wider than its box (print cannot scroll), numbers
    /// clear of their formulas, no navigation, search or copy button, the output table's numbers right-aligned.
    @Test func printShowsEverythingInLightColours() throws {
        // The numbers' probe first, then the print facts.
        let probe =
            "(" + Self.probe + ").then(function (numbers) {\nvar eq = JSON.parse(numbers);\n" + """
                  function luminance(c) {
                    var m = c.match(/[\\d.]+/g).map(Number); if (m.length > 3 && m[3] === 0) return 1;
                    return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255;
                  }
                  var body = getComputedStyle(document.body);
                  var setup = Array.from(document.querySelectorAll("details.setup pre, details.long-output pre"));
                  var hiddenSetup = setup.filter(function (p) { return !p.checkVisibility() || p.getBoundingClientRect().height === 0; }).length;
                  var shownChrome = Array.from(document.querySelectorAll(".sidebar, .search, button.copy, .pager, .nav-button"))
                    .filter(function (e) { return e.getBoundingClientRect().height > 0; }).length;
                  var tooWide = Array.from(document.querySelectorAll(".katex-display"))
                    .filter(function (d) { return d.scrollWidth > d.clientWidth + 1; }).length;
                  var cells = Array.from(document.querySelectorAll("article table td:nth-child(2)"));
                  var aligned = cells.length > 1 && cells.every(function (c) { return Math.abs(c.getBoundingClientRect().right - cells[0].getBoundingClientRect().right) < 1; })
                    && cells.every(function (c) { return /right/.test(getComputedStyle(c).textAlign); });
                  var codeBackground = Array.from(document.querySelectorAll("pre.code")).map(function (p) { return luminance(getComputedStyle(p).backgroundColor); });
                  return JSON.stringify({ background: luminance(body.backgroundColor), text: luminance(body.color),
                    codeBackground: codeBackground.length ? Math.min.apply(null, codeBackground) : 1,
                    setup: setup.length, hiddenSetup: hiddenSetup, shownChrome: shownChrome, tooWide: tooWide,
                    overlapping: eq.overlapping, numbered: eq.numbered, scaled: document.querySelectorAll("[data-print-size]").length, tableAligned: aligned,
                    width: document.documentElement.scrollWidth });
                })
                """
        let browser = try HeadlessBrowser()
        let found = try facts(browser, "equations-fixture.html", width: 680, media: "print", dark: true, probe)
        report("print fixture", found)
        #expect((found["background"] as? Double ?? 0) > 0.9, "printed background is light")
        #expect((found["text"] as? Double ?? 1) < 0.3, "printed text is dark")
        #expect((found["codeBackground"] as? Double ?? 0) > 0.8, "printed code background is light")
        #expect((found["setup"] as? Int ?? 0) >= 1, "the fixture has setup code")
        #expect(found["hiddenSetup"] as? Int == 0, "folded setup code is printed")
        #expect(found["shownChrome"] as? Int == 0, "navigation, search and copy buttons are not printed")
        #expect(found["tooWide"] as? Int == 0, "no printed equation is wider than its box (print cannot scroll)")
        #expect(found["overlapping"] as? Int == 0, "printed numbers are clear of their formulas")
        #expect(
            (found["scaled"] as? Int ?? 0) >= 1, "the wide matrix, which cannot break, is scaled to the paper (book.js)"
        )
        #expect(found["tableAligned"] as? Bool == true, "the output table's numbers stay right-aligned")
        #expect((found["width"] as? Int ?? 0) <= 681, "the printed page is no wider than the paper")
        // The book's chapters in print: no equation too wide, no number over its formula.
        let (book, _) = Self.chapters
        var tooWide = 0, overlapping = 0
        for chapter in book.chapters where chapter.slug != "equations-fixture" {
            let facts = try self.facts(browser, "\(chapter.slug).html", width: 680, media: "print", dark: true, probe)
            tooWide += facts["tooWide"] as? Int ?? 0
            overlapping += facts["overlapping"] as? Int ?? 0
        }
        report("print book", ["tooWide": tooWide, "overlapping": overlapping])
        #expect(tooWide == 0, "\(tooWide) printed equations of the book are wider than their box")
        #expect(overlapping == 0, "\(overlapping) printed numbers of the book meet their formula")
    }
}
