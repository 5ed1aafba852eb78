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
        var result = ""
        var rest = Substring(html)
        while let open = rest.range(of: "<code>") {
            let before = rest[..<open.lowerBound]
            result += before
            guard let close = rest[open.upperBound...].range(of: "</code>") else {
                rest = rest[open.lowerBound...]
                break
            }
            let inner = rest[open.upperBound..<close.lowerBound]
            let whole = rest[open.lowerBound..<close.upperBound]
            let lastPre = result.range(of: "<pre", options: .backwards)?.lowerBound
            let lastPreEnd = result.range(of: "</pre>", options: .backwards)?.lowerBound
            let insidePre = lastPre.map { pre in lastPreEnd.map { $0 < pre } ?? true } ?? false
            if !insidePre, inner.allSatisfy({ $0.isLetter || $0.isNumber || "_./():".contains($0) }),
                inner.first?.isLetter == true,
                let symbol = index.resolve(String(inner), from: context), symbol.id != context?.id,
                let href = index.href(symbol.id)
            {
                result += "<a class=\"api-link\" href=\"\(HTML.escape(href))\">\(whole)</a>"
                linked(href)
            } else {
                result += whole
            }
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}
