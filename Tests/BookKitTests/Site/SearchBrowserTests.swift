import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The search box in headless Chromium, on the real book's pages rendered without running (`ReadingTests.site`):
/// a term gives a count, excerpts with the term marked (as text: the page builds them from text nodes), every
/// result within reach (no silent cut), arrow keys and Enter, `/` to focus, Chinese terms, no TeX command names,
/// and the term marked on the page a result opens. Figures are printed (`swift test --filter SearchBrowserTests`).
@Suite(.serialized, .enabled(if: HeadlessBrowser.executable() != nil, "needs chromium"))
struct SearchBrowserTests {
    static let probe = """
        (function () {
          var input = document.getElementById("search"), list = document.getElementById("search-results");
          function type(text) { input.value = text; input.dispatchEvent(new Event("input", { bubbles: true })); }
          function key(target, k) {
            var e = new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true });
            target.dispatchEvent(e); return e.defaultPrevented;
          }
          function links() { return Array.from(list.querySelectorAll("li a")); }
          function count() { var c = document.getElementById("search-count"); return c && !c.hidden ? c.textContent : ""; }
          function shown(e) { return !!e && e.getClientRects().length > 0; }
          var facts = {};
          if (document.activeElement) document.activeElement.blur();
          key(document.body, "/");
          facts.slashFocuses = document.activeElement === input && shown(input);
          var other = document.createElement("textarea"); document.body.appendChild(other); other.focus();
          var prevented = key(other, "/");
          facts.slashTypesInOtherInput = document.activeElement === other && !prevented; other.remove();
          input.focus();
          type("softmax");
          var marks = Array.from(list.querySelectorAll(".search-excerpt mark"));
          facts.softmax = { count: count(), shown: links().length, excerpts: list.querySelectorAll(".search-excerpt").length,
            marks: marks.length, hitsWithAMark: Array.from(list.querySelectorAll("li.search-hit")).filter(function (li) { return li.querySelector("mark"); }).length,
            marksAreTheTerm: marks.every(function (m) { return m.textContent.toLowerCase() === "softmax"; }),
            excerptsHoldOnlyMarks: Array.from(list.querySelectorAll(".search-excerpt *")).every(function (e) { return e.tagName === "MARK"; }) };
          var more = list.querySelector(".search-more");
          facts.softmax.moreButton = !!more;
          if (more) { more.click(); facts.softmax.afterMore = links().length; facts.softmax.countAfterMore = count(); }
          type("residual");
          ["ArrowDown", "ArrowDown", "ArrowUp", "ArrowDown"].forEach(function (k) { key(input, k); });
          var selected = list.querySelectorAll("[aria-selected=true]");
          var opened = null;
          document.addEventListener("click", function (e) {
            var a = e.target.closest && e.target.closest("a"); if (a) { opened = a.getAttribute("href"); e.preventDefault(); }
          }, true);
          key(input, "Enter");
          facts.keys = { count: count(), selected: selected.length, activeDescendant: input.getAttribute("aria-activedescendant") || "",
            second: links().length > 1 ? links()[1].getAttribute("href") : null, opened: opened };
          type("残差");
          facts.chinese = { count: count(), first: links().length ? links()[0].getAttribute("href") : null };
          type("boldsymbol");
          facts.boldsymbol = { count: count(), results: links().length };
          type("mathrm");
          facts.mathrm = { count: count(), results: links().length };
          type("residual <img src=x onerror=alert(1)>");
          facts.injected = list.querySelectorAll("img").length;
          return JSON.stringify(facts);
        })()
        """

    /// What the landed page marks: the `mark` elements in `main`, their text, whether the first one in the linked
    /// section is on screen, and whether the page's text is unchanged (the marks wrap text, they add none).
    static let landedProbe = """
        (function () {
          var marks = Array.from(document.querySelectorAll("main mark"));
          var anchor = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
          var after = marks.filter(function (m) { return !anchor || anchor.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING; });
          var first = after[0] ? after[0].getBoundingClientRect() : null;
          return JSON.stringify({ marks: marks.length,
            texts: Array.from(new Set(marks.map(function (m) { return m.textContent.toLowerCase(); }))),
            firstOnScreen: !!first && first.top >= 0 && first.bottom <= innerHeight,
            text: document.querySelector("main").textContent.length, images: document.querySelectorAll("main img").length });
        })()
        """

