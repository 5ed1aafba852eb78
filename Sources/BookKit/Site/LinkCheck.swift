/// Checks every internal link of the rendered site: the page must exist and so must the anchor. A broken
/// link is a located error, at the first line of the chapter source that mentions its target.
enum LinkCheck {
    /// - Parameters:
    ///   - site: the rendered pages.
    ///   - book: for the chapter sources (error lines) and the pages not rebuilt by a partial build, whose
    ///     anchors cannot be checked and are trusted.
    ///   - placeholders: pages that stand in for chapters not built yet (a `--chapter` build without an earlier
    ///     site): links into them land on the "not built yet" page, so their anchors are trusted too.
    ///   - promised: files the build adds after this check (`book.pdf`, printed from the checked site).
    /// - Returns: errors keyed by the slug of the chapter whose page holds the link ("" for other pages).
    static func errors(
        in site: Site, book: Book, placeholders: Set<String> = [], promised: Set<String> = []
    ) -> [String: [BookError]] {
        var ids: [String: Set<String>] = [:]
        for (path, html) in site.files where path.hasSuffix(".html") && !placeholders.contains(path) {
            ids[path] = attributeValues("id", in: html)
        }
        let knownPages = Set(book.chapters.map { "\($0.slug).html" }).union(site.files.keys).union(site.copies.keys)
            .union(promised)
        var result: [String: [BookError]] = [:]
        for (path, html) in site.files.sorted(by: { $0.key < $1.key }) where path.hasSuffix(".html") {
            let chapter = book.chapters.first { "\($0.slug).html" == path }
            let errors = errors(inPage: path, html: html, chapter: chapter, knownPages: knownPages, ids: { ids[$0] })
            if !errors.isEmpty { result[chapter?.slug ?? "", default: []] += errors }
        }
        return result
    }

    /// The broken links of one page.
    ///
    /// - Parameters:
    ///   - chapter: the chapter whose page it is (errors are located in its source), or nil.
    ///   - knownPages: every page and file the site has.
    ///   - ids: the ids of a page, or nil when it cannot be checked (its anchors are trusted).
    static func errors(
        inPage path: String, html: String, chapter: ChapterSource?, knownPages: Set<String>,
        ids: (String) -> Set<String>?
    ) -> [BookError] {
        var errors: [BookError] = []
        for target in linkTargets(in: html) {
            let (page, anchor) = split(target, on: path)
            var problem: String?
            if !knownPages.contains(page) {
                problem = "no page \(page) in the site"
            } else if let anchor, !anchor.isEmpty, let pageIDs = ids(page), !pageIDs.contains(anchor) {
                problem = "no anchor '#\(anchor)' in \(page)"
            }
            guard let problem else { continue }
            let file = chapter?.path ?? Load.manifestPath
            let line = chapter.map { firstLine(mentioning: anchor ?? page, in: $0.text) } ?? 1
            errors.append(
                BookError(
                    .chapterFormat, at: SourcePosition(file: file, line: line), "broken link '\(target)': \(problem)",
                    hint: "link to a page of the book (SLUG.html), a heading's anchor, or a snippet's #snippet-ID"))
        }
        return errors
    }

    /// The other pages whose anchors the page at `path` links to.
    static func pagesWithLinkedAnchors(in html: String, path: String) -> Set<String> {
        Set(
            linkTargets(in: html).compactMap { target in
                let (page, anchor) = split(target, on: path)
                return page != path && !(anchor ?? "").isEmpty ? page : nil
            })
    }

    /// The internal link targets of a page (`href` and `src`), sorted; external schemes left out.
    private static func linkTargets(in html: String) -> [String] {
        let values = attributeValues(["href", "src"], in: html)
        return values["href"]!.union(values["src"]!).sorted().filter { target in
            !(target.hasPrefix("http:") || target.hasPrefix("https:") || target.hasPrefix("mailto:") || target.isEmpty)
        }
    }

    /// The page a target names (the current one for `#anchor`) and its anchor, percent-decoded.
    private static func split(_ target: String, on path: String) -> (page: String, anchor: String?) {
        let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let page = parts[0].isEmpty ? path : String(parts[0])
        // cmark percent-encodes non-ASCII characters in link destinations; ids are raw text.
        let anchor = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : nil
        return (page, anchor)
    }

    /// The values of an attribute in the page's markup (`id="x"` → x), outside `<script>` elements.
    ///
    /// Scans UTF-8 bytes: pages full of KaTeX markup are large, and `String` searching is several times slower.
    static func attributeValues(_ name: String, in html: String) -> Set<String> {
        attributeValues([name], in: html)[name] ?? []
    }

    /// The values of several attributes, in one pass over the page.
    static func attributeValues(_ names: [String], in html: String) -> [String: Set<String>] {
        let markers = names.map { Array(" \($0)=\"".utf8) }
        let scriptOpen = Array("<script".utf8), scriptClose = Array("</script>".utf8)
        var values = [String: Set<String>](uniqueKeysWithValues: names.map { ($0, Set<String>()) })
        var html = html
        html.makeContiguousUTF8()
        _ = html.utf8.withContiguousStorageIfAvailable { bytes in
            func matches(_ pattern: [UInt8], at i: Int) -> Bool {
                guard i + pattern.count <= bytes.count else { return false }
                for k in 0..<pattern.count where bytes[i + k] != pattern[k] { return false }
                return true
            }
            var i = 0
            scan: while i < bytes.count {
                let byte = bytes[i]
                if byte == UInt8(ascii: "<"), matches(scriptOpen, at: i) {
                    i += scriptOpen.count
                    while i < bytes.count, !(bytes[i] == UInt8(ascii: "<") && matches(scriptClose, at: i)) { i += 1 }
                    continue
                }
                if byte == UInt8(ascii: " ") {
                    for (n, marker) in markers.enumerated() where matches(marker, at: i) {
                        let start = i + marker.count
                        var end = start
                        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += 1 }
                        values[names[n]]!.insert(
                            String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                                .replacingOccurrences(of: "&amp;", with: "&"))
                        i = end
                        continue scan
                    }
                }
                i += 1
            }
        }
        return values
    }

    private static func firstLine(mentioning text: String, in source: String) -> Int {
        for (offset, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.contains(text) {
            return offset + 1
        }
        return 1
    }
}
