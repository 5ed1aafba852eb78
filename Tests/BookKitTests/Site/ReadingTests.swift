import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// How the pages read in headless Chromium at desktop (1280 px) and phone (360 px) width, on the real book's
/// pages rendered without running anything (each snippet shows its recorded output; math stays LaTeX): fast,
/// unlike `BrowserTests`, which builds and visits the whole book. Each test measures one reading problem of
/// issue 16 and prints its figures (`swift test --filter ReadingTests` shows them).
@Suite(.serialized, .enabled(if: HeadlessBrowser.executable() != nil, "needs chromium"))
struct ReadingTests {
    /// The real book with its recorded outputs and figures (no program is compiled or run).
    static let chapters: (Book, [CheckedChapter]) = RecordedBook.chapters()

    /// Each visit's full-page screenshot, kept as a test artefact (`PAGE-WIDTH-TEST.png`).
    static let screenshots = Fixtures.packageRoot.appendingPathComponent(".build/book/reading-screenshots")

    /// The site of those pages, written once per test process (to `.build/book/reading-site`).
    static let site: URL = RecordedBook.writeSite(chapters.0, chapters.1, name: "reading", screenshots: screenshots)

    /// The chapter with the most snippets shown: the one the code probes read.
    static var codePage: String {
        let (_, checked) = chapters
        let chapter = checked.max { $0.chapter.snippets.count < $1.chapter.snippets.count }!
        return chapter.chapter.source.slug + ".html"
    }

    /// Visits `page` at `width` and returns what `probe` (an expression giving a JSON string) found.
    private func facts(
        _ browser: HeadlessBrowser, _ page: String, width: Int, _ probe: String,
        test: String = #function
    ) throws -> [String: Any] {
        let visit = try browser.visit(Self.site.appendingPathComponent(page), width: width, evaluate: probe)
        #expect(visit.problems.isEmpty, "\(page) at \(width) px: \(visit.problems)")
        let name = "\(page.dropLast(".html".count))-\(width)-\(test.prefix { $0 != "(" }).png"
        try visit.screenshot.write(to: Self.screenshots.appendingPathComponent(name))
        let json = visit.evaluation as? String ?? "{}"
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
    }

    private func report(_ name: String, _ figures: [String: Any]) {
        let data = try? JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        print("ReadingTests \(name): \(String(decoding: data ?? Data(), as: UTF8.self))")
    }

    // MARK: a. Copy button

    /// Every copy button copies exactly its snippet's code (not its own label), and no button covers a line
    /// of code, at either width.
    @Test func copyButtonsCopyExactlyTheCodeAndCoverNone() throws {
        let (_, checked) = Self.chapters
        let slug = String(Self.codePage.dropLast(".html".count))
        let chapter = try #require(checked.first { $0.chapter.source.slug == slug })
        let shown = chapter.chapter.snippets.filter { $0.info.mode != .hidden }.map(\.code)
        let probe = """
            (function () {
              var copied = null;
              Object.defineProperty(navigator, "clipboard", { value: { writeText: function (t) { copied = t; return Promise.resolve(); } } });
              var execCommand = document.execCommand.bind(document);
              document.execCommand = function (c) { if (c === "copy") copied = document.activeElement.value; return true; };
              var texts = [], covered = 0, buttons = 0;
              document.querySelectorAll("pre.code").forEach(function (pre) {
                var block = pre.closest("details:not([open])") ? null : pre;
                var button = pre.parentElement.querySelector("button.copy") || pre.querySelector("button.copy");
                if (!button) { texts.push(null); return; }
                buttons++;
                copied = null; button.click(); texts.push(copied);
                if (!block) return;
                var b = button.getBoundingClientRect();
                var range = document.createRange(); range.selectNodeContents(pre.querySelector("code"));
                Array.from(range.getClientRects()).forEach(function (r) {
                  if (r.width > 0 && r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top) covered++;
                });
              });
              return JSON.stringify({ texts: texts, covered: covered, buttons: buttons });
            })()
            """
        let browser = try HeadlessBrowser()
        for width in [1280, 360] {
            let found = try facts(browser, Self.codePage, width: width, probe)
            let texts = found["texts"] as? [Any] ?? []
            let wrong = zip(texts, shown).filter { ($0.0 as? String) != $0.1 }.count
            report(
                "copy \(width) px",
                [
                    "page": Self.codePage, "buttons": found["buttons"] ?? 0,
                    "copiesNotTheCode": wrong, "codeLineBoxesCovered": found["covered"] ?? -1,
                ])
            #expect(texts.count == shown.count, "one code block per shown snippet")
            #expect(
                wrong == 0,
                "copies differ from the code at \(width) px: \(texts.first { !shown.contains(($0 as? String) ?? "") } ?? "")"
            )
            #expect(found["covered"] as? Int == 0, "copy buttons cover code at \(width) px")
        }
    }

