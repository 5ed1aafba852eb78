import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// Renders every page of the real book in headless Chromium (when it is installed; `.ci/deps` installs it),
/// at desktop and phone width: no console error, no failed load (fonts, stylesheets), no KaTeX error, no
/// raw LaTeX in the visible text, no page wider than the screen. Screenshots of every page (the chapters, index,
/// claims and API reference pages) at both widths go to `.build/book/screenshots/`, whole in light mode and their
/// first screen in dark mode.
@Suite(.serialized) struct BrowserTests {
    static let root = Fixtures.packageRoot
    static let screenshots = root.appendingPathComponent(".build/book/screenshots")

    /// Counts what a reader should never see, once the fonts the page asked for have loaded or failed
    /// (`document.fonts.ready`; the browser awaits the promise): KaTeX and math errors, raw LaTeX, the
    /// formulas KaTeX rendered, font faces that failed, KaTeX font faces loaded, and the page's width.
    static let probe = """
        document.fonts.ready.then(function () {
          var visible = Array.from(document.querySelectorAll("p, li, td, h1, h2, h3"))
            .map(function (e) { return e.innerText; }).join("\\n");
          var faces = Array.from(document.fonts);
          return JSON.stringify({
            katexErrors: document.querySelectorAll(".katex-error, .math-error").length,
            rawLaTeX: /\\$\\$|\\\\begin\\{|\\\\frac|\\\\eqref/.test(visible),
            formulas: document.querySelectorAll(".katex").length,
            fontsLoaded: document.fonts.status,
            fontsFailed: faces.filter(function (f) { return f.status === "error"; }).map(function (f) { return f.family; }),
            katexFontsLoaded: faces.filter(function (f) { return f.family.indexOf("KaTeX") >= 0 && f.status === "loaded"; }).length,
            width: document.documentElement.scrollWidth
          });
        })
        """

    /// Formulas the page of `chapter` must show: its prose math and the math of its differences box.
    static func formulas(in chapter: ChapterSource) -> Int {
        let parsed = Parse.chapter(chapter)
        let (extracted, _) = Extract.chapter(parsed)
        return parsed.math.spans.count + MathProtection(extracted.boxes.differences ?? "", codeLines: []).spans.count
    }

