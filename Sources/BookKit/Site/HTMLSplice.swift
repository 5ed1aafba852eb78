import Foundation

/// Puts HTML that is data, not prose, into a rendered Markdown page after the page's math was restored:
/// snippets with their output, figures, boxes, the chapter header.
///
/// Such HTML never passes through cmark (whose C strings end at a NUL byte) nor through
/// `MathProtection.restore` (so a program that prints a placeholder token gets the token on the page,
/// not a formula). The document carries a marker in its place, an HTML comment
/// `<!--kxsplice<NONCE>-<N>-->`. cmark emits `<!--` only from raw HTML, which is a piece of the text it
/// parsed, so a nonce absent from that text makes the markers unforgeable by the author.
struct HTMLSplice {
    private let prefix: [UInt8]
    private var pieces: [String] = []
    /// What each piece is in the page's text view (`applyText`): the same HTML unless `marker` was given one.
    private var textPieces: [String] = []

    /// - Parameter text: the Markdown the document is parsed from.
    init(avoiding text: String) {
        var nonce = 0
        while text.contains("kxsplice\(nonce)-") { nonce += 1 }
        prefix = Array("<!--kxsplice\(nonce)-".utf8)
    }

    /// The marker to put in the document where `html` goes (and `text`, in the text view: what search reads
    /// of the piece, e.g. a snippet's code without its output).
    mutating func marker(for html: String, text: String? = nil) -> String {
        pieces.append(html)
        textPieces.append(text ?? html)
        return String(decoding: prefix, as: UTF8.self) + "\(pieces.count - 1)-->"
    }

    /// `html` with each marker replaced by its piece (each piece once), in one pass.
    func apply(to html: String) -> String { apply(pieces, to: html) }

    /// `html` with each marker replaced by the text view of its piece.
    func applyText(to html: String) -> String { apply(textPieces, to: html) }

    private func apply(_ pieces: [String], to html: String) -> String {
        guard !pieces.isEmpty else { return html }
        let bytes = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + pieces.reduce(0) { $0 + $1.utf8.count })
        var used = [Bool](repeating: false, count: pieces.count)
        let closer = Array("-->".utf8)
        var i = 0
        while i < bytes.count {
            // The next marker prefix, found with memmem: the page around the markers (typeset math
            // especially) is copied in bulk, not byte by byte.
            guard let found = Self.firstIndex(of: prefix, in: bytes, from: i) else { break }
            out.append(contentsOf: bytes[i..<found])
            var j = found + prefix.count, index = 0
            while j < bytes.count, bytes[j] >= 48, bytes[j] <= 57, j - found - prefix.count < 9 {
                index = index * 10 + Int(bytes[j] - 48); j += 1
            }
            if j > found + prefix.count, index < pieces.count, !used[index], j + 3 <= bytes.count,
                bytes[j..<(j + 3)].elementsEqual(closer)
            {
                used[index] = true
                out.append(contentsOf: pieces[index].utf8)
                i = j + 3
            } else {
                out.append(bytes[found])
                i = found + 1
            }
        }
        if i < bytes.count { out.append(contentsOf: bytes[i...]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The index of the first occurrence of `pattern` (which starts `<!`) in `bytes` at or after `start`.
    /// memchr looks for the `!`, rare outside comments (typeset math has a `<` every few bytes, no `!`).
    static func firstIndex(of pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard pattern.count >= 2 else { return nil }
        return bytes.withUnsafeBufferPointer { haystack -> Int? in
            var from = start + 1
            while from < haystack.count {
                guard let hit = memchr(haystack.baseAddress! + from, Int32(pattern[1]), haystack.count - from) else {
                    return nil
                }
                let at = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - haystack.baseAddress! - 1
                if at + pattern.count <= haystack.count, haystack[at] == pattern[0],
                    memcmp(haystack.baseAddress! + at, pattern, pattern.count) == 0
                {
                    return at
                }
                from = at + 2
            }
            return nil
        }
    }
}