    private func report(_ name: String, _ figures: [String: Any]) {
        let data = try? JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        print("SearchBrowserTests \(name): \(String(decoding: data ?? Data(), as: UTF8.self))")
    }

    private func json(_ visit: HeadlessBrowser.PageReport) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data((visit.evaluation as? String ?? "{}").utf8)) as? [String: Any]
            ?? [:]
    }

    @Test func searchCountsMarksNavigatesAndFindsChinese() throws {
        let browser = try HeadlessBrowser()
        let site = ReadingTests.site
        let page = ReadingTests.codePage
        var landing: String?
        for width in [1280, 360] {
            let visit = try browser.visit(site.appendingPathComponent(page), width: width, evaluate: Self.probe)
            #expect(visit.problems.isEmpty, "\(visit.problems)")
            let found = try json(visit)
            report("\(page) at \(width) px", found)
            #expect(found["slashFocuses"] as? Bool == true, "/ focuses the search box at \(width) px")
            #expect(found["slashTypesInOtherInput"] as? Bool == true, "/ is left to another input")
            let softmax = found["softmax"] as? [String: Any] ?? [:]
            let total = Int((softmax["count"] as? String ?? "").prefix { $0.isNumber }) ?? 0
            #expect(total > 20, "\"softmax\" has more than 20 results: \(softmax["count"] ?? "")")
            #expect((softmax["count"] as? String ?? "").contains("showing 20 of \(total)"))
            #expect(softmax["shown"] as? Int == 20)
            #expect(softmax["afterMore"] as? Int == total, "the button shows every result")
            #expect(softmax["excerpts"] as? Int == 20)
            #expect(softmax["hitsWithAMark"] as? Int == 20, "each result marks the term (its excerpt, or its title)")
            #expect((softmax["marks"] as? Int ?? 0) >= 15 && softmax["marksAreTheTerm"] as? Bool == true)
            #expect(softmax["excerptsHoldOnlyMarks"] as? Bool == true)
            let keys = found["keys"] as? [String: Any] ?? [:]
            #expect(keys["selected"] as? Int == 1)
            #expect(keys["opened"] as? String != nil && keys["opened"] as? String == keys["second"] as? String)
            #expect((keys["opened"] as? String ?? "").contains("?q=residual"))
            landing = keys["opened"] as? String
            let chinese = found["chinese"] as? [String: Any] ?? [:]
            #expect((chinese["first"] as? String ?? "").hasPrefix("why-residuals.html"), "残差 finds its chapter")
            #expect(
                (chinese["count"] as? String ?? "").hasPrefix("1 result")
                    || (chinese["count"] as? String ?? "").contains("results"))
            let bold = found["boldsymbol"] as? [String: Any] ?? [:], mathrm = found["mathrm"] as? [String: Any] ?? [:]
            #expect(bold["results"] as? Int == 0 && bold["count"] as? String == "No results")
            #expect(mathrm["results"] as? Int == 0)
            #expect(found["injected"] as? Int == 0)
        }
        // The page a result opens marks the term, and only wraps its text.
        let target = try #require(landing)
        let (path, fragment) = (String(target.prefix { $0 != "?" }), target.split(separator: "#").dropFirst().first)
        let plain = try json(browser.visit(site.appendingPathComponent(path), width: 1280, evaluate: Self.landedProbe))
        for query in ["residual", "residual%20%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"] {
            let url = try #require(
                URL(
                    string: site.appendingPathComponent(path).absoluteString + "?q=\(query)"
                        + (fragment.map { "#\($0)" } ?? "")))
            let visit = try browser.visit(url, width: 1280, evaluate: Self.landedProbe)
            #expect(visit.problems.isEmpty, "\(visit.problems)")
            let landed = try json(visit)
            report("landed \(path) q=\(query)", landed)
            #expect((landed["marks"] as? Int ?? 0) > 0)
            #expect(landed["texts"] as? [String] == ["residual"])
            #expect(landed["firstOnScreen"] as? Bool == true)
            #expect(landed["text"] as? Int == plain["text"] as? Int, "the marks add no text")
            #expect(landed["images"] as? Int == plain["images"] as? Int)
        }
    }
}