    @Test(.enabled(if: HeadlessBrowser.executable() != nil, "needs chromium"))
    func everyPageRendersCleanly() throws {
        // Build the real book into a scratch output (programs and math come from the build cache).
        let output = Self.root.appendingPathComponent(".build/book/browser-site")
        var options = BookBuilder.Options(root: Self.root)
        options.output = output
        let report = try BookBuilder(options: options).build()
        #expect(report.errors.isEmpty, "\(report.errors.map(\.description).joined(separator: "\n"))")

        try? FileManager.default.removeItem(at: Self.screenshots)
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        let browser = try HeadlessBrowser()
        let pages = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasSuffix(".html") }
            .sorted()
        #expect(pages.contains("index.html"))
        let book = try Load.book(root: Self.root)
        let chapters = Dictionary(uniqueKeysWithValues: book.chapters.map { ("\($0.slug).html", $0) })
        #expect(
            book.chapters.contains { Self.formulas(in: $0) > 0 },
            "the book has math, so the KaTeX checks below are exercised")
        for page in pages {
            for width in [1280, 360] {
                let visit = try browser.visit(output.appendingPathComponent(page), width: width, evaluate: Self.probe)
                #expect(visit.problems.isEmpty, "\(page) at \(width) px: \(visit.problems)")
                let facts =
                    try JSONSerialization.jsonObject(with: Data((visit.evaluation as? String ?? "{}").utf8))
                    as? [String: Any] ?? [:]
                #expect(facts["katexErrors"] as? Int == 0, "\(page): KaTeX errors")
                #expect(facts["rawLaTeX"] as? Bool == false, "\(page): raw LaTeX is visible")
                #expect((facts["width"] as? Int ?? 0) <= width + 1, "\(page) scrolls sideways at \(width) px")
                #expect(facts["fontsLoaded"] as? String == "loaded", "\(page): fonts \(facts["fontsLoaded"] ?? "nil")")
                #expect(
                    (facts["fontsFailed"] as? [String])?.isEmpty == true,
                    "\(page): fonts failed: \(facts["fontsFailed"] ?? "nil")")
                if let chapter = chapters[page] {
                    // Every formula of the chapter became KaTeX (none dropped, none left as text), in KaTeX's fonts.
                    let expected = Self.formulas(in: chapter)
                    #expect(
                        facts["formulas"] as? Int == expected,
                        "\(page): \(facts["formulas"] ?? "nil") formulas rendered, \(expected) in the chapter")
                    if expected > 0 {
                        #expect((facts["katexFontsLoaded"] as? Int ?? 0) > 0, "\(page): no KaTeX font loaded")
                    }
                }
                try visit.screenshot.write(
                    to: Self.screenshots.appendingPathComponent("\(page.dropLast(5))-\(width).png"))
                // The same page in dark mode, without loading it again (the theme is a media feature): its
                // background turns dark, and its screenshot is kept beside the light one.
                try browser.command(
                    "Emulation.setEmulatedMedia",
                    ["media": "", "features": [["name": "prefers-color-scheme", "value": "dark"]]])
                let background = try browser.evaluate(
                    "getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number).reduce(function (a, b) { return Math.max(a, b); })"
                )
                #expect(
                    (background as? Int ?? 255) < 60,
                    "\(page) at \(width) px: dark mode background \(background ?? "nil")")
                // The first screen only: a full-page capture of the long API pages doubled the test's time.
                let dark = try browser.command(
                    "Page.captureScreenshot", ["format": "png", "captureBeyondViewport": false])
                try (Data(base64Encoded: dark["data"] as? String ?? "") ?? Data()).write(
                    to: Self.screenshots.appendingPathComponent("\(page.dropLast(5))-\(width)-dark.png"))
            }
        }

        // The search box finds every chapter by the longest word of its title (hits in titles rank first).
        for chapter in book.chapters {
            let word =
                chapter.title.split(whereSeparator: { !$0.isLetter }).map(String.init)
                .max { $0.count < $1.count } ?? chapter.title
            let query = """
                (function () {
                  var input = document.getElementById("search");
                  input.value = "\(word)";
                  input.dispatchEvent(new Event("input"));
                  return Array.from(document.querySelectorAll("#search-results a")).map(function (a) { return a.getAttribute("href"); }).join(" ");
                })()
                """
            let visit = try browser.visit(output.appendingPathComponent("index.html"), width: 1280, evaluate: query)
            let links = visit.evaluation as? String ?? ""
            #expect(links.contains("\(chapter.slug).html"), "searching '\(word)' finds \(chapter.slug): \(links)")
        }
    }

    /// Every identifier link of every chapter's snippets (`a.api-link`) lands, offline from `file://`, on an API
    /// page whose element with that id exists: one visit per chapter to collect the links, one per API page to
    /// look their anchors up in the page's DOM (ids such as `init(hiddenSize:types:headSize:rng:)`).
    @Test(.enabled(if: HeadlessBrowser.executable() != nil, "needs chromium"))
    func identifierLinksLandOnTheirDocumentation() throws {
        let output = Self.root.appendingPathComponent(".build/book/browser-links-site")
        var options = BookBuilder.Options(root: Self.root)
        options.output = output
        let report = try BookBuilder(options: options).build()
        #expect(report.errors.isEmpty, "\(report.errors.map(\.description).joined(separator: "\n"))")
        let browser = try HeadlessBrowser()
        let book = try Load.book(root: Self.root)
        let collect = """
            JSON.stringify(Array.from(document.querySelectorAll("pre a.api-link")).map(function (a) { return a.href; }))
            """
        var anchors: [String: Set<String>] = [:]  // API page → ids the links need
        var linkCount = 0
        for chapter in book.chapters {
            let visit = try browser.visit(
                output.appendingPathComponent("\(chapter.slug).html"), width: 1280, evaluate: collect)
            let hrefs =
                try JSONSerialization.jsonObject(with: Data((visit.evaluation as? String ?? "[]").utf8)) as? [String]
                ?? []
            linkCount += hrefs.count
            for href in hrefs {
                let url = try #require(URL(string: href))
                #expect(url.isFileURL, "\(chapter.slug): \(href) is not a local file")
                #expect(url.lastPathComponent.hasPrefix("api."), "\(chapter.slug): \(href)")
                anchors[url.lastPathComponent, default: []].insert(url.fragment(percentEncoded: false) ?? "")
            }
        }
        #expect(linkCount > 100, "the book's snippets link the library: \(linkCount) links")
        for (page, ids) in anchors.sorted(by: { $0.key < $1.key }) {
            let list = String(decoding: try JSONSerialization.data(withJSONObject: ids.sorted()), as: UTF8.self)
            let missing = """
                JSON.stringify(\(list).filter(function (id) { return id !== "" && !document.getElementById(id); }))
                """
            let visit = try browser.visit(output.appendingPathComponent(page), width: 1280, evaluate: missing)
            #expect(visit.problems.isEmpty, "\(page): \(visit.problems)")
            #expect(visit.evaluation as? String == "[]", "\(page): no element for \(visit.evaluation ?? "nil")")
        }
    }

    /// The checks can fail: a page with a script error, a missing image, raw LaTeX, and a formula whose font
    /// is missing is reported.
    @Test(.enabled(if: HeadlessBrowser.executable() != nil, "needs chromium"))
    func brokenPageIsReported() throws {
        let scratch = try ScratchFolder("broken-page")
        defer { scratch.remove() }
        let page = scratch.url("broken.html")
        try scratch.write(
            "broken.html",
            """
            <html><head><style>@font-face { font-family: KaTeX_Main; src: url(missing.woff2); } .katex { font-family: KaTeX_Main; }</style></head>
            <body><p>$$x$$</p><p><span class="katex">x</span></p><img src="missing.png" alt=""><script>throw new Error("boom")</script></body></html>
            """)
        let visit = try HeadlessBrowser().visit(page, width: 800, evaluate: Self.probe)
        #expect(visit.problems.contains { $0.contains("boom") || $0.contains("exception") })
        #expect(visit.problems.contains { $0.contains("missing.png") || $0.contains("ERR_FILE_NOT_FOUND") })
        let facts =
            try JSONSerialization.jsonObject(with: Data((visit.evaluation as? String ?? "{}").utf8)) as? [String: Any]
            ?? [:]
        #expect(facts["rawLaTeX"] as? Bool == true)
        #expect(facts["formulas"] as? Int == 1)
        #expect(facts["fontsFailed"] as? [String] == ["KaTeX_Main"])
        #expect(facts["katexFontsLoaded"] as? Int == 0)
    }
}
