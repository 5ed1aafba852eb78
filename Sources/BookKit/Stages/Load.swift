import Foundation

/// Stage 1: reads the manifest `chapters/book.json` and the chapter files it names. The only stage besides
/// `SiteWriter` that touches the disk.
///
/// The manifest:
/// ```json
/// { "title": "...", "subtitle": "...",
///   "chapters": [ { "slug": "how-to-read", "file": "00-how-to-read.md",
///                   "title": "How to read this book", "summary": "One sentence.",
///                   "original": { "url": "https://kexue.fm/archives/8877", "author": "Su Jianlin",
///                                 "date": "2022-01-25", "title": "Efficient GlobalPointer：少点参数，多点效果" } } ] }
/// `original` is optional (the introduction has none).
/// ```
/// Order in the array is book order. Slugs are unique, lowercase letters, digits and `-`.
public enum Load {
    public static let manifestPath = "chapters/book.json"

    struct Manifest: Decodable {
        struct Entry: Decodable {
            var slug: String
            var file: String
            var title: String
            var summary: String
            var original: OriginalPost?
        }
        var title: String
        var subtitle: String?
        var chapters: [Entry]
    }

    /// - Parameter root: the book root (the folder holding `chapters/`).
    public static func book(root: URL) throws(BookError) -> Book {
        let manifestURL = root.appendingPathComponent(manifestPath)
        let location = SourcePosition(file: manifestPath, line: 1)
        guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
            throw BookError(.environment, at: nil, "no manifest at \(manifestURL.path)",
                            hint: "run from the book root, or pass --root; the manifest lists the chapters in order")
        }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw BookError(.chapterFormat, at: location, "the manifest is not valid: \(describe(error))",
                            hint: "expected {\"title\": ..., \"chapters\": [{\"slug\", \"file\", \"title\", \"summary\"}]}")
        }
        var seen = Set<String>()
        var chapters: [ChapterSource] = []
        for entry in manifest.chapters {
            guard !entry.slug.isEmpty,
                  entry.slug.allSatisfy({ ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-" }) else {
                throw BookError(.chapterFormat, at: location, "chapter slug '\(entry.slug)' is not a slug",
                                hint: "use lowercase letters, digits and '-'")
            }
            guard seen.insert(entry.slug).inserted else {
                throw BookError(.chapterFormat, at: location, "chapter slug '\(entry.slug)' appears twice",
                                hint: "slugs name pages and must be unique")
            }
            let path = "chapters/" + entry.file
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path),
                  let text = String(data: data, encoding: .utf8) else {
                throw BookError(.chapterFormat, at: location, "chapter '\(entry.slug)' names \(path), which cannot be read as UTF-8",
                                hint: "check the file name in \(manifestPath)")
            }
            if text.contains("\r\n") {
                throw BookError(.chapterFormat, at: SourcePosition(file: path, line: 1), "the chapter has Windows (CRLF) line endings",
                                hint: "convert it to LF line endings (for example `sed -i 's/\\r$//' \(path)`)")
            }
            chapters.append(ChapterSource(slug: entry.slug, path: path, title: entry.title,
                                          summary: entry.summary, text: text, original: entry.original))
        }
        return Book(title: manifest.title, subtitle: manifest.subtitle ?? "", chapters: chapters)
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(path(context))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.debugDescription) at \(path(context))"
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        default:
            return "\(error)"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.isEmpty ? "top level" : context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