    // MARK: b. Code size

    /// Code and its output are set in one size, and the code's size is not scaled twice (`pre` and `code`).
    @Test func codeAndOutputShareOneSize() throws {
        let probe = """
            (function () {
              function size(selector) { var e = document.querySelector(selector); return e ? parseFloat(getComputedStyle(e).fontSize) : -1; }
              return JSON.stringify({ body: size("main p"), code: size("pre.code code"), codePre: size("pre.code"), output: size(".output pre") });
            })()
            """
        let browser = try HeadlessBrowser()
        for width in [1280, 360] {
            let found = try facts(browser, Self.codePage, width: width, probe)
            report("code size \(width) px", found)
            let code = found["code"] as? Double ?? -1, output = found["output"] as? Double ?? -2
            #expect(code > 0 && output > 0, "the page has code and output")
            #expect(abs(code - output) < 0.01, "code \(code) px, output \(output) px")
            #expect(abs(code - (found["codePre"] as? Double ?? 0)) < 0.01, "the code's size is its block's")
        }
    }

    // MARK: c. Claims page

    /// At phone width every claim's status is on screen: inside the viewport and not scrolled out of its table.
    @Test func claimStatusesAreOnScreenAtPhoneWidth() throws {
        let probe = """
            (function () {
              var rows = Array.from(document.querySelectorAll("table.claims tbody tr")), off = 0;
              rows.forEach(function (row) {
                var status = row.cells[row.cells.length - 1].getBoundingClientRect();
                var table = row.closest("table").getBoundingClientRect();
                if (status.right > window.innerWidth + 0.5 || status.right > table.right + 0.5 || status.left < -0.5) off++;
              });
              var widest = 0;
              document.querySelectorAll("table.claims").forEach(function (t) { widest = Math.max(widest, t.scrollWidth - t.clientWidth); });
              return JSON.stringify({ rows: rows.length, statusOffScreen: off, tableOverflow: widest,
                                      pageWidth: document.documentElement.scrollWidth });
            })()
            """
        let browser = try HeadlessBrowser()
        for width in [1280, 360] {
            let found = try facts(browser, "claims.html", width: width, probe)
            report("claims \(width) px", found)
            #expect((found["rows"] as? Int ?? 0) > 0)
            #expect(found["statusOffScreen"] as? Int == 0, "statuses off screen at \(width) px")
            #expect((found["pageWidth"] as? Int ?? .max) <= width)
        }
    }

    // MARK: d. Chinese text

    /// The originals' titles are marked `lang="zh-Hans"`, and every Chinese text is set in a stack that names CJK
    /// fonts before the generic family, so a system with a CJK font shows it (no font is downloaded).
    @Test func chineseTextIsMarkedAndHasCJKFonts() throws {
        let probe = """
            (function () {
              var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), node, unmarked = 0, unmarkedTitles = 0, marked = 0, withoutCJKFont = 0;
              while ((node = walker.nextNode())) {
                if (!/[\\u3400-\\u9fff\\uff00-\\uffef]/.test(node.data)) continue;
                var element = node.parentElement, tagged = element.closest("[lang]");
                if (tagged && tagged.getAttribute("lang") === "zh-Hans") marked++;
                else if (element.closest(".original")) unmarkedTitles++; else unmarked++;
                if (!/CJK SC|PingFang SC|Microsoft YaHei/.test(getComputedStyle(element).fontFamily)) withoutCJKFont++;
              }
              return JSON.stringify({ marked: marked, unmarkedTitles: unmarkedTitles, unmarkedProse: unmarked, withoutCJKFont: withoutCJKFont });
            })()
            """
        let browser = try HeadlessBrowser()
        var pagesWithTitles = 0
        for chapter in Self.chapters.1 where chapter.chapter.source.original != nil {
            pagesWithTitles += 1
            let found = try facts(browser, chapter.chapter.source.slug + ".html", width: 1280, probe)
            report("CJK \(chapter.chapter.source.slug)", found)
            #expect((found["marked"] as? Int ?? 0) >= 1, "the original's title is marked")
            // Chinese words in a chapter's prose ("3亿" in RoFormerV2) are the author's to mark (`<span lang="zh-Hans">`);
            // they still get the CJK fonts below.
            #expect(found["unmarkedTitles"] as? Int == 0, "the original's title without lang=zh-Hans")
            #expect(found["withoutCJKFont"] as? Int == 0, "Chinese text without a CJK font in its stack")
        }
        #expect(pagesWithTitles > 0)
    }

