import Foundation

/// The book as the stages see it: the manifest's order and titles, and each chapter's source.
public struct Book: Sendable {
    public var title: String
    public var subtitle: String
    public var chapters: [ChapterSource]
}

/// One entry of the manifest with its Markdown text, before parsing.
public struct ChapterSource: Sendable, Hashable {
    /// Stable identifier: the page name (`slug.html`) and the `--chapter` argument.
    public var slug: String
    /// Path relative to the book root, as errors show it: `chapters/01-efficient-globalpointer.md`.
    public var path: String
    public var title: String
    public var summary: String
    public var text: String
    /// The post the chapter follows, if any.
    public var original: OriginalPost?
    /// The file on disk, symbolic links resolved; `Load` guarantees it lies inside `chapters/`. `--fix`
    /// writes here and nowhere else (nil for chapters made in memory, which `--fix` does not write).
    public var file: URL?
    /// Why the file could not be taken as a chapter (not UTF-8, CRLF line endings), located at the first bad
    /// byte; `text` is then empty and the chapter fails with this error alone, the others still build.
    public var loadError: BookError?

    public init(
        slug: String, path: String, title: String, summary: String, text: String, original: OriginalPost? = nil,
        file: URL? = nil, loadError: BookError? = nil
    ) {
        self.slug = slug
        self.path = path
        self.title = title
        self.summary = summary
        self.text = text
        self.original = original
        self.file = file
        self.loadError = loadError
    }
}

/// The blog post a chapter reproduces, as the manifest names it.
public struct OriginalPost: Sendable, Hashable, Decodable {
    public var url: String
    public var author: String
    public var date: String
    /// The post's own (Chinese) title.
    public var title: String
}

/// A chapter after extraction: its snippets in order, grouped into programs.
public struct Chapter: Sendable {
    public var source: ChapterSource
    public var snippets: [Snippet]
    public var boxes = ChapterBoxes()

    /// The snippets split at `reset`: each segment is one notebook program.
    public var segments: [[Snippet]] {
        var segments: [[Snippet]] = [[]]
        for snippet in snippets {
            if snippet.info.reset, !segments[segments.count - 1].isEmpty { segments.append([]) }
            segments[segments.count - 1].append(snippet)
        }
        return segments.filter { !$0.isEmpty }
    }
}

/// What running a snippet produced, whichever program ran it.
public struct SnippetOutcome: Sendable, Hashable {
    public var stdout = ""
    public var stderr = ""
    /// For `traps` snippets and unexpected traps: the trap's message and location, for the page.
    public var trap: String?
    /// For `fails` snippets, and snippets left out because they do not compile: the compiler's diagnostics,
    /// located in the chapter.
    public var diagnostics: String?
    /// The figures the snippet showed (`Figure.show()`), as text; taken out of `stdout`.
    public var figures: [String] = []
    /// Whether the snippet ran to its end (false if an earlier snippet failed or it trapped).
    public var ran = false
    public init() {}
}
