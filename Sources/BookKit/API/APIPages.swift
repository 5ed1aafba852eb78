/// The API reference pages, in the book's shell (`PageTemplate`, `style.css`): an overview (`api.html`), a page
/// per module for its free functions, variables, operators and extensions of other modules' types, and a page per
/// top-level type with its nested types and members, each with an anchor (`APIIndex`).
///
/// Every text from the library (names, declarations, doc comments) reaches the page escaped: declarations through
/// `HTML.escape`, doc comments through cmark with their raw HTML turned into text (`DocMarkdown`).
///
/// Each page comes with its `PageContents`: every `id` and link is recorded where it is written (the renderer knows
/// them), so the link check reads the reference's pages as it reads the chapters' (`LinkCheck`).
public enum APIPages {
    /// Site path → page. Without a reference (the extraction failed), the overview says why and is the only page,
    /// so the sidebar's link still lands.
    static func site(_ index: APIIndex?, unavailable: String?, book: Book, stamp: Render.Stamp)
        -> [String: RenderedPage]
    {
        guard let index else {
            let body =
                "<h1>API reference</h1>\n<p>The API reference could not be generated for this build: "
                + HTML.escape(unavailable ?? "the library was not extracted") + "</p>\n"
            return [
                APIIndex.overviewPage: page(
                    "API reference", body: body, contents: PageContents(), book: book, stamp: stamp)
            ]
        }
        var pages: [String: RenderedPage] = [:]
        pages[APIIndex.overviewPage] = overview(index, book: book, stamp: stamp)
        for module in index.reference.modules {
            pages[APIIndex.modulePage(module)] = modulePage(module, index: index, book: book, stamp: stamp)
        }
        for type in index.topLevelTypes {
            pages[APIIndex.typePage(module: type.module, name: type.title)] = typePage(
                type, index: index, book: book, stamp: stamp)
        }
        return pages
    }

    static func page(_ title: String, body: String, contents: PageContents, book: Book, stamp: Render.Stamp)
        -> RenderedPage
    {
        PageTemplate.page(
            title: title + " · " + book.title, book: book, current: nil, sections: [],
            body: RenderedPage(html: "<article class=\"api\">\n" + body + "</article>\n", contents: contents),
            stamp: stamp)
    }

    static func overview(_ index: APIIndex, book: Book, stamp: Render.Stamp) -> RenderedPage {
        var contents = PageContents()
        var body =
            "<h1>API reference</h1>\n<p>The public API of the library the chapters' snippets use, from its doc "
            + "comments. Names in the snippets link here.</p>\n"
        for module in index.reference.modules {
            body +=
                "<section class=\"api-module\"><h2 id=\"\(HTML.escape(module))\"><a href=\"\(APIIndex.modulePage(module))\">\(HTML.escape(module))</a></h2>\n"
            contents.define(module)
            contents.link(APIIndex.modulePage(module), context: "the API overview")
            let types = index.topLevelTypes.filter { $0.module == module }
            if !types.isEmpty {
                body += "<dl class=\"api-list\">\n"
                for type in types {
                    body +=
                        "<dt><span class=\"api-kind\">\(type.kindName)</span> <a href=\"\(index.href(type.id) ?? "")\"><code>\(HTML.escape(type.title))</code></a></dt>"
                    contents.link(index.href(type.id) ?? "", context: "the API overview")
                    body += "<dd>\(summary(type, index: index, into: &contents))</dd>\n"
                }
                body += "</dl>\n"
            }
            let free = freeSymbols(module, index: index).count
            body +=
                "<p><a href=\"\(APIIndex.modulePage(module))\">\(free) free function\(free == 1 ? "" : "s"), variables, operators and extensions of \(HTML.escape(module))</a></p></section>\n"
            contents.link(APIIndex.modulePage(module), context: "the API overview")
        }
        return page("API reference", body: body, contents: contents, book: book, stamp: stamp)
    }

    /// The module's symbols that belong to no type of the reference.
    static func freeSymbols(_ module: String, index: APIIndex) -> [APIReference.Symbol] {
        index.reference.symbols.filter { symbol in
            symbol.module == module && !(symbol.path.count == 1 && symbol.isType)
                && index.page(of: symbol.id) == APIIndex.modulePage(module)
        }
    }

