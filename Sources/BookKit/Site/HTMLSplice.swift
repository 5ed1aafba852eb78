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

    /// - Parameter text: the Markdown the document is parsed from.
    init(avoiding text: String) {
        var nonce = 0
        while text.contains("kxsplice\(nonce)-") { nonce += 1 }
        prefix = Array("<!--kxsplice\(nonce)-".utf8)
    }

    /// The marker to put in the document where `html` goes.
    mutating func marker(for html: String) -> String {
        pieces.append(html)
        return String(decoding: prefix, as: UTF8.self) + "\(pieces.count - 1)-->"
    }

    /// `html` with each marker replaced by its piece (each piece once), in one pass.
    func apply(to html: String) -> String {
        guard !pieces.isEmpty else { return html }
        let bytes = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + pieces.reduce(0) { $0 + $1.utf8.count })
        var used = [Bool](repeating: false, count: pieces.count)
        var i = 0
        scan: while i < bytes.count {
            if bytes[i] == prefix[0], i + prefix.count <= bytes.count, bytes[i..<(i + prefix.count)].elementsEqual(prefix) {
                var j = i + prefix.count, index = 0
                while j < bytes.count, bytes[j] >= 48, bytes[j] <= 57, j - i - prefix.count < 9 { index = index * 10 + Int(bytes[j] - 48); j += 1 }
                let closer = Array("-->".utf8)
                if j > i + prefix.count, index < pieces.count, !used[index], j + 3 <= bytes.count, bytes[j..<(j + 3)].elementsEqual(closer) {
                    used[index] = true
                    out.append(contentsOf: pieces[index].utf8)
                    i = j + 3
                    continue scan
                }
            }
            out.append(bytes[i]); i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
