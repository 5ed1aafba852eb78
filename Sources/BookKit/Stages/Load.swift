import Foundation

/// Stage 1: reads the manifest `chapters/book.json` and the chapter files it names. Disk: reads only.
/// (The other stages that touch the disk: Build, Run, Typeset, `--fix` and Write; see `BookBuilder`.)
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
/// Order in the array is book order. Slugs are unique, lowercase letters, digits and `-`, and not one of
/// `SiteFolder.reservedSlugs` (`index`, `claims`, ...). `original.url` starts with `https://` or `http://`.
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
    ///
    /// Guarantees: every chapter's file resolves (symbolic links and `..` included) to a regular file inside
    /// `chapters/`, or the manifest is rejected with an error at the line and column of that `"file"` value
    /// (exit 2), so nothing outside the book is read, published, or written by `--fix`. A chapter that is not
    /// UTF-8 or has carriage returns is loaded with a `loadError` at its first bad byte and fails alone.
    public static func book(root: URL) throws(BookError) -> Book {
        let manifestURL = root.appendingPathComponent(manifestPath)
        let location = SourcePosition(file: manifestPath, line: 1)
        guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
            throw BookError(
                .environment, at: nil, "no manifest at \(manifestURL.path)",
                hint: "run from the book root, or pass --root; the manifest lists the chapters in order")
        }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw BookError(
                .chapterFormat, at: location, "the manifest is not valid: \(describe(error))",
                hint: "expected {\"title\": ..., \"chapters\": [{\"slug\", \"file\", \"title\", \"summary\"}]}")
        }
        let positions = JSONPositions(Array(data))
        var seen = Set<String>()
        var chapters: [ChapterSource] = []
        for (index, entry) in manifest.chapters.enumerated() {
            let slugLocation = positions.position(of: "chapters.\(index).slug", file: manifestPath) ?? location
            guard !entry.slug.isEmpty,
                entry.slug.allSatisfy({ ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-" })
            else {
                throw BookError(
                    .chapterFormat, at: slugLocation, "chapter slug '\(entry.slug)' is not a slug",
                    hint: "use lowercase letters, digits and '-'")
            }
            guard !SiteFolder.reservedSlugs.contains(entry.slug) else {
                throw BookError(
                    .chapterFormat, at: slugLocation,
                    "chapter slug '\(entry.slug)' names a page the build writes for itself",
                    hint:
                        "choose another slug; reserved: \(SiteFolder.reservedSlugs.filter { !$0.hasPrefix(".") }.sorted().joined(separator: ", "))"
                )
            }
            guard seen.insert(entry.slug).inserted else {
                throw BookError(
                    .chapterFormat, at: slugLocation, "chapter slug '\(entry.slug)' appears twice",
                    hint: "slugs name pages and must be unique")
            }
            // The address becomes a live link on the chapter's page: a `javascript:` or `data:` one must not.
            if let url = entry.original?.url, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                throw BookError(
                    .chapterFormat,
                    at: positions.position(of: "chapters.\(index).original.url", file: manifestPath) ?? location,
                    "chapter '\(entry.slug)': the original post's url '\(url)' is not an http:// or https:// address",
                    hint: "give the post's web address in full, for example \"https://kexue.fm/archives/8877\"")
            }
            let fileLocation = positions.position(of: "chapters.\(index).file", file: manifestPath) ?? location
            let file = try chapterFile(entry, root: root, at: fileLocation)
            let path = "chapters/" + entry.file
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw BookError(
                    .environment, at: fileLocation, "chapter '\(entry.slug)' names \(path), which cannot be read",
                    hint: "check the file's permissions")
            }
            var source = ChapterSource(
                slug: entry.slug, path: path, title: entry.title, summary: entry.summary,
                text: "", original: entry.original, file: file)
            if let error = encodingError(Array(data), path: path) {
                source.loadError = error
            } else {
                source.text = String(decoding: data, as: UTF8.self)
            }
            chapters.append(source)
        }
        return Book(title: manifest.title, subtitle: manifest.subtitle ?? "", chapters: chapters)
    }

    /// The entry's file, resolved: a regular file inside `chapters/` (itself resolved), or a located error.
    static func chapterFile(_ entry: Manifest.Entry, root: URL, at location: SourcePosition) throws(BookError) -> URL {
        let hint =
            "name a file inside chapters/, relative to it (for example \"01-intro.md\"), with no link leading out"
        guard !entry.file.isEmpty, !entry.file.hasPrefix("/"), !entry.file.hasPrefix("~") else {
            throw BookError(
                .chapterFormat, at: location,
                "chapter '\(entry.slug)' names '\(entry.file)', which is not a path relative to chapters/", hint: hint)
        }
        let folder = SiteFolder.resolved(root.appendingPathComponent("chapters").path)
        let candidate = root.appendingPathComponent("chapters").appendingPathComponent(entry.file).path
        guard let real = realpath(candidate, nil) else {
            throw BookError(
                .chapterFormat, at: location,
                "chapter '\(entry.slug)' names chapters/\(entry.file), which does not exist",
                hint: "check the file name in \(manifestPath)")
        }
        let resolved = String(cString: real)
        free(real)
        guard SiteFolder.isInside(resolved, folder) else {
            throw BookError(
                .chapterFormat, at: location,
                "chapter '\(entry.slug)' names chapters/\(entry.file), which resolves to \(resolved), outside \(folder)",
                hint: hint)
        }
        var status = stat()
        guard stat(resolved, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw BookError(
                .chapterFormat, at: location,
                "chapter '\(entry.slug)' names chapters/\(entry.file), which is not a regular file",
                hint: hint)
        }
        return URL(fileURLWithPath: resolved)
    }

    /// The chapter-level error for text that is not UTF-8 with LF line endings, at its first bad byte.
    static func encodingError(_ bytes: [UInt8], path: String) -> BookError? {
        let invalid = firstInvalidUTF8(bytes)
        let carriageReturn = bytes.firstIndex(of: UInt8(ascii: "\r"))
        guard let offset = [invalid, carriageReturn].compactMap({ $0 }).min() else { return nil }
        let lineStart = bytes[..<offset].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let line = bytes[..<offset].reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        let position = SourcePosition(file: path, line: line, column: offset - lineStart + 1)
        if offset == invalid {
            return BookError(
                .chapterFormat, at: position,
                "the chapter is not UTF-8: byte 0x\(String(bytes[offset], radix: 16, uppercase: true)) cannot start or continue a character here",
                hint: "save the chapter as UTF-8 (for example `iconv -f LATIN1 -t UTF-8`)")
        }
        let crlf = offset + 1 < bytes.count && bytes[offset + 1] == UInt8(ascii: "\n")
        return BookError(
            .chapterFormat, at: position,
            crlf ? "the chapter has Windows (CRLF) line endings" : "the chapter has a carriage return (CR) character",
            hint: "convert it to LF line endings (for example `sed -i 's/\\r$//' \(path)`)")
    }

    /// The offset of the first byte that is not part of a well-formed UTF-8 sequence (no overlongs, no
    /// surrogates, nothing above U+10FFFF), or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            if lead < 0x80 { i += 1; continue }
            let length: Int
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return i
            }
            guard i + length <= bytes.count else { return i }
            var scalar = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for k in 1..<length {
                guard bytes[i + k] & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(bytes[i + k] & 0x3F)
            }
            if (length == 3 && scalar < 0x800) || (length == 4 && (scalar < 0x10000 || scalar > 0x10FFFF))
                || (0xD800...0xDFFF).contains(scalar)
            {
                return i
            }
            i += length
        }
        return nil
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
        context.codingPath.isEmpty
            ? "top level"
            : context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