    /// The originals' titles are drawn in a real CJK font, not as boxes: each Chinese character of a title draws
    /// differently from the missing-glyph box (what a character no installed font has, U+10FFFD, draws as).
    /// Needs a CJK font on the machine: `.ci/deps --tests` installs one (fonts-wqy-microhei).
    @Test func chineseTitlesAreDrawnInACJKFontNotAsBoxes() throws {
        let probe = """
            (function () {
              function drawn(text, font) {
                var canvas = document.createElement("canvas"); canvas.width = 48; canvas.height = 48;
                var context = canvas.getContext("2d"); context.font = "40px " + font; context.fillText(text, 2, 40);
                return canvas.toDataURL();
              }
              var boxes = 0, characters = 0;
              document.querySelectorAll('[lang="zh-Hans"]').forEach(function (element) {
                var font = getComputedStyle(element).fontFamily, box = drawn("\\u{10FFFD}", font);
                Array.from(element.textContent).forEach(function (character) {
                  if (!/[\\u3400-\\u9fff\\uff00-\\uffef]/.test(character)) return;
                  characters++;
                  if (drawn(character, font) === box) boxes++;
                });
              });
              return JSON.stringify({ characters: characters, boxes: boxes });
            })()
            """
        let browser = try HeadlessBrowser()
        for chapter in Self.chapters.1 where chapter.chapter.source.original != nil {
            let found = try facts(browser, chapter.chapter.source.slug + ".html", width: 1280, probe)
            report("CJK glyphs \(chapter.chapter.source.slug)", found)
            #expect((found["characters"] as? Int ?? 0) > 0, "the page has a Chinese title")
            #expect(found["boxes"] as? Int == 0, "Chinese characters drawn as missing-glyph boxes (tofu)")
        }
    }

    // MARK: e. Phone navigation

    /// At phone width the chapter's title is on the first screen: the navigation is folded behind a menu
    /// button (a checkbox and its label, so it works without JavaScript), which unfolds it. At desktop width the
    /// navigation shows without a button.
    @Test func phoneNavigationIsFoldedBehindAMenuButton() throws {
        let probe = """
            (function () {
              function shown(e) { return !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden"; }
              var nav = document.querySelector(".sidebar"), list = document.querySelector(".sidebar .chapters");
              var button = document.querySelector(".sidebar .nav-button");
              var facts = { navHeight: Math.round(nav.getBoundingClientRect().height),
                            titleTop: Math.round(document.querySelector("main h1").getBoundingClientRect().top + scrollY),
                            chaptersShown: shown(list), buttonShown: shown(button) };
              if (shown(button)) { button.click(); facts.chaptersShownAfterClick = shown(list); }
              return JSON.stringify(facts);
            })()
            """
        let browser = try HeadlessBrowser()
        let page = Self.codePage
        let desktop = try facts(browser, page, width: 1280, probe)
        report("navigation 1280 px", desktop)
        #expect(desktop["chaptersShown"] as? Bool == true)
        #expect(desktop["buttonShown"] as? Bool == false)
        // The same page without its scripts: the menu is HTML and CSS alone.
        let html = try String(contentsOf: Self.site.appendingPathComponent(page), encoding: .utf8)
        let withoutScripts = html.replacingOccurrences(
            of: #"<script src="[^"]*"></script>"#, with: "", options: .regularExpression)
        #expect(withoutScripts != html && !withoutScripts.contains("<script"))
        let scriptless = "no-scripts-" + page
        try withoutScripts.write(to: Self.site.appendingPathComponent(scriptless), atomically: true, encoding: .utf8)
        for (name, visited) in [("with scripts", page), ("without scripts", scriptless)] {
            let phone = try facts(browser, visited, width: 360, probe)
            report("navigation 360 px \(name)", phone)
            #expect((phone["titleTop"] as? Int ?? .max) < 150, "the title starts on the first screen")
            #expect(phone["chaptersShown"] as? Bool == false, "the chapters are folded")
            #expect(phone["buttonShown"] as? Bool == true)
            #expect(phone["chaptersShownAfterClick"] as? Bool == true, "the menu button unfolds them \(name)")
        }
    }
}
