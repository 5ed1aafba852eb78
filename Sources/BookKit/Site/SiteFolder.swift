import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Which folder `book build --output DIR` may replace: the guard that keeps the site writer from deleting
/// anything it did not create.
///
/// Guarantees, checked before anything is built or written:
/// - The output is never the book root, the package root, `chapters/`, `Sources/`, the home folder, `/`,
///   a folder that holds any of them, or a folder inside `chapters/` or `Sources/`, whatever the flags or
///   markers. Paths are compared after resolving symbolic links and `..` (`realpath`).
/// - An existing output folder is replaced only if it is empty, or holds the marker file `.book-site` with
///   `markerContents` (every site this tool writes has it), or is a site written by a version without the
///   marker (`looksLikeUnmarkedSite`: nothing but the files a build writes, and our page footer), which the
///   build then adopts by writing the marker.
/// - The output itself is not a symbolic link (a rename would replace the link, a copy would follow it).
///
/// A refusal is a usage error (exit 64): the command line named a folder the tool may not own; the fix is
/// another `--output`, or deleting the folder by hand.
public enum SiteFolder {
    /// The file every site carries; its presence with exactly `markerContents` marks a folder as ours.
    public static let markerName = ".book-site"
    public static let markerContents =
        "This folder is a site written by `book build`; the next build replaces it whole.\n"

    /// The files a build writes at the top of a site, besides the chapter pages (`SLUG.html`).
    static let siteFiles = Set([
        "index.html", "claims.html", "style.css", "book.js", "theme.js", "search-index.js", "katex", markerName,
        "api.html",
    ]).union(printFiles)

    /// What only `book build --pdf` writes: the book on one page and its PDF. A build without `--pdf` drops them
    /// (they would show an older book), so they are never taken for the author's files.
    static let printFiles: Set<String> = [PrintPage.path, "book.pdf"]

    /// Slugs no chapter may have: the page `SLUG.html` would be, or be named like, a file the build writes
    /// for itself (`index` would replace the book's index page).
    public static let reservedSlugs: Set<String> = Set(siteFiles.map { ($0 as NSString).deletingPathExtension })

