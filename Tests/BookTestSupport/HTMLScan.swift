import Foundation

/// Reads written pages back, as a browser would find their ids and links: the tests' independent oracle for
/// what the renderers record (`PageContents`), and the check of a site on disk (`ScratchBook.danglingLinks`).
/// The engine itself never reads a page back.
public enum HTMLScan {
    /// The values of attributes (quoted, after a space) in a page's markup, outside `<script>` elements, with
    /// `&amp;` decoded.
    public static func attributeValues(_ names: [String], in html: String) -> [String: Set<String>] {
        let quoted = names.flatMap { [($0, UInt8(ascii: "\"")), ($0, UInt8(ascii: "'"))] }
        let markers = quoted.map { Array(" \($0.0)=".utf8) + [$0.1] }
        let scriptOpen = Array("<script".utf8), scriptClose = Array("</script>".utf8)
        var values = [String: Set<String>](uniqueKeysWithValues: names.map { ($0, Set<String>()) })
        let bytes = Array(html.utf8)
        func matches(_ pattern: [UInt8], at i: Int) -> Bool {
            guard i + pattern.count <= bytes.count else { return false }
            for k in 0..<pattern.count where bytes[i + k] != pattern[k] { return false }
            return true
        }
        var i = 0
        // The `>` of an open `<script` tag: its attributes count (`src`), its body does not.
        var scriptTagEnd: Int?
        scan: while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "<"), matches(scriptOpen, at: i) {
                scriptTagEnd = bytes[i...].firstIndex(of: UInt8(ascii: ">"))
            }
            if let end = scriptTagEnd, i == end {
                scriptTagEnd = nil
                while i < bytes.count, !(bytes[i] == UInt8(ascii: "<") && matches(scriptClose, at: i)) { i += 1 }
                continue
            }
            if byte == UInt8(ascii: " ") {
                for (n, marker) in markers.enumerated() where matches(marker, at: i) {
                    let start = i + marker.count
                    var end = start
                    while end < bytes.count, bytes[end] != quoted[n].1 { end += 1 }
                    values[quoted[n].0]!.insert(
                        String(decoding: bytes[start..<end], as: UTF8.self).replacingOccurrences(of: "&amp;", with: "&")
                    )
                    i = end
                    continue scan
                }
            }
            i += 1
        }
        return values
    }

    /// The `id`s of a page.
    public static func ids(in html: String) -> Set<String> { attributeValues(["id"], in: html)["id"]! }

    /// The `href` and `src` values of a page.
    public static func links(in html: String) -> Set<String> {
        let values = attributeValues(["href", "src"], in: html)
        return values["href"]!.union(values["src"]!)
    }

    /// The internal links of `pages` (site path → HTML) whose page is not among `files` or whose anchor is not an
    /// id of that page, as "PAGE: TARGET".
    public static func danglingLinks(pages: [String: String], files: Set<String>) -> [String] {
        let ids = pages.mapValues(ids(in:))
        var dangling: [String] = []
        for (path, html) in pages.sorted(by: { $0.key < $1.key }) {
            for target in links(in: html).sorted()
            where
                !(target.isEmpty || target.hasPrefix("http:") || target.hasPrefix("https:")
                || target.hasPrefix("mailto:") || target.hasPrefix("data:"))
            {
                let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                let page = parts[0].isEmpty ? path : String(parts[0])
                let anchor = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
                if !files.contains(page) {
                    dangling.append("\(path): \(target) (no page \(page))")
                } else if !anchor.isEmpty, let pageIDs = ids[page], !pageIDs.contains(anchor) {
                    dangling.append("\(path): \(target) (no anchor '#\(anchor)' in \(page))")
                }
            }
        }
        return dangling
    }
}
