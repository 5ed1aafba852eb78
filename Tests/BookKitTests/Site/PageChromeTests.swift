import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The page chrome of issue 16's "Smaller" items, in headless Chromium at 1280 and 360 px on the real book's
/// pages (`RecordedBook`): the theme toggle, the skip link, table borders, the current section in the sidebar,
/// ←/→ between chapters; and the screenshots of every page kept as test artefacts. Each test prints its
/// figures (`swift test --filter PageChromeTests` shows them).
@Suite(.serialized, .enabled(if: HeadlessBrowser.executable() != nil, "needs chromium"))
struct PageChromeTests {
    static let chapters: (Book, [CheckedChapter]) = RecordedBook.chapters()

    /// Screenshots of the probes' visits (`PAGE-WIDTH-TEST.png`).
    static let screenshots = Fixtures.packageRoot.appendingPathComponent(".build/book/chrome-screenshots")

    /// The site of those pages, written once per test process (to `.build/book/chrome-site`).
    static let site: URL = RecordedBook.writeSite(chapters.0, chapters.1, name: "chrome", screenshots: screenshots)

    /// Every page of the site: the index, the claims page, each chapter.
    static var pages: [String] {
        ["index.html", "claims.html"] + chapters.1.map { $0.chapter.source.slug + ".html" }
    }

