import Synchronization

/// Renders each chapter's page as soon as the chapter is checked, and checks the page's links before the
/// chapter's progress line is printed: a broken link fails its chapter like any other error (the line says
/// FAIL, the page carries the banner, the report counts it).
///
/// A link to an anchor of another chapter built now can be checked only once that page is rendered, so a
/// chapter that links into a later one waits (and the lines after it, which keep book order) until that
/// page exists; `finish` releases the rest. Anchors of pages not built now are trusted here; `BookBuilder`
/// checks the whole site once more (the index and claims pages' own links), and its errors too reach the
/// chapter's banner.
///
/// Sendable: `BookBuilder` feeds it from whichever worker finished a chapter (one at a time, in book order);
/// its changing state is behind a mutex.
final class PageLinkGate: Sendable {
    struct Entry {
        var built: ChapterBuild
        var page: RenderedPage
        var needs: Set<String>
    }

    /// What changes as chapters arrive.
    private struct State {
        var queue: [Entry?] = []
        var anchors: [String: Set<String>] = [:]
        /// Rendered chapter pages (with their banners), by site path.
        var pages: [String: RenderedPage] = [:]
        /// The chapters released, with link errors added, by slug.
        var released: [String: ChapterBuild] = [:]
    }

    private let book: Book
    private let stamp: Render.Stamp
    private let knownPages: Set<String>
    /// Pages of the chapters built now, by site path (`slug.html`).
    private let building: Set<String>
    private let state: Mutex<State>
    /// Rendered chapter pages (with their banners), by site path.
    var pages: [String: RenderedPage] { state.withLock { $0.pages } }
    /// The chapters released, with link errors added, by slug.
    var released: [String: ChapterBuild] { state.withLock { $0.released } }

    /// - Parameter apiPages: the API reference's pages (rendered before any chapter): links into them are
    ///   checked with their anchors.
    init(book: Book, building slugs: [String], stamp: Render.Stamp, apiPages: [String: RenderedPage] = [:]) {
        self.book = book
        self.stamp = stamp
        building = Set(slugs.map { "\($0).html" })
        knownPages = Set(book.chapters.map { "\($0.slug).html" })
            .union([
                "index.html", "claims.html", "style.css", "book.js", "theme.js", "search-index.js",
                APIIndex.overviewPage,
            ])
            .union(Typeset.assetCopies().keys).union(apiPages.keys)
        // The index and claims pages are rendered at the end, but their anchors are known now: the index depends
        // on the manifest alone, and the claims page's anchors not on its rows (`Render.claimsPage` gives them
        // none; PageLinkGateTests holds it to that). So a link into them is checked before the chapter's line.
        var initial = State()
        initial.anchors["index.html"] = Render.index(book: book, stamp: stamp).contents.anchors
        initial.anchors["claims.html"] = Render.claimsPage(book: book, chapters: [], stamp: stamp).contents.anchors
        for (path, page) in apiPages { initial.anchors[path] = page.contents.anchors }
        state = Mutex(initial)
    }

    /// The next chapter in book order; returns the chapters whose lines may be printed now, in order.
    func add(_ built: ChapterBuild) -> [ChapterBuild] { add(prepare(built)) }

    /// A chapter's page rendered and the pages it links into found. Reads nothing that chapters change, so the
    /// build's workers call it in parallel, before `add` (rendering inside `add`, under the build's ordering
    /// lock, kept a quarter of a warm no-op's CPU on one core).
    func prepare(_ built: ChapterBuild) -> Entry {
        let path = "\(built.source.slug).html"
        let page = render(built)
        return Entry(
            built: built, page: page,
            needs: LinkCheck.pagesWithLinkedAnchors(in: page.contents, path: path).intersection(building))
    }

    /// The next chapter in book order, prepared; returns the chapters whose lines may be printed now, in order.
    func add(_ entry: Entry) -> [ChapterBuild] {
        let path = "\(entry.built.source.slug).html"
        let page = entry.page
        return state.withLock { state in
            state.pages[path] = page
            state.anchors[path] = page.contents.anchors
            state.queue.append(entry)
            return release(all: false, &state)
        }
    }

    /// A chapter that failed to build (an environment error): nothing to render; later chapters go on.
    func addFailure() -> [ChapterBuild] {
        state.withLock { state in
            state.queue.append(nil)
            return release(all: false, &state)
        }
    }

    /// Every chapter still waiting (all pages that can exist now do).
    func finish() -> [ChapterBuild] { state.withLock { release(all: true, &$0) } }

    private func release(all: Bool, _ state: inout State) -> [ChapterBuild] {
        var ready: [ChapterBuild] = []
        while let first = state.queue.first {
            guard var entry = first else { state.queue.removeFirst(); continue }
            guard all || entry.needs.allSatisfy({ state.pages[$0] != nil }) else { break }
            state.queue.removeFirst()
            let path = "\(entry.built.source.slug).html"
            let anchors = state.anchors
            let errors = LinkCheck.errors(
                inPage: path, contents: entry.page.contents, chapter: entry.built.source,
                knownPages: knownPages, anchors: { anchors[$0] })
            if !errors.isEmpty {
                entry.built.record(errors)
                // The banner lists the link errors too; the page's anchors do not change.
                state.pages[path] = render(entry.built)
            }
            state.released[entry.built.source.slug] = entry.built
            ready.append(entry.built)
        }
        return ready
    }

    private func render(_ built: ChapterBuild) -> RenderedPage {
        let position = book.chapters.firstIndex { $0.slug == built.source.slug } ?? 0
        return ChapterPage.page(built.checked, book: book, position: position, stamp: stamp)
    }
}
