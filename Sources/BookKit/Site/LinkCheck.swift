/// Checks every internal link of the rendered site against what the pages hold (`Site.contents`, recorded by
/// the renderers): the page must exist and so must the anchor. A broken link is a located error at the line it
/// was written (author Markdown, author HTML, a formula's `\href`, a claim's line for the claims page's row);
/// a link the engine made from nothing an author wrote (the sidebar, the pager) names the page and what wrote
/// it instead.
enum LinkCheck {
    /// - Parameters:
    ///   - site: the rendered pages, each with its `PageContents`.
    ///   - book: for the chapter sources (error files) and the pages not rebuilt by a partial build, whose
    ///     anchors cannot be checked and are trusted.
    ///   - placeholders: pages that stand in for chapters not built yet (a `--chapter` build without an earlier
    ///     site): links into them land on the "not built yet" page, so their anchors are trusted too.
    ///   - promised: files the build adds after this check (`book.pdf`, printed from the checked site).
    ///   - only: the pages whose links are checked (all when nil); the anchors of every page are known either way.
    /// - Returns: errors keyed by the slug of the chapter whose file the link was written in, else of the chapter
    ///   whose page holds it ("" for other pages).
    static func errors(
        in site: Site, book: Book, placeholders: Set<String> = [], promised: Set<String> = [],
        only: Set<String>? = nil
    ) -> [String: [BookError]] {
        var anchors: [String: Set<String>] = [:]
        for (path, contents) in site.contents where !placeholders.contains(path) { anchors[path] = contents.anchors }
        let knownPages = Set(book.chapters.map { "\($0.slug).html" }).union(site.files.keys).union(site.copies.keys)
            .union(promised)
        var result: [String: [BookError]] = [:]
        for path in site.files.keys.sorted() where path.hasSuffix(".html") && only.map({ $0.contains(path) }) ?? true {
            let chapter = book.chapters.first { "\($0.slug).html" == path }
            guard let contents = site.contents[path] else {
                // A page published without its contents would escape the check: say so, never trust it.
                result[chapter?.slug ?? "", default: []].append(
                    BookError(
                        .chapterFormat, at: nil, "page \(path) was put in the site without its contents",
                        hint: "render it as a RenderedPage and publish it with Site.add(_:at:) (see PageContents)"))
                continue
            }
            for error in errors(
                inPage: path, contents: contents, chapter: chapter, knownPages: knownPages, anchors: { anchors[$0] })
            {
                let writtenIn = book.chapters.first { $0.path == error.location?.file }
                result[writtenIn?.slug ?? chapter?.slug ?? "", default: []].append(error)
            }
        }
        return result
    }

    /// The broken links of one page.
    ///
    /// - Parameters:
    ///   - chapter: the chapter whose page it is, or nil.
    ///   - knownPages: every page and file the site has.
    ///   - anchors: the anchors of a page, or nil when it cannot be checked (its anchors are trusted).
    static func errors(
        inPage path: String, contents: PageContents, chapter: ChapterSource?, knownPages: Set<String>,
        anchors: (String) -> Set<String>?
    ) -> [BookError] {
        var errors: [BookError] = []
        var seen = Set<PageContents.Link>()
        for link in contents.links where isInternal(link.target) && seen.insert(link).inserted {
            let (page, anchor) = split(link.target, on: path)
            var problem: String?
            if !knownPages.contains(page) {
                problem = "no page \(page) in the site"
            } else if let anchor, !anchor.isEmpty, let pageAnchors = anchors(page), !pageAnchors.contains(anchor) {
                problem = "no anchor '#\(anchor)' in \(page)"
            }
            guard let problem else { continue }
            // Where the reader meets it, when that is not the chapter's own page or the author's line.
            var onPage = ""
            if link.origin == nil {
                onPage = " (\(link.context ?? "a link") on \(path))"
            } else if chapter == nil || link.origin?.file != chapter?.path {
                onPage = " (\(link.context.map { $0 + " on " } ?? "on ")\(path))"
            }
            let location = link.origin ?? SourcePosition(file: chapter?.path ?? Load.manifestPath, line: 1)
            errors.append(
                BookError(
                    .chapterFormat, at: location, "broken link '\(link.target)'\(onPage): \(problem)",
                    hint: hint(anchors: anchor.flatMap { _ in anchors(page) })))
        }
        return errors
    }

    /// The other pages whose anchors the page at `path` links to.
    static func pagesWithLinkedAnchors(in contents: PageContents, path: String) -> Set<String> {
        Set(
            contents.links.compactMap { link in
                guard isInternal(link.target) else { return nil }
                let (page, anchor) = split(link.target, on: path)
                return page != path && !(anchor ?? "").isEmpty ? page : nil
            })
    }

    /// What to link to instead, naming a few of the target page's anchors when they are known.
    private static func hint(anchors: Set<String>?) -> String {
        let base = "link to a page of the book (SLUG.html), a heading's anchor, or a snippet's #snippet-ID"
        guard let anchors, !anchors.isEmpty else { return base }
        let sample = anchors.sorted().prefix(8).map { "#" + $0 }.joined(separator: ", ")
        return base + "; that page's anchors include \(sample)\(anchors.count > 8 ? ", …" : "")"
    }

    /// A link into the site: not another scheme's (`https:`, `mailto:`, `data:`), not empty.
    private static func isInternal(_ target: String) -> Bool {
        !(target.isEmpty || target.hasPrefix("http:") || target.hasPrefix("https:") || target.hasPrefix("mailto:")
            || target.hasPrefix("data:"))
    }

    /// The page a target names (the current one for `#anchor`) and its anchor, percent-decoded.
    private static func split(_ target: String, on path: String) -> (page: String, anchor: String?) {
        let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let page = parts[0].isEmpty ? path : String(parts[0])
        // A link may be percent-encoded (`#caf%C3%A9`); ids are raw text.
        let anchor = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : nil
        return (page, anchor)
    }
}
