import CCmarkGFM
import Foundation

/// The GitHub-flavoured Markdown dialect of the book, in one place: the extensions attached to every
/// parser and the options shared by parsing and rendering.
enum GFM {
    static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    /// Footnotes are a parser option in cmark-gfm, not an extension. `UNSAFE` lets the renderer emit the
    /// HTML blocks that BookKit splices in for snippets; author HTML still goes through `tagfilter`.
    static let options: Int32 = CMARK_OPT_FOOTNOTES | CMARK_OPT_UNSAFE | CMARK_OPT_GITHUB_PRE_LANG

    /// cmark-gfm keeps a process-wide registry; registration is idempotent but not thread-safe, so it
    /// runs once behind Swift's lazy global initialisation (which is).
    static let registered: Void = { cmark_gfm_core_extensions_ensure_registered() }()
}

/// A parsed Markdown document: owns the cmark-gfm tree and frees it.
///
/// Not thread-safe; each chapter parses its own documents.
final class MarkdownDocument {
    let root: OpaquePointer
    private let parser: OpaquePointer

    init(_ text: String) {
        _ = GFM.registered
        let parser = cmark_parser_new(GFM.options)!
        self.parser = parser
        for name in GFM.extensionNames {
            if let ext = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, ext)
            }
        }
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                cmark_parser_feed(parser, $0, buffer.count)
            }
        }
        root = cmark_parser_finish(parser)!
    }

    deinit {
        cmark_node_free(root)
        cmark_parser_free(parser)
    }

    /// Every node in document order (pre-order), collected first so that callers may edit the tree.
    func allNodes() -> [MarkdownNode] {
        var nodes: [MarkdownNode] = []
        let iterator = cmark_iter_new(root)
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            if event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) {
                nodes.append(MarkdownNode(pointer: node))
            }
        }
        return nodes
    }

    /// HTML for the whole document with the book's extensions and options.
    func renderHTML() -> String {
        let extensions = cmark_parser_get_syntax_extensions(parser)
        guard let html = cmark_render_html(root, GFM.options, extensions) else { return "" }
        defer { free(html) }
        return String(cString: html)
    }
}

/// A borrowed view of one node of a `MarkdownDocument`; valid while the document lives.
struct MarkdownNode {
    let pointer: OpaquePointer

    /// cmark's name for the node type: `code_block`, `heading`, `paragraph`, `table`, `tasklist`, ...
    var typeName: String { String(cString: cmark_node_get_type_string(pointer)) }
    var isCodeBlock: Bool { cmark_node_get_type(pointer) == CMARK_NODE_CODE_BLOCK }
    var isFenced: Bool {
        // cmark writes through all three out-parameters.
        var length: Int32 = 0, offset: Int32 = 0
        var character: CChar = 0
        return cmark_node_get_fenced(pointer, &length, &offset, &character) != 0
    }
    var isHeading: Bool { cmark_node_get_type(pointer) == CMARK_NODE_HEADING }
    var isFootnoteReference: Bool { cmark_node_get_type(pointer) == CMARK_NODE_FOOTNOTE_REFERENCE }
    /// A raw HTML block or inline HTML: author markup that reaches the page as written.
    var isRawHTML: Bool { [CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE].contains(cmark_node_get_type(pointer)) }
    var isInline: Bool { cmark_node_get_type(pointer) == CMARK_NODE_HTML_INLINE }
    var isLinkOrImage: Bool { [CMARK_NODE_LINK, CMARK_NODE_IMAGE].contains(cmark_node_get_type(pointer)) }
    /// A link's or image's destination.
    var url: String { cmark_node_get_url(pointer).map { String(cString: $0) } ?? "" }
    func setURL(_ url: String) { cmark_node_set_url(pointer, url) }
    var headingLevel: Int { Int(cmark_node_get_heading_level(pointer)) }

    /// The whole info string of a fenced code block (`swift setup id=x`), or "".
    var fenceInfo: String { cmark_node_get_fence_info(pointer).map { String(cString: $0) } ?? "" }
    var literal: String { cmark_node_get_literal(pointer).map { String(cString: $0) } ?? "" }

    /// For a fenced block: the first and last lines are the two fence lines (the last is the end of the
    /// document when the block is never closed).
    var startLine: Int { Int(cmark_node_get_start_line(pointer)) }
    var startColumn: Int { Int(cmark_node_get_start_column(pointer)) }
    var endLine: Int { Int(cmark_node_get_end_line(pointer)) }

    var next: MarkdownNode? { cmark_node_next(pointer).map(MarkdownNode.init) }
    var previous: MarkdownNode? { cmark_node_previous(pointer).map(MarkdownNode.init) }
    var firstChild: MarkdownNode? { cmark_node_first_child(pointer).map(MarkdownNode.init) }

    /// The plain text of the node's inline content (for headings and titles).
    var plainText: String {
        var text = ""
        var child = firstChild
        while let node = child {
            switch cmark_node_get_type(node.pointer) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_HTML_INLINE: text += node.literal
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: text += " "
            default: text += node.plainText
            }
            child = node.next
        }
        return text
    }

    /// Replaces this node by a raw HTML block (the node is freed; do not use it afterwards).
    func replace(withHTMLBlock html: String) {
        cmark_node_insert_before(pointer, Self.raw(CMARK_NODE_HTML_BLOCK, html))
        cmark_node_unlink(pointer)
        cmark_node_free(pointer)
    }

    /// Replaces this node by text that cmark escapes (a raw HTML block becomes a paragraph of its source;
    /// inline HTML becomes text). The node is freed; do not use it afterwards.
    func replace(withText text: String) {
        let textNode = cmark_node_new(CMARK_NODE_TEXT)!
        cmark_node_set_literal(textNode, text)
        if isInline {
            cmark_node_insert_before(pointer, textNode)
        } else {
            let paragraph = cmark_node_new(CMARK_NODE_PARAGRAPH)!
            cmark_node_append_child(paragraph, textNode)
            cmark_node_insert_before(pointer, paragraph)
        }
        cmark_node_unlink(pointer)
        cmark_node_free(pointer)
    }

    /// Adds an `id` to a heading by wrapping its content: cmark has no attribute API, so the heading's
    /// children are prefixed with an inline anchor.
    func prependInlineHTML(_ html: String) {
        cmark_node_prepend_child(pointer, Self.raw(CMARK_NODE_HTML_INLINE, html))
    }

    /// Inserts a raw HTML block right after this node.
    func insertAfter(htmlBlock html: String) {
        cmark_node_insert_after(pointer, Self.raw(CMARK_NODE_HTML_BLOCK, html))
    }

    /// A new raw HTML node (block or inline) holding `html`; the tree it is inserted into owns it.
    private static func raw(_ type: cmark_node_type, _ html: String) -> OpaquePointer {
        let node = cmark_node_new(type)!
        cmark_node_set_literal(node, html)
        return node
    }
}
