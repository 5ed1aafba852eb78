import Foundation
import Testing
@testable import BookKit
import BookTestSupport

/// Renders every page of the real book in headless Chromium (when it is installed; `.ci/deps` installs it),
/// at desktop and phone width: no console error, no failed load (fonts, stylesheets), no KaTeX error, no
/// raw LaTeX in the visible text. Screenshots go to `.build/book/screenshots/`.
@Suite(.serialized) struct BrowserTests {
    static let root = Fixtures.packageRoot
    static let screenshots = root.appendingPathComponent(".build/book/screenshots")

    /// Counts what a reader should never see.
    static let probe = """
    (function () {
      var visible = Array.from(document.querySelectorAll("p, li, td, h1, h2, h3"))
        .map(function (e) { return e.innerText; }).join("\\n");
      return JSON.stringify({
        katexErrors: document.querySelectorAll(".katex-error, .math-error").length,
        rawLaTeX: /\\$\\$|\\\\begin\\{|\\\\frac|\\\\eqref/.test(visible),
        formulas: document.querySelectorAll(".katex").length,
        fontsLoaded: document.fonts.status,
        width: document.documentElement.scrollWidth
      });
    })()
    """

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
        let pages = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasSuffix(".html") }.sorted()
        #expect(pages.contains("index.html"))
        for page in pages {
            for width in [1280, 360] {
                let visit = try browser.visit(output.appendingPathComponent(page), width: width, evaluate: Self.probe)
                #expect(visit.problems.isEmpty, "\(page) at \(width) px: \(visit.problems)")
                let facts = try JSONSerialization.jsonObject(with: Data((visit.evaluation as? String ?? "{}").utf8)) as? [String: Any] ?? [:]
                #expect(facts["katexErrors"] as? Int == 0, "\(page): KaTeX errors")
                #expect(facts["rawLaTeX"] as? Bool == false, "\(page): raw LaTeX is visible")
                #expect((facts["width"] as? Int ?? 0) <= width + 1, "\(page) scrolls sideways at \(width) px")
                try visit.screenshot.write(to: Self.screenshots.appendingPathComponent("\(page.dropLast(5))-\(width).png"))
            }
        }

        // The search box finds every chapter by the longest word of its title (hits in titles rank first).
        let book = try Load.book(root: Self.root)
        for chapter in book.chapters {
            let word = chapter.title.split(whereSeparator: { !$0.isLetter }).map(String.init)
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

    /// The check can fail: a page with a script error and a missing image is reported.
    @Test(.enabled(if: HeadlessBrowser.executable() != nil, "needs chromium"))
    func brokenPageIsReported() throws {
        let scratch = try ScratchFolder("broken-page")
        defer { scratch.remove() }
        let page = scratch.url("broken.html")
        try scratch.write("broken.html", "<html><body><p>$$x$$</p><img src=\"missing.png\" alt=\"\"><script>throw new Error(\"boom\")</script></body></html>")
        let visit = try HeadlessBrowser().visit(page, width: 800, evaluate: Self.probe)
        #expect(visit.problems.contains { $0.contains("boom") || $0.contains("exception") })
        #expect(visit.problems.contains { $0.contains("missing.png") || $0.contains("ERR_FILE_NOT_FOUND") })
        let facts = try JSONSerialization.jsonObject(with: Data((visit.evaluation as? String ?? "{}").utf8)) as? [String: Any] ?? [:]
        #expect(facts["rawLaTeX"] as? Bool == true)
    }
}
