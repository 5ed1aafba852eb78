import Foundation

/// What `book serve` adds to the static site: files resolved safely under the site folder, and a live-reload
/// script injected into HTML responses (never into the files on disk, which stay script-free).
public enum LiveReload {
    /// The path the page polls; answers the build generation, which changes after every rebuild.
    public static let generationPath = "/__book/generation"

    /// Where `live-reload.js` says `generationPath`: the one path lives here, the script names it by this
    /// placeholder (`LiveReloadTests` checks that the script uses it).
    static let generationPathPlaceholder = "__BOOK_GENERATION_PATH__"

    /// `live-reload.js` as a script element: polls the generation twice a second and reloads the page when it
    /// changes (after a rebuild).
    static func script(_ resources: BookResources) -> String {
        "<script>\n" + resources.liveReload.replacingOccurrences(of: generationPathPlaceholder, with: generationPath)
            + "</script>"
    }

    /// The page with the live-reload script before `</body>` (or at the end when there is none).
    public static func inject(into html: String, resources: BookResources) -> String {
        let script = script(resources)
        guard let range = html.range(of: "</body>", options: .backwards) else { return html + script }
        return html.replacingCharacters(in: range, with: script + "\n</body>")
    }

    /// The file a request path names inside `site`, or nil when it would leave the folder or does not exist.
    /// `/` and folder paths mean their `index.html`.
    public static func resolve(_ requestPath: String, in site: URL) -> URL? {
        let path = requestPath.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        let decoded = path.removingPercentEncoding ?? path
        var components: [String] = []
        for component in decoded.split(separator: "/") {
            if component == "." || component.isEmpty { continue }
            if component == ".." || component.hasPrefix(".") { return nil }
            components.append(String(component))
        }
        var url = site.standardizedFileURL
        for component in components { url.appendPathComponent(component) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue {
            url.appendPathComponent("index.html")
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        }
        return url
    }

    public static func contentType(for url: URL) -> String {
        switch url.pathExtension.lowercased() {
        case "html": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "woff2": return "font/woff2"
        case "woff": return "font/woff"
        case "ttf": return "font/ttf"
        default: return "application/octet-stream"
        }
    }
}