    /// Whether `name`, a top-level entry of the site in `folder`, is one a build writes: a file of
    /// `siteFiles`, the page of a chapter in the manifest, or a regular `.html` file carrying the footer
    /// every page has (the page of a chapter since removed from the manifest). Everything else is the
    /// author's: a full build carries it into the new site, and an unmarked folder holding it is refused.
    static func isWrittenByBuild(_ name: String, in folder: URL, slugs: Set<String>) -> Bool {
        if siteFiles.contains(name) { return true }
        guard name.hasSuffix(".html") else { return false }
        if slugs.contains(String(name.dropLast(".html".count))) { return true }
        let path = folder.appendingPathComponent(name).path
        // Never through a link: the author's link to a page stays the author's.
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular,
            let page = FileManager.default.contents(atPath: path)
        else { return false }
        // A byte search: `String.contains` goes through Foundation's CFString search, which reading the
        // 78 pages of a warm no-op made 2 % of its CPU (perf).
        let mark = Array(footerMark.utf8)
        return page.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let base = bytes.baseAddress, bytes.count >= mark.count else { return false }
            var at = 0
            while at <= bytes.count - mark.count {
                if bytes[at] == mark[0], memcmp(base + at, mark, mark.count) == 0 { return true }
                at += 1
            }
            return false
        }
    }

    /// The top-level entries of the site in `folder` that no build writes (sorted; empty without a site).
    static func authorEntries(_ folder: URL, slugs: [String]) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let slugs = Set(slugs)
        return entries.filter { !isWrittenByBuild($0, in: folder, slugs: slugs) }.sorted()
    }

    /// The footer `PageTemplate` puts on every page.
    private static let footerMark = "<footer class=\"stamp\">"

    /// Throws a usage error if `output` is a folder the build must not replace.
    /// - Parameters:
    ///   - root: the book root; `packageRoot`: the package whose sources chapters link.
    ///   - slugs: the manifest's chapter slugs (their pages may be in an unmarked site).
    ///   - home: the home folder (a parameter so that tests can name one).
    public static func check(
        _ output: URL, root: URL, packageRoot: URL, slugs: [String],
        home: String? = ProcessInfo.processInfo.environment["HOME"]
    ) throws(BookError) {
        let path = resolved(output.path)
        var protected = [root.path, packageRoot.path, "/"]
        for base in [root, packageRoot] {
            protected += ["chapters", "Sources"].map { base.appendingPathComponent($0).path }
        }
        if let home, !home.isEmpty { protected.append(home) }
        for candidate in protected.map(resolved) {
            if candidate == path || isInside(candidate, path) {
                throw refusal(
                    output,
                    "it is \(candidate == path ? "" : "a folder holding ")\(candidate), which the build must never replace"
                )
            }
        }
        for sources in [root, packageRoot].flatMap({ base in
            ["chapters", "Sources"].map { base.appendingPathComponent($0).path }
        })
        where isInside(path, resolved(sources)) {
            throw refusal(output, "it is inside \(resolved(sources)), which holds the book's sources")
        }
        var isDirectory: ObjCBool = false
        if let attributes = try? FileManager.default.attributesOfItem(atPath: output.path),
            attributes[.type] as? FileAttributeType == .typeSymbolicLink
        {
            throw refusal(output, "it is a symbolic link", hint: "pass the folder it points to as --output")
        }
        guard FileManager.default.fileExists(atPath: output.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw refusal(output, "it is a file, not a folder") }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: output.path)) ?? []
        if entries.isEmpty || hasMarker(output) || looksLikeUnmarkedSite(output, slugs: slugs) { return }
        throw refusal(
            output, "it is not empty and is not a site this tool wrote (no \(markerName) file)",
            hint: "pass another --output, or delete \(output.path) yourself if nothing in it is needed")
    }

    /// Whether the folder carries the marker, as a regular file with exactly `markerContents`.
    static func hasMarker(_ folder: URL) -> Bool {
        let marker = folder.appendingPathComponent(markerName)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: marker.path),
            attributes[.type] as? FileAttributeType == .typeRegular
        else { return false }
        return FileManager.default.contents(atPath: marker.path) == Data(markerContents.utf8)
    }

    /// A site written before the marker existed: its top level holds only what a build writes
    /// (`isWrittenByBuild`, and at
    /// least `index.html` and `style.css`), and its index page carries the footer every page has. Replacing
    /// it loses nothing a build did not write.
    static func looksLikeUnmarkedSite(_ folder: URL, slugs: [String]) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return false }
        let slugs = Set(slugs)
        guard entries.allSatisfy({ isWrittenByBuild($0, in: folder, slugs: slugs) }),
            entries.contains("index.html"), entries.contains("style.css"),
            let index = FileManager.default.contents(atPath: folder.appendingPathComponent("index.html").path)
        else { return false }
        return String(decoding: index, as: UTF8.self).contains(footerMark)
    }

    /// The path with symbolic links and `..` resolved; for a path that does not exist yet, its longest
    /// existing ancestor is resolved and the rest appended (those components cannot be links).
    static func resolved(_ path: String) -> String {
        var head = path, tail: [String] = []
        while true {
            if let real = realpath(head, nil) {
                defer { free(real) }
                var result = String(cString: real)
                for component in tail.reversed() {
                    if component == ".." {
                        result = (result as NSString).deletingLastPathComponent
                    } else if component != "." && !component.isEmpty {
                        result = result == "/" ? "/" + component : result + "/" + component
                    }
                }
                return result
            }
            // NSString, not URL: URL's deletingLastPathComponent appends "/.." to a path ending in "..".
            guard head != "/", !head.isEmpty else { return path }
            tail.append((head as NSString).lastPathComponent)
            head = (head as NSString).deletingLastPathComponent
        }
    }

    /// Whether `path` lies strictly inside `folder` (both resolved).
    static func isInside(_ path: String, _ folder: String) -> Bool {
        folder == "/" ? path != "/" : path.hasPrefix(folder + "/")
    }

    private static func refusal(
        _ output: URL, _ reason: String,
        hint: String = "pass another --output (the default is site/ in the book root)"
    ) -> BookError {
        BookError(.usage, at: nil, "refusing to write the site to \(output.path): \(reason)", hint: hint)
    }
}