    static func modulePage(_ module: String, index: APIIndex, book: Book, stamp: Render.Stamp) -> RenderedPage {
        var contents = PageContents()
        var body =
            breadcrumb([], into: &contents) + "<h1><span class=\"api-kind\">module</span> \(HTML.escape(module))</h1>\n"
        let types = index.topLevelTypes.filter { $0.module == module }
        if !types.isEmpty {
            body += "<h2 id=\"group-types\">Types</h2>\n<dl class=\"api-list\">\n"
            contents.define("group-types")
            for type in types {
                contents.link(index.href(type.id) ?? "", context: "the module's page")
                body +=
                    "<dt><span class=\"api-kind\">\(type.kindName)</span> <a href=\"\(index.href(type.id) ?? "")\"><code>\(HTML.escape(type.title))</code></a></dt><dd>\(summary(type, index: index, into: &contents))</dd>\n"
            }
            body += "</dl>\n"
        }
        let free = freeSymbols(module, index: index)
        let globals = free.filter { $0.parentName == nil }
        for (title, anchor, kinds) in [
            ("Functions", "group-functions", ["swift.func"]), ("Variables", "group-variables", ["swift.var"]),
            ("Operators", "group-operators", ["swift.func.op"]),
        ] {
            let group = globals.filter { kinds.contains($0.kind) }
            guard !group.isEmpty else { continue }
            body += "<h2 id=\"\(anchor)\">\(title)</h2>\n"
            contents.define(anchor)
            for symbol in group { body += member(symbol, index: index, level: 3, into: &contents) }
        }
        let extended = Dictionary(grouping: free.filter { $0.parentName != nil }, by: { $0.parentName! })
        for (type, symbols) in extended.sorted(by: { $0.key < $1.key }) {
            body +=
                "<h2 id=\"group-extension-\(HTML.escape(APIIndex.anchor(type)))\">Extension of <code>\(HTML.escape(type))</code></h2>\n"
            contents.define("group-extension-" + APIIndex.anchor(type))
            for symbol in symbols { body += member(symbol, index: index, level: 3, into: &contents) }
        }
        return page(module + " · API reference", body: body, contents: contents, book: book, stamp: stamp)
    }

    static func typePage(_ type: APIReference.Symbol, index: APIIndex, book: Book, stamp: Render.Stamp)
        -> RenderedPage
    {
        var contents = PageContents()
        var body = breadcrumb([type.module], into: &contents)
        body += "<h1><span class=\"api-kind\">\(type.kindName)</span> <code>\(HTML.escape(type.title))</code></h1>\n"
        body += declaration(type, index: index, into: &contents) + source(type, index: index, into: &contents)
        body += doc(type, index: index, into: &contents)
        body += members(of: type, index: index, level: 2, into: &contents)
        return page(type.title + " · API reference", body: body, contents: contents, book: book, stamp: stamp)
    }

    /// The member groups of a type, in a fixed order; nested types bring their own members.
    static func members(of type: APIReference.Symbol, index: APIIndex, level: Int, into contents: inout PageContents)
        -> String
    {
        let all = index.members(of: type.id)
        var html = ""
        let groups: [(String, Set<String>)] = [
            ("Cases", ["swift.enum.case"]), ("Initializers", ["swift.init"]),
            ("Properties", ["swift.property", "swift.var"]), ("Methods", ["swift.method", "swift.func"]),
            ("Subscripts", ["swift.subscript"]),
            ("Static properties and methods", ["swift.type.property", "swift.type.method"]),
            ("Operators", ["swift.func.op"]),
        ]
        let prefix = type.path.count > 1 ? Array(type.path.dropFirst()).joined(separator: ".") + "-" : ""
        for (title, kinds) in groups {
            let group = all.filter { kinds.contains($0.kind) }
            guard !group.isEmpty else { continue }
            let anchor = APIIndex.anchor(prefix + title.lowercased().replacingOccurrences(of: " ", with: "-"))
            html += "<h\(level) id=\"group-\(anchor)\">\(title)</h\(level)>\n"
            contents.define("group-" + anchor)
            for symbol in group { html += member(symbol, index: index, level: min(level + 1, 6), into: &contents) }
        }
        let nested = all.filter(\.isType)
        if !nested.isEmpty {
            html += "<h\(level) id=\"group-\(APIIndex.anchor(prefix + "nested-types"))\">Nested types</h\(level)>\n"
            contents.define("group-" + APIIndex.anchor(prefix + "nested-types"))
            for symbol in nested {
                html +=
                    "<section class=\"api-nested\">"
                    + member(symbol, index: index, level: min(level + 1, 6), into: &contents)
                html += members(of: symbol, index: index, level: min(level + 2, 6), into: &contents) + "</section>\n"
            }
        }
        return html
    }

