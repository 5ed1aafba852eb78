/// What a rendered page holds besides its bytes, recorded by the code that writes the HTML while it writes
/// it: the anchors (`id`s) the page defines, the links (`href` and `src`) it makes with where each came
/// from, its headings, and the text of its sections. The search index (`SearchIndex`) and the link check
/// (`LinkCheck`, `PageLinkGate`) read these values; nothing reads a written page back.
///
/// Guarantees:
/// - `anchors` is exactly the set of `id` values in the page's HTML, and `links` holds every `href` and `src`
///   value of it (`PageContentsTests` holds every page of the real book to both, against a scan of the bytes).
/// - A heading's anchor is unique on the page: `uniqueAnchor(for:)` is the one place anchors are
///   de-duplicated, against every anchor defined before it (other headings, snippets, figures, equations).
/// - A link written by the author carries the chapter file and line it was written at (`origin`); a link the
///   engine generates carries the line of the source that caused it where there is one (a claim's line for
///   the claims page's row), else none.
///
/// Feeding a new kind of page (an API reference page, the print page): while writing its HTML, call
/// `define(_:)` for each `id` written, `link(_:from:)` for each `href`/`src` (with the source position when the
/// link comes from a file an author edits), and `addHeading` for headings the sidebar or search should know;
/// `add(_:)` merges the contents of a piece written elsewhere. Then wrap the body with `PageTemplate.page`,
/// which adds the shell's own anchors and links, and publish it with `Site.add(_:at:)`. An HTML page put in
/// `Site.files` without contents fails the link check, so a page cannot escape it by omission.
public struct PageContents: Sendable, Equatable {
    /// A link the page makes.
    public struct Link: Sendable, Hashable {
        /// The attribute's value as the browser reads it (character references decoded, not percent-decoded).
        public var target: String
        /// Where the link was written: the author's line, or the source line that made the engine write it.
        public var origin: SourcePosition?
        /// What wrote it, for a message when there is no origin ("the sidebar", "the claims page").
        public var context: String?
    }

    /// A heading of the page, with its anchor.
    public struct Heading: Sendable, Hashable {
        public var level: Int
        /// The heading's text as the page shows it (math as written).
        public var text: String
        public var anchor: String
    }

    /// A section of the page's text for search: from a heading to the next, as plain text.
    public struct Section: Sendable, Hashable {
        /// The heading's anchor ("" for text before the first heading).
        public var anchor: String
        public var heading: String
        public var text: String
    }

    public private(set) var anchors: Set<String> = []
    public private(set) var links: [Link] = []
    public private(set) var headings: [Heading] = []
    /// Filled by the chapter renderer; pages that search does not index leave it empty.
    public var sections: [Section] = []

    public init() {}

    /// Records an `id` the page defines.
    public mutating func define(_ anchor: String) { anchors.insert(anchor) }

    /// Records an `href` or `src` the page has.
    public mutating func link(_ target: String, from origin: SourcePosition? = nil, context: String? = nil) {
        links.append(Link(target: target, origin: origin, context: context))
    }

    /// An anchor for a heading with `text`, distinct from every anchor defined so far (`slug`, then `slug-2`,
    /// `slug-3`, ...), defined on return: the page's one de-duplication of anchors.
    public mutating func uniqueAnchor(for text: String) -> String {
        let base = HTML.slug(text)
        var anchor = base, n = 2
        while anchors.contains(anchor) {
            anchor = base + "-\(n)"
            n += 1
        }
        anchors.insert(anchor)
        return anchor
    }

    /// Records a heading whose anchor is defined already (by `uniqueAnchor`).
    public mutating func addHeading(level: Int, text: String, anchor: String) {
        headings.append(Heading(level: level, text: text, anchor: anchor))
    }

    /// Merges what a piece of the page written elsewhere recorded.
    public mutating func add(_ other: PageContents) {
        anchors.formUnion(other.anchors)
        links += other.links
        headings += other.headings
        sections += other.sections
    }
}
