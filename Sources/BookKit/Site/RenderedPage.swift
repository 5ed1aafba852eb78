/// A page as the renderer returns it: its HTML and what the HTML holds (`PageContents`), made together so
/// that they cannot disagree.
public struct RenderedPage: Sendable {
    public var html: String
    public var contents: PageContents

    public init(html: String, contents: PageContents) {
        self.html = html
        self.contents = contents
    }
}
