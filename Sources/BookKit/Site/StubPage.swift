/// The page of a chapter that has never been built into this site: what a `--chapter` build publishes
/// for the other chapters when the previous site lacks their pages, so that no link of the site dangles.
///
/// It says plainly that the chapter was not built and how to build it, and carries the same error banner
/// style as a failed chapter so that it cannot be mistaken for content.
enum StubPage {
    /// - Parameter anchors: the ids the chapter's real page has for its snippets (`snippet-ID`): links from
    ///   the claims page and other chapters land here, on empty targets, instead of dangling.
    static func page(_ source: ChapterSource, book: Book, stamp: Render.Stamp, anchors: [String] = []) -> RenderedPage {
        var contents = PageContents()
        var body = "<section class=\"build-errors\" role=\"alert\"><h2>Not built yet</h2>"
        body += "<p>This chapter's page has not been built: the last build was of other chapters only "
        body +=
            "(<code>--chapter</code>). Run a full build, <code>swift run book build</code>, to build it.</p></section>\n"
        body += "<article class=\"chapter\">\n<h1>\(HTML.escape(source.title))</h1>\n"
        body += "<p class=\"summary\">\(HTML.escape(source.summary))</p>\n"
        for anchor in anchors {
            body += "<span id=\"\(HTML.escape(anchor))\"></span>"
            contents.define(anchor)
        }
        body += "</article>\n"
        return PageTemplate.page(
            title: source.title + " · " + book.title, book: book, current: source.slug,
            sections: [], body: RenderedPage(html: body, contents: contents), stamp: stamp)
    }
}
