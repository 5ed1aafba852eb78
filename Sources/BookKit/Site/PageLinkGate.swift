/// Renders each chapter's page as soon as the chapter is checked, and checks the page's links before the
/// chapter's progress line is printed: a broken link fails its chapter like any other error (the line says
/// FAIL, the page carries the banner, the report counts it).
///
/// A link to an anchor of another chapter built now can be checked only once that page is rendered, so a
/// chapter that links into a later one waits (and the lines after it, which keep book order) until that
/// page exists; `finish` releases the rest. Anchors of pages not built now are trusted here; `BookBuilder`
/// checks the whole site once more (the index and claims pages' own links), and its errors too reach the
/// chapter's banner.
final class PageLinkGate {
    struct Entry {
        var built: ChapterBuild
        var page: String
        var needs: Set<String>
    }

    private let book: Book
    private let stamp: Render.Stamp
    private let knownPages: Set<String>
    /// Pages of the chapters built now, by site path (`slug.html`).
    private let building: Set<String>
    private var queue: [Entry?] = []
    private var ids: [String: Set<String>] = [:]
    /// Rendered chapter pages (with their banners), by site path.
    private(set) var pages: [String: String] = [:]
    /// The chapters released, with link errors added, by slug.
    private(set) var released: [String: ChapterBuild] = [:]

    init(book: Book, building slugs: [String], stamp: Render.Stamp) {
        self.book = book
        self.stamp = stamp
        building = Set(slugs.map { "\($0).html" })
        knownPages = Set(book.chapters.map { "\($0.slug).html" })
            .union(["index.html", "claims.html", "style.css", "book.js", "search-index.js"]).union(Typeset.assetCopies().keys)
        // The index and claims pages are rendered at the end, but their anchors are known now: the index depends
        // on the manifest alone, and the claims page's anchors not on its rows (`Render.claimsPage` gives them
        // none; PageLinkGateTests holds it to that). So a link into them is checked before the chapter's line.
        ids["index.html"] = LinkCheck.attributeValues("id", in: Render.index(book: book, stamp: stamp))
        ids["claims.html"] = LinkCheck.attributeValues("id", in: Render.claimsPage(book: book, chapters: [], stamp: stamp))
    }

    /// The next chapter in book order; returns the chapters whose lines may be printed now, in order.
    func add(_ built: ChapterBuild) -> [ChapterBuild] {
        let path = "\(built.source.slug).html"
        let page = render(built)
        pages[path] = page
        ids[path] = LinkCheck.attributeValues("id", in: page)
        queue.append(Entry(built: built, page: page,
                           needs: LinkCheck.pagesWithLinkedAnchors(in: page, path: path).intersection(building)))
        return release(all: false)
    }

    /// A chapter that failed to build (an environment error): nothing to render; later chapters go on.
    func addFailure() -> [ChapterBuild] {
        queue.append(nil)
        return release(all: false)
    }

    /// Every chapter still waiting (all pages that can exist now do).
    func finish() -> [ChapterBuild] { release(all: true) }

    private func release(all: Bool) -> [ChapterBuild] {
        var ready: [ChapterBuild] = []
        while let first = queue.first {
            guard var entry = first else { queue.removeFirst(); continue }
            guard all || entry.needs.allSatisfy({ pages[$0] != nil }) else { break }
            queue.removeFirst()
            let path = "\(entry.built.source.slug).html"
            let errors = LinkCheck.errors(inPage: path, html: entry.page, chapter: entry.built.source,
                                          knownPages: knownPages, ids: { self.ids[$0] })
            if !errors.isEmpty {
                entry.built.record(errors)
                // The banner lists the link errors too; the page's ids do not change.
                pages[path] = render(entry.built)
            }
            released[entry.built.source.slug] = entry.built
            ready.append(entry.built)
        }
        return ready
    }

    private func render(_ built: ChapterBuild) -> String {
        let position = book.chapters.firstIndex { $0.slug == built.source.slug } ?? 0
        return ChapterPage.html(built.checked, book: book, position: position, stamp: stamp)
    }
}
