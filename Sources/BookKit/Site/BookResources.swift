import Foundation

/// The book's files that are not Swift: the site's stylesheet and page script, the Node script that runs
/// KaTeX, and `book serve`'s live-reload script. They live in `Sources/BookKit/Resources/` as real CSS and
/// JavaScript (so they can be linted and diffed) and ship as BookKit's SwiftPM resource bundle
/// (`resources: [.copy("Resources")]`), which `swift build` puts beside every executable that links BookKit:
/// `book`, `bench` and the test runner.
///
/// Guarantees:
/// - `load()` reads the files once per process and always gives the same bytes, so two builds write the same
///   `style.css` and `book.js`.
/// - A missing bundle or file is an environment error (exit 2) naming where it looked, with a hint; never a
///   crash. (The generated `Bundle.module` calls `fatalError` when its bundle is missing, so BookKit looks for
///   the bundle itself.) `BookBuilder.build()` and `book serve` load the resources before anything else, so a
///   build without them stops at once, not deep in rendering.
public struct BookResources: Sendable {
    /// The resource files, by their name in `Sources/BookKit/Resources/`.
    public enum File: String, CaseIterable, Sendable {
        /// The site's stylesheet, written to the site as `style.css`.
        case stylesheet = "style.css"
        /// The pages' script (search, copy buttons), written to the site as `book.js`.
        case pageScript = "book.js"
        /// The theme script, run in each page's `<head>` before the first paint, written to the site as `theme.js`.
        case themeScript = "theme.js"
        /// What Node runs to typeset formulas with KaTeX (`KaTeX`).
        case katexRender = "katex-render.js"
        /// What `book serve` injects into the pages it serves (`LiveReload`).
        case liveReload = "live-reload.js"
        /// Live figures' controls and redrawing (`LiveFigure`): the site's `book.js` ends with it.
        case liveFigures = "live.js"
    }

    public let stylesheet: String
    /// The pages' script: `book.js`, then `live.js` (live figures; it does nothing on a page without one).
    public let pageScript: String
    public let themeScript: String
    let katexRender: String
    let liveReload: String

    /// The bundle SwiftPM builds for BookKit's resources (`<package>_<target>.resources` on Linux), and the
    /// folder `.copy("Resources")` gives inside it.
    static let bundleName = "KexueBook_BookKit.resources"
    static let folderInBundle = "Resources"

    /// The resources of this process's executable, read once.
    public static func load() throws(BookError) -> BookResources { try bundled.get() }

    private static let bundled = Result { () throws(BookError) in try load(from: locate()) }

    /// Reads every file of `folder` (a copy of `Sources/BookKit/Resources`).
    static func load(from folder: URL) throws(BookError) -> BookResources {
        var texts: [File: String] = [:]
        for file in File.allCases {
            let url = folder.appendingPathComponent(file.rawValue)
            guard let data = FileManager.default.contents(atPath: url.path),
                let text = String(data: data, encoding: .utf8)
            else {
                throw BookError(
                    .environment, at: nil,
                    "the book's resource \(file.rawValue) is missing or unreadable at \(url.path)",
                    hint: reinstallHint)
            }
            texts[file] = text
        }
        return BookResources(
            stylesheet: texts[.stylesheet]!, pageScript: texts[.pageScript]! + "\n" + texts[.liveFigures]!,
            themeScript: texts[.themeScript]!,
            katexRender: texts[.katexRender]!, liveReload: texts[.liveReload]!)
    }

    /// The resource folder beside the running executable: beside `Bundle.main` (the folder of the executable as
    /// started), or beside the executable's real file when it was started through a symbolic link.
    static func locate() throws(BookError) -> URL {
        let candidates = executableFolders().map {
            $0.appendingPathComponent(bundleName).appendingPathComponent(folderInBundle)
        }
        for folder in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return folder
            }
        }
        throw BookError(
            .environment, at: nil, "the book's resources (stylesheet and scripts) are not installed",
            detail: "looked for:\n" + candidates.map(\.path).joined(separator: "\n"),
            hint: reinstallHint)
    }

    private static func executableFolders() -> [URL] {
        var folders = [Bundle.main.bundleURL.standardizedFileURL]
        let real = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        if !folders.contains(real.standardizedFileURL) { folders.append(real.standardizedFileURL) }
        return folders
    }

    private static let reinstallHint =
        "run the book with `swift run book` (`swift build` puts \(bundleName) beside the "
        + "executable); a copied `book` executable needs that folder copied beside it"
}