    /// One symbol: heading with its anchor, declaration, place, doc comment.
    static func member(
        _ symbol: APIReference.Symbol, index: APIIndex, level: Int, into contents: inout PageContents
    ) -> String {
        let id = index.anchor(of: symbol.id) ?? APIIndex.anchor(symbol.title)
        contents.define(id)
        contents.link("#" + id, context: "a symbol's own link")
        let anchor = HTML.escape(id)
        var html = "<section class=\"api-symbol\" id=\"\(anchor)\">"
        html +=
            "<h\(level)><a class=\"anchor\" href=\"#\(anchor)\" aria-hidden=\"true\">#</a><span class=\"api-kind\">\(symbol.kindName)</span> <code>\(breakable(symbol.isType ? symbol.path.dropFirst().joined(separator: ".") : symbol.path.last ?? symbol.title))</code></h\(level)>"
        html += declaration(symbol, index: index, into: &contents) + source(symbol, index: index, into: &contents)
        html += doc(symbol, index: index, into: &contents)
        return html + "</section>\n"
    }

    /// `name` escaped, with a line-break opportunity (`<wbr>`) after each `(`, `:` and `.`: a method such as
    /// `init(parameters:learningRate:beta1:…)` is one unbreakable word otherwise and pushes a phone-width page
    /// sideways.
    static func breakable(_ name: String) -> String {
        var html = ""
        for character in name {
            html += HTML.escape(String(character))
            if character == "(" || character == ":" || character == "." { html += "<wbr>" }
        }
        return html
    }

    static func breadcrumb(_ modules: [String], into contents: inout PageContents) -> String {
        var html =
            "<nav class=\"api-breadcrumb\" aria-label=\"API reference\"><a href=\"\(APIIndex.overviewPage)\">API reference</a>"
        contents.link(APIIndex.overviewPage, context: "the API breadcrumb")
        for module in modules {
            html += " › <a href=\"\(APIIndex.modulePage(module))\">\(HTML.escape(module))</a>"
            contents.link(APIIndex.modulePage(module), context: "the API breadcrumb")
        }
        return html + "</nav>\n"
    }

    /// The declaration as the compiler prints it, with the library's type names linked.
    static func declaration(_ symbol: APIReference.Symbol, index: APIIndex, into contents: inout PageContents)
        -> String
    {
        var html = "<pre class=\"api-declaration\"><code class=\"language-swift\">"
        for fragment in symbol.declaration {
            let text = HTML.escape(fragment.spelling)
            if let target = fragment.target, target != symbol.id, let href = index.href(target) {
                html += "<a href=\"\(HTML.escape(href))\">\(text)</a>"
                contents.link(href, context: "the declaration of \(symbol.title)")
            } else if fragment.kind == "keyword" || fragment.kind == "attribute" {
                html += "<span class=\"tok-keyword\">\(text)</span>"
            } else if fragment.kind == "typeIdentifier" {
                html += "<span class=\"tok-type\">\(text)</span>"
            } else {
                html += text
            }
        }
        return html + "</code></pre>"
    }

    static func source(_ symbol: APIReference.Symbol, index: APIIndex, into contents: inout PageContents) -> String {
        var parts: [String] = []
        if let place = symbol.place { parts.append("<code>\(HTML.escape("\(place.file):\(place.line)"))</code>") }
        if symbol.isType, let conformances = index.reference.conformances[symbol.id], !conformances.isEmpty {
            parts.append(
                "conforms to "
                    + conformances.map { name in
                        index.types(named: name).first.flatMap { index.href($0.id) }.map {
                            contents.link($0, context: "the conformances of \(symbol.title)")
                            return "<a href=\"\(HTML.escape($0))\"><code>\(HTML.escape(name))</code></a>"
                        } ?? "<code>\(HTML.escape(name))</code>"
                    }.joined(separator: ", "))
        }
        return parts.isEmpty ? "" : "<p class=\"api-source\">\(parts.joined(separator: " · "))</p>"
    }

    static func doc(_ symbol: APIReference.Symbol, index: APIIndex, into contents: inout PageContents) -> String {
        guard !symbol.doc.isEmpty else { return "<p class=\"api-undocumented\">Not documented.</p>" }
        return "<div class=\"api-doc\">"
            + DocMarkdown.html(symbol.docText, index: index, context: symbol, into: &contents) + "</div>"
    }

    /// The doc comment's first paragraph, inline.
    static func summary(_ symbol: APIReference.Symbol, index: APIIndex, into contents: inout PageContents) -> String {
        let first = symbol.doc.map(\.text).prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !first.isEmpty else { return "" }
        var html = DocMarkdown.html(first.joined(separator: "\n"), index: index, context: symbol, into: &contents)
        if html.hasPrefix("<p>") { html.removeFirst(3) }
        while html.hasSuffix("\n") { html.removeLast() }
        if html.hasSuffix("</p>") { html.removeLast(4) }
        return html
    }
}
