import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// `book build --pdf` through the real executable on a scratch book of two chapters with formulas (one far wider
/// than the printed column), cross-chapter links and sections: one PDF of the whole book, published with the site
/// or not at all, and no Chromium left behind.
@Suite(.serialized)
struct BookPDFTests {
    static let one = """
        # Alpha and Ωmega

        First. See [the other](two.html) and [its sum](two.html#a-sum), and [all claims](claims.html).

        $$
        E = m c^2 \\label{eq:energy}
        $$

        One far wider than the column, by \\eqref{eq:energy}:

        $$
        L = \\sum_{i=1}^{n} \\sum_{j=1}^{m} \\left( y_{ij} \\log \\sigma(s_{ij}) + (1 - y_{ij}) \\log \\bigl(1 - \\sigma(s_{ij})\\bigr) \\right) + \\lambda_1 \\lVert W_1 \\rVert_F^2 + \\lambda_2 \\lVert W_2 \\rVert_F^2 + \\lambda_3 \\lVert W_3 \\rVert_F^2 + \\lambda_4 \\lVert W_4 \\rVert_F^2 \\label{eq:wide}
        $$

        ```swift
        print("one")
        ```

        ```output
        one
        ```

        """

    static let two = """
        # Beta chapter

        Second. Back to [the first](one.html).

        ## A sum

        $$
        s = \\sum_{i=1}^{n} x_i \\label{eq:sum}
        $$

        By \\eqref{eq:sum}, on the web at [Swift](https://www.swift.org).

        ```swift
        print("two")
        ```

        ```output
        two
        ```

        """

    private func scratch(_ name: String) throws -> ScratchBook {
        let book = try ScratchBook(name)
        try book.write("chapters/one.md", Self.one)
        try book.write("chapters/two.md", Self.two)
        return book
    }

    @Test(.enabled(if: ChromiumExecutable.find() != nil, "needs chromium"))
    func pdfHoldsTheWholeBookAndOnlyWithPdf() throws {
        let book = try scratch("pdf-whole")
        defer { book.remove() }
        let plain = try book.book(["build"])
        #expect(plain.status == 0, "\(plain.stderr)")
        let withoutPDF = book.snapshot("site")

        let run = try book.book(["build", "--pdf"])
        #expect(run.status == 0, "\(run.stderr)")
        let site = book.root.appendingPathComponent("site")
        let pdf = try Data(contentsOf: site.appendingPathComponent("book.pdf"))
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
        let facts = PDFFacts(pdf)
        print("BookPDFTests: \(facts.pages) pages, \(pdf.count) bytes, outline \(facts.outline)")
        // A title page and each chapter from a new sheet.
        #expect(facts.pages >= 3, "\(facts.pages) pages")
        for title in ["Alpha and Ωmega", "Beta chapter", "A sum"] {
            #expect(facts.outline.contains { $0.contains(title) }, "no bookmark '\(title)' in \(facts.outline)")
        }
        #expect(facts.hasOutline, "the PDF has a document outline")
        #expect(!facts.latin1.contains("file:"), "the PDF names no file: address (the staging folder)")
        #expect(run.stdout.contains("pdf   book.pdf: \(facts.pages) pages, \(pdf.count) bytes"), "\(run.stdout)")
        #expect(!run.stdout.contains("wider than the page"), "a formula is clipped: \(run.stdout)")
        // The index links the PDF and the book on one page; every link of the site resolves.
        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("href=\"book.pdf\"") && index.contains("href=\"print.html\""))
        #expect(try book.danglingLinks() == [])
        let printPage = try String(contentsOf: site.appendingPathComponent("print.html"), encoding: .utf8)
        let ids = Self.ids(in: printPage)
        #expect(ids.count == Set(ids).count, "duplicate ids on the print page")
        #expect(printPage.contains("href=\"#two--a-sum\"") && printPage.contains("href=\"#one\""))
        #expect(!printPage.contains("claims.html\">all claims"), "a link out of the book's chapters is dropped")
        #expect(book.leftovers() == [])

        // Determinism: a second build of the same book gives the same site, its PDF included.
        let first = book.snapshot("site")
        let again = try book.book(["build", "--pdf"])
        #expect(again.status == 0, "\(again.stderr)")
        let second = book.snapshot("site")
        #expect(Set(first.keys) == Set(second.keys))
        let differing = first.keys.filter { first[$0] != second[$0] }.sorted()
        #expect(differing == [], "files that differ between two builds: \(differing)")

