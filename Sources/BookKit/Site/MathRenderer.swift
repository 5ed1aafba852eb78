import Foundation

/// How the Typeset stage turns formulas into HTML: one result per formula, in order (HTML, or the message of a
/// formula that cannot be rendered). A build uses KaTeX; the page goldens use `readable`, so that they show
/// the page's structure instead of KaTeX's markup (one golden keeps real KaTeX).
struct MathRenderer: Sendable {
    var render: @Sendable ([KaTeX.Formula]) throws(BookError) -> [Result<String, KaTeX.KaTeXError>]

    /// KaTeX, with its cache under the package's `.build/book/katex/`.
    static func katex(packageRoot: URL) -> MathRenderer {
        let katex = KaTeX(cacheDirectory: packageRoot.appendingPathComponent(".build/book/katex"))
        return MathRenderer { formulas throws(BookError) in try katex.render(formulas) }
    }

    /// Each formula as its escaped TeX in a `math` span (`display` added for display math), no process run:
    /// `$x<y$` becomes `<span class="math">x&lt;y</span>`. Never fails.
    static let readable = MathRenderer { formulas in
        formulas.map { .success("<span class=\"math\(($0.display ? " display" : ""))\">\(HTML.escape($0.tex))</span>") }
    }
}
