import Foundation

/// A doc comment's Markdown as HTML, through the same cmark-gfm path as the chapters' prose.
///
/// Unlike a chapter, a doc comment may not carry HTML: every raw HTML node is turned into text (so `a < b` or
/// `<T>` shows as written), and a link with a scheme that could run script loses its destination. Code voice that
/// names a symbol of the library (`Tensor`, `Tensor.shape`, ``Tensor/shape``) links to its reference entry.
/// The links and ids written are recorded in the page's `PageContents` (`APIPages`).
enum DocMarkdown {
    static func html(
        _ markdown: String, index: APIIndex, context: APIReference.Symbol?, into contents: inout PageContents
    ) -> String {
        let document = MarkdownDocument(markdown)
        let about = context.map { "the doc comment of \($0.title)" } ?? "a doc comment"
        var hasFootnotes = false
        for node in document.allNodes() {
            hasFootnotes = hasFootnotes || node.isFootnoteReference
            if node.isRawHTML {
                node.replace(withText: node.literal)
            } else if node.isLinkOrImage {
                if AuthorHTML.problem(inURL: node.url) != nil { node.setURL("") }
                contents.link(node.url, context: about)
            }
        }
        let html = document.renderHTML()
        if hasFootnotes { CMarkFootnotes.record(in: html, into: &contents) }
        return linkingCodeVoice(html, index: index, context: context) { contents.link($0, context: about) }
    }

    /// `<code>NAME</code>` outside `<pre>` → a link when NAME (an identifier path) resolves.
    /// - Parameter linked: called with each link it writes.
    static func linkingCodeVoice(
        _ html: String, index: APIIndex, context: APIReference.Symbol?, linked: (String) -> Void = { _ in }
    ) -> String {
        // One pass over the bytes: whether a `<code>` is inside a `<pre>` (code blocks are never linked) is kept
        // as the text before it goes by, not searched for again in everything written so far (that search made
        // a warm build of the book quadratic in the length of a doc comment).
        let bytes = Array(html.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var at = 0, insidePre = false
        func find(_ pattern: String, from start: Int) -> Int? {
            let needle = Array(pattern.utf8)
            guard needle.count <= bytes.count else { return nil }
            var i = start
            while i + needle.count <= bytes.count {
                if bytes[i] == needle[0], bytes[i..<i + needle.count].elementsEqual(needle) { return i }
                i += 1
            }
            return nil
        }
        /// Appends `bytes[from..<to]`, following `<pre` and `</pre>` in it.
        func copy(_ from: Int, _ to: Int) {
            var i = from
            while i < to {
                if bytes[i] == UInt8(ascii: "<"), i + 4 <= to {
                    if bytes[i..<i + 4].elementsEqual("<pre".utf8) { insidePre = true }
                    if i + 6 <= to, bytes[i..<i + 6].elementsEqual("</pre>".utf8) { insidePre = false }
                }
                i += 1
            }
            result += bytes[from..<to]
        }
        while let open = find("<code>", from: at) {
            copy(at, open)
            guard let close = find("</code>", from: open + 6) else {
                at = open
                break
            }
            let inner = String(decoding: bytes[open + 6..<close], as: UTF8.self)
            let whole = bytes[open..<close + 7]
            if !insidePre, inner.allSatisfy({ $0.isLetter || $0.isNumber || "_./():".contains($0) }),
                inner.first?.isLetter == true,
                let symbol = index.resolve(inner, from: context), symbol.id != context?.id,
                let href = index.href(symbol.id)
            {
                result +=
                    Array("<a class=\"api-link\" href=\"\(HTML.escape(href))\">".utf8) + whole + Array("</a>".utf8)
                linked(href)
            } else {
                result += whole
            }
            at = close + 7
        }
        result += bytes[at...]
        return String(decoding: result, as: UTF8.self)
    }
}