        // Without --pdf the site is what it was before --pdf existed: no PDF, no print page, no link.
        let after = try book.book(["build"])
        #expect(after.status == 0)
        let snapshot = book.snapshot("site")
        #expect(snapshot == withoutPDF, "changed: \(snapshot.keys.filter { snapshot[$0] != withoutPDF[$0] }.sorted())")
    }

    @Test func missingChromiumIsAnEnvironmentErrorThatLeavesTheSite() throws {
        let book = try scratch("pdf-missing")
        defer { book.remove() }
        #expect(try book.book(["build"]).status == 0)
        let site = book.snapshot("site")
        let named = try book.book(["build", "--pdf"], environment: ["BOOK_CHROMIUM": "/nonexistent/chromium"])
        #expect(named.status == 2)
        #expect(
            named.stderr == """
                error: BOOK_CHROMIUM names /nonexistent/chromium, which is not an executable
                hint: unset BOOK_CHROMIUM to use the chromium on PATH, or point it at a Chromium or Chrome

                """)
        let onPath = try book.book(["build", "--pdf"], environment: ["BOOK_CHROMIUM": "", "PATH": "/var/empty"])
        #expect(onPath.status == 2)
        #expect(
            onPath.stderr == """
                error: --pdf needs a headless Chromium, and none was found: looked for chromium, chromium-browser, google-chrome on PATH (/var/empty)
                hint: install it with `.ci/deps --tests` (the Debian package `chromium`), or set BOOK_CHROMIUM to its path

                """)
        #expect(book.snapshot("site") == site)
        #expect(book.leftovers() == [])
        // The PDF is the whole book: with --chapter it is a usage error.
        let partial = try book.book(["build", "--pdf", "--chapter", "one"])
        #expect(partial.status == 64)
        #expect(partial.stderr.contains("--pdf prints the whole book and cannot be combined with --chapter"))
    }

    @Test func aChromiumThatFailsPublishesNothing() throws {
        let book = try scratch("pdf-failing")
        defer { book.remove() }
        #expect(try book.book(["build"]).status == 0)
        let site = book.snapshot("site")
        let fake = book.root.appendingPathComponent("fake-chromium")
        try "#!/bin/sh\necho 'cannot open the display' >&2\nexit 1\n".write(to: fake, atomically: true, encoding: .utf8)
        chmod(fake.path, 0o755)
        let run = try book.book(["build", "--pdf"], environment: ["BOOK_CHROMIUM": fake.path])
        #expect(run.status == 2, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stderr.contains("\(fake.path): Chromium exited"), "\(run.stderr)")
        #expect(run.stderr.contains("cannot open the display"), "Chromium's own words are shown")
        #expect(book.snapshot("site") == site, "the previous site is untouched")
        #expect(book.leftovers() == [])
    }

    @Test(.enabled(if: ChromiumExecutable.find() != nil, "needs chromium"))
    func aBuildKilledWhilePrintingLeavesNoChromium() throws {
        let book = try scratch("pdf-killed")
        defer { book.remove() }
        #expect(try book.book(["build"]).status == 0)
        let site = book.snapshot("site")
        let run = try book.book(["build", "--pdf"], killAt: "print")
        #expect(run.signaled, "\(run.stderr)")
        let pid = run.stderr.split(separator: "(pid ").last.flatMap { Int($0.prefix { $0.isNumber }) }
        let pidValue = try #require(pid, "\(run.stderr)")
        let profile = "book-chromium-\(pidValue)-"
        // The supervisor sees its lifeline close and kills Chromium's whole tree; give it a moment.
        var survivors: [String] = []
        for _ in 0..<100 {
            survivors = Self.processes(mentioning: profile)
            if survivors.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(survivors == [], "Chromium processes left behind: \(survivors)")
        #expect(book.snapshot("site") == site, "the previous site is untouched")
        #expect(try book.book(["build"]).status == 0)
        #expect(book.leftovers() == [])
    }

    // MARK: The pure parts

    @Test func printPageLinksStayInsideThePage() {
        let html =
            "<h2><a class=\"anchor\" id=\"intro\" href=\"#intro\">#</a>Intro</h2><p><a href=\"two.html#a-sum\">x</a> "
            + "<a href=\"two.html\">y</a> <a href=\"claims.html\">z</a> <a href=\"https://example.org/a#b\">w</a> "
            + "id=&quot;text&quot; <a href=\"#\">top</a></p>"
        let localised = PrintPage.localise(html, slug: "one", chapters: ["one", "two"])
        #expect(
            localised
                == "<h2><a class=\"anchor\" id=\"one--intro\" href=\"#one--intro\">#</a>Intro</h2><p><a href=\"#two--a-sum\">x</a> "
                + "<a href=\"#two\">y</a> <a>z</a> <a href=\"https://example.org/a#b\">w</a> "
                + "id=&quot;text&quot; <a href=\"#one\">top</a></p>")
    }

    @Test func datesAreFixedInPlace() {
        let pdf = Data(
            "%PDF-1.4\n1 0 obj\n<</Creator (Chromium) /CreationDate (D:20261203014500+01'00') /ModDate (D:20261203014501+00'00')>>\n/Title (D:2026)\n"
                .utf8)
        let fixed = BookPDF.normaliseDates(pdf)
        #expect(fixed.count == pdf.count)
        #expect(
            String(decoding: fixed, as: UTF8.self)
                == "%PDF-1.4\n1 0 obj\n<</Creator (Chromium) /CreationDate (D:20000101000000+00'00') /ModDate (D:20000101000000+00'00')>>\n/Title (D:2026)\n"
        )
    }

    // MARK: Helpers

    static func ids(in html: String) -> [String] {
        html.components(separatedBy: " id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    /// Command lines of running processes that contain `text`.
    static func processes(mentioning text: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(text) ? "\(pid): \(line.prefix(120))" : nil
        }
    }
}

