import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Prints the book's print page (`PrintPage`) to one PDF through headless Chromium: A4, page numbers in the
/// footer, the document outline (bookmarks) from the headings, backgrounds (code and output blocks) printed.
///
/// Guarantees:
/// - The page is loaded under the print media and at the printed column's width (A4 less the side margins,
///   680 CSS px), and printed only once its load event has fired, every font it uses (KaTeX's included) has
///   loaded and `book.js` has opened folded code and scaled any display formula still wider than the column;
///   `Printed.overWideFormulas` counts those that remain wider (0 in a good print: none is clipped).
/// - The PDF is written whole or not at all: to a temporary file beside `output`, then renamed over it. A
///   failure (Chromium exits, hangs past the time limit, or returns no PDF) is an environment error and leaves
///   `output` as it was.
/// - The dates Chromium stamps (`/CreationDate`, `/ModDate`) are replaced by a fixed date of the same length,
///   so the file's offsets stay valid; with them the bytes depend only on the page and the Chromium version.
enum BookPDF {
    struct Printed: Sendable {
        var pages: Int
        var bytes: Int
        var seconds: Double
        var overWideFormulas: Int
    }

    /// A4 in inches, and the margins: 15 mm at the sides (a 180 mm = 680 px column, the width the print
    /// stylesheet is tested at), room for the page number at the foot.
    static let paper = (width: 8.27, height: 11.69)
    static let margins = (top: 0.6, bottom: 0.7, side: 0.59)
    static let columnWidth = 680

    /// The footer Chromium draws on every sheet: `3 / 120`, small and grey. Chromium fills the spans.
    static let footer =
        "<div style=\"font-size: 8pt; color: #555; width: 100%; text-align: center; font-family: serif;\"><span class=\"pageNumber\"></span> / <span class=\"totalPages\"></span></div>"

    /// Waits for the fonts and for `book.js`'s print pass (it runs on `document.fonts.ready`, registered before
    /// this), then two frames for layout; returns how many display formulas are still wider than their box.
    static let readiness = """
        (async () => {
          document.body.getBoundingClientRect();
          await document.fonts.ready;
          await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
          return [...document.querySelectorAll(".katex-display")].filter(b => b.scrollWidth > b.clientWidth + 1).length;
        })()
        """

    static func render(page: URL, to output: URL, chromium: String, timeout: Double = 600) throws(BookError)
        -> Printed
    {
        let started = Date()
        let session = try DevToolsSession(chromium: chromium, timeout: timeout, domains: ["Page", "Runtime"])
        defer { session.close() }
        try session.send("Emulation.setEmulatedMedia", ["media": "print"])
        try session.send(
            "Emulation.setDeviceMetricsOverride",
            ["width": columnWidth, "height": 1000, "deviceScaleFactor": 1, "mobile": false])
        session.clearEvents()
        let navigation = try session.send("Page.navigate", ["url": page.absoluteString])
        if let error = navigation["errorText"] as? String {
            throw BookError(.environment, at: nil, "Chromium cannot open \(page.path): \(error)")
        }
        try session.waitForEvent("Page.loadEventFired")
        let ready = try session.send(
            "Runtime.evaluate", ["expression": readiness, "returnByValue": true, "awaitPromise": true])
        let overWide = ((ready["result"] as? [String: Any])?["value"] as? Int) ?? 0
        TestHook.pause(at: "print")
        let printed = try session.send(
            "Page.printToPDF",
            [
                "paperWidth": paper.width, "paperHeight": paper.height, "marginTop": margins.top,
                "marginBottom": margins.bottom, "marginLeft": margins.side, "marginRight": margins.side,
                "printBackground": true, "displayHeaderFooter": true, "headerTemplate": "<span></span>",
                "footerTemplate": footer, "preferCSSPageSize": false, "generateTaggedPDF": true,
                "generateDocumentOutline": true,
            ])
        guard let base64 = printed["data"] as? String, var pdf = Data(base64Encoded: base64),
            pdf.starts(with: Array("%PDF-".utf8))
        else {
            throw BookError(
                .environment, at: nil, "Chromium returned no PDF for \(page.path)",
                hint: "check that this Chromium prints headless (`\(chromium) --headless --print-to-pdf`)")
        }
        session.close()
        pdf = normaliseDates(pdf)
        try writeAtomically(pdf, to: output)
        return Printed(
            pages: pageCount(pdf), bytes: pdf.count, seconds: Date().timeIntervalSince(started),
            overWideFormulas: overWide)
    }

    /// Writes `data` to a temporary file in `output`'s folder and renames it over `output`: readers see the old
    /// file or the new one, never part of one; a failure removes the temporary file.
    static func writeAtomically(_ data: Data, to output: URL) throws(BookError) {
        let temporary = output.deletingLastPathComponent().appendingPathComponent(
            ".\(output.lastPathComponent).tmp-\(getpid())")
        do {
            try data.write(to: temporary)
            guard rename(temporary.path, output.path) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw BookError(
                .environment, at: nil, "cannot write \(output.path): \(error.localizedDescription)",
                hint: "make the folder writable by this user, or pass another --output")
        }
    }

    /// Pages of the PDF: its page objects (`/Type /Page`, not `/Pages`), which Chromium writes uncompressed.
    static func pageCount(_ pdf: Data) -> Int {
        let bytes = [UInt8](pdf)
        var count = 0
        for marker in ["/Type /Page", "/Type/Page"].map({ Array($0.utf8) }) {
            var i = 0
            while i + marker.count < bytes.count {
                if bytes[i] == marker[0], Array(bytes[i..<(i + marker.count)]) == marker,
                    bytes[i + marker.count] != UInt8(ascii: "s")
                {
                    count += 1
                    i += marker.count
                } else {
                    i += 1
                }
            }
        }
        return count
    }

    /// `(D:20261203014500+00'00')` after `/CreationDate` or `/ModDate` becomes the same length of fixed
    /// digits; anything not of that form is left alone (a changed length would break the cross-reference
    /// table's offsets).
    static func normaliseDates(_ pdf: Data) -> Data {
        var bytes = [UInt8](pdf)
        for key in ["/CreationDate (D:", "/ModDate (D:"].map({ Array($0.utf8) }) {
            var i = 0
            while i + key.count + 14 <= bytes.count {
                guard bytes[i] == key[0], Array(bytes[i..<(i + key.count)]) == key else {
                    i += 1
                    continue
                }
                let start = i + key.count
                var end = start
                while end < bytes.count, end - start < 32, bytes[end] != UInt8(ascii: ")") { end += 1 }
                let digits = bytes[start..<min(start + 14, end)]
                if end < bytes.count, bytes[end] == UInt8(ascii: ")"), digits.count == 14,
                    digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
                {
                    // 2000-01-01 00:00:00, and any time zone suffix as zeros of its own length.
                    let fixed = Array("20000101000000".utf8)
                    for k in 0..<14 { bytes[start + k] = fixed[k] }
                    for k in (start + 14)..<end where bytes[k] >= UInt8(ascii: "0") && bytes[k] <= UInt8(ascii: "9") {
                        bytes[k] = UInt8(ascii: "0")
                    }
                }
                i = end
            }
        }
        return Data(bytes)
    }
}