    /// The chapter whose sidebar lists the most sections: the one the scrollspy probe reads.
    static var sectionsPage: String {
        func count(_ page: String) -> Int {
            let html = (try? String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)) ?? ""
            return html.components(separatedBy: "<li class=\"level-").count
        }
        return pages.max { count($0) < count($1) }!
    }

    static func html(_ page: String) throws -> String {
        try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
    }

    private func facts(
        _ browser: HeadlessBrowser, _ page: String, width: Int, dark: Bool = false, _ probe: String,
        test: String = #function
    ) throws -> [String: Any] {
        let visit = try browser.visit(
            Self.site.appendingPathComponent(page), width: width, dark: dark, evaluate: probe)
        #expect(visit.problems.isEmpty, "\(page) at \(width) px: \(visit.problems)")
        let name = "\(page.dropLast(".html".count))-\(width)\(dark ? "-dark" : "")-\(test.prefix { $0 != "(" }).png"
        try visit.screenshot.write(to: Self.screenshots.appendingPathComponent(name))
        return Self.json(visit.evaluation)
    }

    static func json(_ value: Any?) -> [String: Any] {
        let text = value as? String ?? "{}"
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    private func report(_ name: String, _ figures: [String: Any]) {
        let data = try? JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        print("PageChromeTests \(name): \(String(decoding: data ?? Data(), as: UTF8.self))")
    }

    /// The page without its scripts, written beside it (`no-scripts-PAGE`): what a reader without JavaScript gets.
    private func withoutScripts(_ page: String) throws -> String {
        let html = try String(contentsOf: Self.site.appendingPathComponent(page), encoding: .utf8)
        let stripped = html.replacingOccurrences(
            of: #"<script src="[^"]*"></script>"#, with: "", options: .regularExpression)
        #expect(stripped != html && !stripped.contains("<script"))
        try stripped.write(
            to: Self.site.appendingPathComponent("no-scripts-" + page), atomically: true, encoding: .utf8)
        return "no-scripts-" + page
    }

    // MARK: 1. Theme

    /// What a page shows of its theme: the root's `data-theme` and `color-scheme`, the body's background
    /// luminance, the toggle button, and (recorded by `themeAtBody`) the theme in force when `<body>` began.
    static let themeProbe = """
        (function () {
          var c = getComputedStyle(document.body).backgroundColor.match(/\\d+(\\.\\d+)?/g).map(Number);
          var button = document.querySelector("button.theme-toggle");
          return JSON.stringify({ theme: document.documentElement.getAttribute("data-theme") || "auto",
            colorScheme: getComputedStyle(document.documentElement).colorScheme,
            background: Math.round(0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]),
            button: button ? button.textContent : null, buttonLabel: button ? button.getAttribute("aria-label") : null,
            atBody: window.__themeAtBody || null });
        })()
        """

    /// Run before any script of each page: records the theme and colour scheme in force when `<body>` is inserted
    /// (nothing is painted before), so a theme applied later, after a first paint in the wrong one, shows.
    static let themeAtBody = """
        new MutationObserver(function (m, observer) {
          if (!document.body) return;
          observer.disconnect();
          window.__themeAtBody = (document.documentElement.getAttribute("data-theme") || "auto") + " " +
            getComputedStyle(document.documentElement).colorScheme;
        }).observe(document, { childList: true, subtree: true });
        """

    /// The toggle cycles auto → light → dark → auto; the choice holds on the next page (localStorage, from
    /// file://) and is in force before `<body>` begins (no flash of the other theme); `color-scheme` follows it;
    /// the dark theme's colours are the system dark mode's. Without scripts the page follows the system and
    /// shows no button.
    @Test func themeToggleChoosesKeepsAndAppliesBeforePaint() throws {
        let browser = try HeadlessBrowser()
        try browser.command("Page.addScriptToEvaluateOnNewDocument", ["source": Self.themeAtBody])
        let first = Self.pages[2], second = Self.pages[3]
        for width in [1280, 360] {
            let start = try facts(browser, first, width: width, "localStorage.clear(), " + Self.themeProbe)
            report("theme \(width) px start", start)
            #expect(start["button"] is String, "a theme button at \(width) px")
            #expect(start["colorScheme"] as? String == "light dark", "auto declares both schemes")
            var seen: [String] = []
            for _ in 0..<3 {
                let after = Self.json(
                    try browser.evaluate("document.querySelector('button.theme-toggle').click(), " + Self.themeProbe))
                seen.append("\(after["theme"] ?? "?")/\(after["colorScheme"] ?? "?")/\(after["background"] ?? "?")")
                if after["theme"] as? String == "dark" {
                    let next = try facts(browser, second, width: width, Self.themeProbe)
                    report("theme \(width) px next page after dark", next)
                    #expect(next["theme"] as? String == "dark", "the choice holds on the next page")
                    #expect(next["atBody"] as? String == "dark dark", "dark before <body> began")
                    #expect((next["background"] as? Int ?? 255) < 60)
                    _ = try facts(browser, first, width: width, Self.themeProbe)
                }
            }
            report("theme \(width) px cycle", ["cycle": seen])
            #expect(seen == ["light/light/253", "dark/dark/23", "auto/light dark/253"], "\(seen)")
        }
        // The dark theme chosen on a light system has the colours of the system's dark mode (one palette, twice).
        let palette = """
            JSON.stringify((function () {
              var names = ["--fg", "--bg", "--muted", "--code-bg", "--link", "--kw", "--s0", "--s5", "--rule"], out = {};
              names.forEach(function (n) { out[n] = getComputedStyle(document.documentElement).getPropertyValue(n).trim(); });
              return out; })())
            """
        _ = try facts(browser, first, width: 1280, dark: true, "localStorage.clear()")
        let systemDark = try facts(browser, first, width: 1280, dark: true, palette)
        _ = try browser.evaluate("localStorage.setItem('book-theme', 'dark')")
        let chosenDark = try facts(browser, first, width: 1280, palette)
        _ = try browser.evaluate("localStorage.setItem('book-theme', 'light')")
        let chosenLight = try facts(browser, first, width: 1280, dark: true, palette)
        _ = try browser.evaluate("localStorage.clear()")
        let systemLight = try facts(browser, first, width: 1280, palette)
        #expect(systemDark as NSDictionary == chosenDark as NSDictionary, "\(systemDark) vs \(chosenDark)")
        #expect(systemLight as NSDictionary == chosenLight as NSDictionary, "\(systemLight) vs \(chosenLight)")
        // Without scripts: the system's scheme, and no button that would do nothing.
        let scriptless = try withoutScripts(first)
        for dark in [false, true] {
            let found = try facts(browser, scriptless, width: 360, dark: dark, Self.themeProbe)
            report("theme without scripts dark=\(dark)", found)
            #expect(found["button"] is NSNull || found["button"] == nil, "no dead button")
            #expect(dark ? (found["background"] as? Int ?? 255) < 60 : (found["background"] as? Int ?? 0) > 200)
        }
    }

    // MARK: 2. Skip link

    /// The first Tab reaches a "Skip to content" link, visible while focused (hidden otherwise), that moves the
    /// focus to the page's main content.
    @Test func skipLinkIsFirstFocusableAndVisibleOnFocus() throws {
        let describe = """
            (function (e) { if (!e || e === document.body) return "body";
              var r = e.getBoundingClientRect();
              return JSON.stringify({ tag: e.tagName.toLowerCase(), cls: e.className || "", text: (e.textContent || e.getAttribute("aria-label") || "").trim().slice(0, 30),
                href: e.getAttribute("href"), visible: r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 && r.left < innerWidth && r.top < innerHeight && getComputedStyle(e).opacity !== "0" });
            })(document.activeElement)
            """
        let browser = try HeadlessBrowser()
        for width in [1280, 360] {
            let before = try facts(
                browser, Self.pages[2], width: width,
                """
                JSON.stringify((function () { var s = document.querySelector("a.skip-link"); if (!s) return { skip: false };
                  var r = s.getBoundingClientRect(); return { skip: true, hiddenUnfocused: r.bottom <= 0 || r.right <= 0 || r.width <= 1 || r.height <= 1 }; })())
                """)
            var order: [String] = []
            for _ in 0..<4 {
                try browser.press("Tab", code: "Tab", keyCode: 9)
                order.append(try browser.evaluate(describe) as? String ?? "?")
            }
            let first = Self.json(order.first)
            let afterSkip = Self.json(
                try browser.evaluate(
                    """
                    (function () { var s = document.querySelector("a.skip-link"); if (!s) return "{}";
                      s.focus(); s.click(); var target = document.getElementById((s.getAttribute("href") || "#").slice(1));
                      return JSON.stringify({ focusInMain: !!document.activeElement.closest("main"), targetIsMain: !!target && target.tagName === "MAIN" }); })()
                    """))
            report("skip link \(width) px", ["before": before, "focusOrder": order, "afterSkip": afterSkip])
            #expect(first["cls"] as? String == "skip-link" && first["text"] as? String == "Skip to content")
            #expect(first["visible"] as? Bool == true, "visible on focus at \(width) px")
            #expect(before["hiddenUnfocused"] as? Bool == true, "out of sight until focused")
            #expect(afterSkip["focusInMain"] as? Bool == true && afterSkip["targetIsMain"] as? Bool == true)
        }
    }

    // MARK: 3. Table borders

    /// Every drawn border of a table in the pages' main column has at least 3:1 contrast with the background
    /// behind it (WCAG 1.4.11, non-text contrast), in light and dark, and no border is thicker than 2 px; every
    /// table draws some.
    @Test func tableBordersHaveThreeToOneContrast() throws {
        let probe = """
            (function () {
              function rgb(s) { var m = s.match(/[\\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; }
              function lum(c) { var v = c.slice(0, 3).map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
                return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
              function background(e) { for (; e; e = e.parentElement) { var c = rgb(getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; }
              var min = 99, widest = 0, tables = 0, bare = 0, sides = 0;
              document.querySelectorAll("main table").forEach(function (table) {
                tables++; var drawn = 0;
                table.querySelectorAll("th, td, tr").forEach(function (cell) {
                  var s = getComputedStyle(cell), behind = lum(background(cell.parentElement));
                  ["Top", "Right", "Bottom", "Left"].forEach(function (side) {
                    var w = parseFloat(s["border" + side + "Width"]), style = s["border" + side + "Style"];
                    if (!(w > 0) || style === "none" || style === "hidden") return;
                    var c = rgb(s["border" + side + "Color"]); if (c.length > 3 && c[3] === 0) return;
                    var l = lum(c), ratio = (Math.max(l, behind) + 0.05) / (Math.min(l, behind) + 0.05);
                    min = Math.min(min, ratio); widest = Math.max(widest, w); drawn++; sides++;
                  });
                });
                if (drawn === 0) bare++;
              });
              return JSON.stringify({ tables: tables, sides: sides, minContrast: Math.round(min * 100) / 100, widest: widest, tablesWithoutBorders: bare });
            })()
            """
        let browser = try HeadlessBrowser()
        var tables = 0
        for dark in [false, true] {
            for width in [1280, 360] {
                var least = 99.0
                for page in Self.pages where try Self.html(page).contains("<table") {
                    let found = try facts(browser, page, width: width, dark: dark, probe)
                    guard (found["tables"] as? Int ?? 0) > 0 else { continue }
                    tables += found["tables"] as? Int ?? 0
                    least = min(least, found["minContrast"] as? Double ?? 0)
                    #expect((found["minContrast"] as? Double ?? 0) >= 3, "\(page) \(width) px dark=\(dark): \(found)")
                    #expect((found["widest"] as? Double ?? 9) <= 2, "\(page): borders no heavier than 2 px")
                    #expect(found["tablesWithoutBorders"] as? Int == 0, "\(page): a table with no border")
                }
                report("table borders \(width) px dark=\(dark)", ["minContrast": least])
            }
        }
        #expect(tables > 0, "the book has tables")
    }

    // MARK: 4. Current section

    /// Scrolling the chapter marks its current section in the sidebar (`aria-current="location"`, one at a time):
    /// a section whose heading is scrolled to the top, and the last section at the end of the page.
    @Test func sidebarMarksTheCurrentSection() throws {
        let probe = """
            (async function () {
              function frames() { return new Promise(function (r) { requestAnimationFrame(function () { requestAnimationFrame(function () { setTimeout(r, 50); }); }); }); }
              var links = Array.from(document.querySelectorAll(".sidebar .sections a[href^='#']"));
              var headings = links.map(function (a) { var e = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
                return e && (e.closest("h1, h2, h3, h4, h5, h6") || e); });
              function current() { var marked = Array.from(document.querySelectorAll(".sidebar [aria-current='location']"));
                return { count: marked.length, href: marked.length ? marked[0].getAttribute("href") : null }; }
              var checked = 0, wrong = [], counts = [], inSidebar = true, tops = [];
              for (var i = 0; i < headings.length; i++) {
                var h = headings[i], next = headings[i + 1];
                if (!h) continue;
                window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY); await frames();
                tops.push(Math.round(h.getBoundingClientRect().top) + "/" + (next ? Math.round(next.getBoundingClientRect().top) : "-"));
                // A heading near the end cannot reach the top: the end of the page rules there (checked below).
                if (Math.abs(h.getBoundingClientRect().top) > 2) continue;
                // Only headings whose next section starts well below: then this section is the one being read.
                if (next && next.getBoundingClientRect().top < innerHeight * 0.4) continue;
                var now = current(); checked++; counts.push(now.count);
                if (now.href !== links[i].getAttribute("href")) wrong.push(links[i].getAttribute("href") + " -> " + now.href);
                var nav = document.querySelector(".sidebar"), r = links[i].getBoundingClientRect(), n = nav.getBoundingClientRect();
                if (innerWidth > 900 && (r.top < n.top || r.bottom > n.bottom)) inSidebar = false;
              }
              window.scrollTo(0, document.documentElement.scrollHeight); await frames();
              var end = current();
              return JSON.stringify({ sections: links.length, checked: checked, wrong: wrong, counts: counts, atEnd: end.href,
                last: links.length ? links[links.length - 1].getAttribute("href") : null, inSidebar: inSidebar,
                tops: tops, innerHeight: innerHeight, pageWidth: document.documentElement.scrollWidth,
                scale: window.visualViewport ? visualViewport.scale : 1 });
            })()
            """
        let browser = try HeadlessBrowser()
        for width in [1280, 360] {
            let found = try facts(browser, Self.sectionsPage, width: width, probe)
            report("current section \(width) px", found)
            #expect((found["sections"] as? Int ?? 0) >= 3 && (found["checked"] as? Int ?? 0) >= 2)
            #expect((found["wrong"] as? [Any] ?? [1]).isEmpty, "\(found["wrong"] ?? "")")
            #expect((found["counts"] as? [Int] ?? [0]).allSatisfy { $0 == 1 }, "one current section at a time")
            #expect(found["atEnd"] as? String == found["last"] as? String, "the last section at the end of the page")
            #expect(found["inSidebar"] as? Bool == true, "the current section is scrolled into the sidebar's view")
        }
    }

    // MARK: 5. Arrow keys

    /// → opens the next chapter and ← the previous one (the pager's links), but not with a modifier held and not
    /// while typing in an input.
    @Test func arrowKeysTurnThePage() throws {
        // Follows of the pager's links are recorded and stopped, so the page stays to be probed.
        let intercept = """
            window.__followed = [];
            document.addEventListener("click", function (e) { var a = e.target.closest && e.target.closest("a");
              if (a) { window.__followed.push(a.getAttribute("href")); e.preventDefault(); } }, true);
            JSON.stringify({ previous: (document.querySelector(".pager a.previous") || {}).getAttribute ? document.querySelector(".pager a.previous").getAttribute("href") : null,
                             next: (document.querySelector(".pager a.next") || {}).getAttribute ? document.querySelector(".pager a.next").getAttribute("href") : null })
            """
        let browser = try HeadlessBrowser()
        let page = Self.pages[3]
        for width in [1280, 360] {
            let pager = try facts(browser, page, width: width, intercept)
            func followed() throws -> [String] {
                try browser.evaluate("JSON.stringify(window.__followed.splice(0))").flatMap {
                    try? JSONSerialization.jsonObject(with: Data(($0 as? String ?? "[]").utf8)) as? [String]
                } ?? []
            }
            try browser.press("ArrowRight", code: "ArrowRight", keyCode: 39)
            let right = try followed()
            try browser.press("ArrowLeft", code: "ArrowLeft", keyCode: 37)
            let left = try followed()
            var withModifier: [String] = []
            for modifier in [1, 2, 4, 8] {
                try browser.press("ArrowRight", code: "ArrowRight", keyCode: 39, modifiers: modifier)
                withModifier += try followed()
            }
            _ = try browser.evaluate(
                "document.getElementById('nav-toggle').checked = true, document.getElementById('search').focus()")
            try browser.press("ArrowLeft", code: "ArrowLeft", keyCode: 37)
            let typing = try followed()
            report(
                "arrows \(width) px",
                ["pager": pager, "right": right, "left": left, "withModifier": withModifier, "inSearch": typing])
            #expect(right == [pager["next"] as? String].compactMap { $0 } && !right.isEmpty)
            #expect(left == [pager["previous"] as? String].compactMap { $0 } && !left.isEmpty)
            #expect(withModifier.isEmpty && typing.isEmpty)
        }
    }

    // MARK: 6. Screenshots of every page

    /// Pixel statistics of a PNG, computed by the browser (a canvas over a data URL, scaled to 200 px wide):
    /// the luminance's standard deviation and the share of pixels that differ from the top-left one.
    static func pixelStats(_ browser: HeadlessBrowser, _ png: Data) throws -> (deviation: Double, inked: Double) {
        let value = try browser.evaluate(
            """
            new Promise(function (resolve) {
              var img = new Image();
              img.onload = function () {
                var w = 200, h = Math.max(1, Math.min(8000, Math.round(img.height * w / img.width)));
                var canvas = document.createElement("canvas"); canvas.width = w; canvas.height = h;
                var g = canvas.getContext("2d"); g.drawImage(img, 0, 0, w, h);
                var d = g.getImageData(0, 0, w, h).data, n = w * h, sum = 0, sq = 0, inked = 0;
                for (var i = 0; i < d.length; i += 4) {
                  var y = 0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2]; sum += y; sq += y * y;
                  if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) > 24) inked++;
                }
                var mean = sum / n; resolve(JSON.stringify({ deviation: Math.sqrt(Math.max(0, sq / n - mean * mean)), inked: inked / n }));
              };
              img.onerror = function () { resolve(JSON.stringify({ deviation: -1, inked: -1 })); };
              img.src = "data:image/png;base64,\(png.base64EncodedString())";
            })
            """)
        let found = json(value)
        return (found["deviation"] as? Double ?? -1, found["inked"] as? Double ?? -1)
    }

    /// Every page at 1280 and 360 px, light and dark, kept in `.build/book/screenshots-all/PAGE-WIDTH-THEME.png`;
    /// none missing and none blank (a blank page, screenshotted here too, fails the same check).
    @Test func screenshotsOfEveryPageAreKept() throws {
        let folder = Fixtures.packageRoot.appendingPathComponent(".build/book/screenshots-all")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let browser = try HeadlessBrowser()
        var expected: Set<String> = []
        for page in Self.pages {
            for width in [1280, 360] {
                for dark in [false, true] {
                    let name = "\(page.dropLast(".html".count))-\(width)-\(dark ? "dark" : "light").png"
                    let visit = try browser.visit(
                        Self.site.appendingPathComponent(page), width: width, dark: dark,
                        evaluate: "document.fonts.ready.then(function () { return 1; })")
                    #expect(visit.problems.isEmpty, "\(name): \(visit.problems)")
                    try visit.screenshot.write(to: folder.appendingPathComponent(name))
                    expected.insert(name)
                }
            }
        }
        let written = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(
            written == expected, "missing: \(expected.subtracting(written)), extra: \(written.subtracting(expected))")
        // The check itself: a blank page must fail it.
        let blank = try browser.visit(URL(string: "about:blank")!, width: 360, evaluate: "1")
        let blankStats = try Self.pixelStats(browser, blank.screenshot)
        #expect(blankStats.deviation >= 0 && blankStats.deviation < 2 && blankStats.inked < 0.01, "\(blankStats)")
        var least = (deviation: Double.infinity, inked: Double.infinity, bytes: Int.max)
        for name in expected.sorted() {
            let png = try Data(contentsOf: folder.appendingPathComponent(name))
            let stats = try Self.pixelStats(browser, png)
            least = (min(least.deviation, stats.deviation), min(least.inked, stats.inked), min(least.bytes, png.count))
            #expect(stats.deviation >= 8 && stats.inked >= 0.02, "\(name) looks blank: \(stats), \(png.count) bytes")
        }
        report(
            "screenshots",
            [
                "pages": Self.pages.count, "files": written.count, "leastDeviation": least.deviation,
                "leastInked": least.inked, "leastBytes": least.bytes,
                "blank": ["deviation": blankStats.deviation, "inked": blankStats.inked],
            ])
    }
}