/// What the tests read of a PDF without a PDF library: the page objects and the outline's titles (PDF strings,
/// literal `(...)` or hex `<...>`, either in PDFDocEncoding or as UTF-16BE after a byte-order mark). Chromium
/// writes both uncompressed; only the page contents are compressed.
struct PDFFacts {
    let latin1: String
    var pages = 0
    var outline: [String] = []
    var hasOutline: Bool { latin1.contains("/Outlines") }

    init(_ pdf: Data) {
        latin1 = String(data: pdf, encoding: .isoLatin1) ?? ""
        let bytes = [UInt8](pdf)
        pages =
            latin1.components(separatedBy: "/Type /Page").dropFirst().filter { !$0.hasPrefix("s") }.count
            + latin1.components(separatedBy: "/Type/Page").dropFirst().filter { !$0.hasPrefix("s") }.count
        // Outline items have a /Title and a /Parent; the document's information dictionary has a /Title too.
        let marker = Array("/Title".utf8)
        var i = 0
        while i + marker.count < bytes.count {
            guard Array(bytes[i..<(i + marker.count)]) == marker else {
                i += 1
                continue
            }
            var j = i + marker.count
            while j < bytes.count, bytes[j] == 32 { j += 1 }
            var raw: [UInt8] = []
            if j < bytes.count, bytes[j] == UInt8(ascii: "(") {
                j += 1
                var depth = 1
                while j < bytes.count {
                    let byte = bytes[j]
                    if byte == UInt8(ascii: "\\"), j + 1 < bytes.count {
                        let next = bytes[j + 1]
                        if next >= UInt8(ascii: "0"), next <= UInt8(ascii: "7") {
                            var value = 0, k = j + 1
                            while k < bytes.count, k < j + 4, bytes[k] >= UInt8(ascii: "0"),
                                bytes[k] <= UInt8(ascii: "7")
                            {
                                value = value * 8 + Int(bytes[k] - UInt8(ascii: "0"))
                                k += 1
                            }
                            raw.append(UInt8(value & 0xFF))
                            j = k
                            continue
                        }
                        let escapes: [UInt8: UInt8] = [110: 10, 114: 13, 116: 9, 98: 8, 102: 12]
                        raw.append(escapes[next] ?? next)
                        j += 2
                        continue
                    }
                    if byte == UInt8(ascii: "(") { depth += 1 }
                    if byte == UInt8(ascii: ")") {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    raw.append(byte)
                    j += 1
                }
            } else if j < bytes.count, bytes[j] == UInt8(ascii: "<") {
                j += 1
                var hex = ""
                while j < bytes.count, bytes[j] != UInt8(ascii: ">") {
                    hex.unicodeScalars.append(Unicode.Scalar(bytes[j]))
                    j += 1
                }
                hex = hex.filter(\.isHexDigit)
                if hex.count % 2 == 1 { hex += "0" }
                var index = hex.startIndex
                while index < hex.endIndex {
                    let end = hex.index(index, offsetBy: 2)
                    raw.append(UInt8(hex[index..<end], radix: 16) ?? 0)
                    index = end
                }
            }
            if raw.starts(with: [0xFE, 0xFF]) {
                let units = stride(from: 2, to: raw.count - 1, by: 2).map { UInt16(raw[$0]) << 8 | UInt16(raw[$0 + 1]) }
                outline.append(String(decoding: units, as: UTF16.self))
            } else {
                outline.append(String(decoding: raw, as: UTF8.self))
            }
            i = j
        }
    }
}
