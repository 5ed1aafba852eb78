import Foundation

/// The text of a `chapters/book.json`, one chapter entry a line:
///
///     { "title": "T", "chapters": [
///       { "slug": "one", "file": "one.md", "title": "One", "summary": "s" },
///       { "slug": "two", "file": "two.md", "title": "Two", "summary": "s" } ] }
///
/// Tests that pin a manifest error's line and column rely on this layout.
public struct Manifest: Sendable {
    public struct Entry: Sendable {
        public var slug: String
        public var file: String
        public var title: String
        public var summary: String
        public var text: String

        /// A chapter in `chapters/SLUG.md`, its title and summary defaulting to the slug.
        public init(_ slug: String, file: String? = nil, title: String? = nil, summary: String? = nil, text: String) {
            self.slug = slug
            self.file = file ?? "\(slug).md"
            self.title = title ?? slug
            self.summary = summary ?? slug
            self.text = text
        }
    }

    public var title: String
    public var entries: [Entry]

    public init(title: String, entries: [Entry]) {
        self.title = title
        self.entries = entries
    }

    public var json: String {
        let lines = entries.map {
            "  { \"slug\": \(quoted($0.slug)), \"file\": \(quoted($0.file)), \"title\": \(quoted($0.title)), \"summary\": \(quoted($0.summary)) }"
        }
        return "{ \"title\": \(quoted(title)), \"chapters\": [\n" + lines.joined(separator: ",\n") + " ] }\n"
    }

    private func quoted(_ string: String) -> String {
        // A JSON string literal; JSONEncoder escapes quotes, backslashes and control characters.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: (try? encoder.encode(string)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
