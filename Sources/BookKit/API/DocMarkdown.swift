import Foundation

/// A doc comment's Markdown as HTML, through the same cmark-gfm path as the chapters' prose.
///
/// Unlike a chapter, a doc comment may not carry HTML: every raw HTML node is turned into text (so `a < b` or
/// `<T>` shows as written), and a link with a scheme that could run script loses its destination. Code voice that
/// names a symbol of the library (`Tensor`, `Tensor.shape`, ``Tensor/shape``) links to its reference entry.
enum DocMarkdown {
    static func html(_ markdown: String, index: APIIndex, context: APIReference.Symbol?) -> String {
        let document = MarkdownDocument(markdown)
        for node in document.allNodes() {
            if node.isRawHTML {
                node.replace(withText: node.literal)
            } else if node.isLinkOrImage, AuthorHTML.problem(inURL: node.url) != nil {
                node.setURL("")
            }
        }
        return linkingCodeVoice(document.renderHTML(), index: index, context: context)
    }

    /// `<code>NAME</code>` outside `<pre>` → a link when NAME (an identifier path) resolves.
    static func linkingCodeVoice(_ html: String, index: APIIndex, context: APIReference.Symbol?) -> String {
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
            } else {
                result += whole
            }
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}
