import CSystemSupport
import Foundation

/// The last stage's disk half: writes a rendered `Site` so that `site/` is never half-written.
///
/// Guarantees (with `SiteFolder.check` run first, which decides that the output may be replaced at all):
/// - Files go to a staging folder `.NAME.staging-PID` beside the output, marked with `SiteFolder.markerName`
///   first; the staging folder then takes the output's place in one atomic step: `renameat2(RENAME_EXCHANGE)`
///   when a site exists, `renameat2(RENAME_NOREPLACE)` for the first site. At every instant `site/` is
///   either the previous site or the new one, whole; a build killed at any point leaves one of them.
/// - The retired site (now at the staging path) is deleted after the exchange; a kill before that leaves
///   a leftover that `recover` deletes under the next build's lock.
/// - Only on file systems without `renameat2` flags (`EINVAL`/`ENOSYS`) does it fall back to two renames
///   (output to `.NAME.old-PID`, staging to output); `recover` restores such an `.old` folder when the
///   output is missing, which also repairs the leftovers of versions that always used two renames.
public enum SiteWriter {
    /// Run under the build's site lock, before building: puts back a site an interrupted build took away,
    /// deletes staging and retired leftovers, marks an adopted unmarked site, and checks that the output
    /// and its parent can be written (so a read-only or foreign-owned site fails before anything is
    /// staged, instead of leaving a half-swapped state).
    /// - Returns: what it repaired, one line each, for the progress output.
    public static func recover(_ output: URL) throws(BookError) -> [String] {
        let fileManager = FileManager.default
        let parent = output.deletingLastPathComponent()
        let name = output.lastPathComponent
        var notes: [String] = []
        guard access(parent.path, W_OK | X_OK) == 0 else {
            throw unwritable(output, "its folder \(parent.path) is not writable (\(String(cString: strerror(errno))))")
        }
        let leftovers = ((try? fileManager.contentsOfDirectory(atPath: parent.path)) ?? []).filter {
            isLeftover($0, of: name)
        }.sorted()
        if !fileManager.fileExists(atPath: output.path) {
            // The newest retired site of a build killed between its two renames.
            let retired = leftovers.filter { $0.hasPrefix(".\(name).old-") }.max {
                modified(parent, $0) < modified(parent, $1)
            }
            if let retired, csys_rename_noreplace(parent.appendingPathComponent(retired).path, output.path) == 0 {
                notes.append("restored \(output.path) from \(retired), left by an interrupted build")
            }
        }
        for entry in leftovers where fileManager.fileExists(atPath: parent.appendingPathComponent(entry).path) {
            try? fileManager.removeItem(at: parent.appendingPathComponent(entry))
        }
        guard fileManager.fileExists(atPath: output.path) else { return notes }
        if let folder = firstUnwritableFolder(in: output) {
            throw unwritable(output, "\(folder) is not writable by this user (read-only or owned by someone else)")
        }
        if !SiteFolder.hasMarker(output) {
            // `SiteFolder.check` allowed it: empty, or an unmarked site of an earlier version. Adopt it.
            do {
                try Data(SiteFolder.markerContents.utf8).write(to: output.appendingPathComponent(SiteFolder.markerName))
            } catch {
                throw unwritable(output, error.localizedDescription)
            }
        }
        return notes
    }

    /// The top-level file names of the current site (empty if there is none): which chapter pages exist.
    public static func existingFiles(_ output: URL) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: output.path)) ?? [])
    }

    /// - Parameters:
    ///   - site: the pages to write.
    ///   - output: the site folder (`site/`), already checked by `SiteFolder.check` and `recover`.
    ///   - keepOthers: keep files of the previous site that `site` does not replace (a build of some
    ///     chapters keeps the other chapters' pages).
    ///   - slugs: the manifest's chapter slugs. Without `keepOthers`, every top-level entry of the previous
    ///     site that a build does not write (`SiteFolder.authorEntries`: a `CNAME`, a gh-pages `.git`) is
    ///     copied into the staged site before the exchange, links as links, so the author loses nothing.
    /// - Returns: the names of those author entries, carried over either way.
    ///   - beforeSwap: called with the staged site, whole, before it takes the output's place (`--pdf` prints
    ///     the book there). An error it throws is thrown as it is; the staged site is removed and the output
    ///     stays as it was.
    @discardableResult
    public static func write(
        _ site: Site, to output: URL, keepOthers: Bool, slugs: [String],
        beforeSwap: ((URL) throws(BookError) -> Void)? = nil
    ) throws(BookError) -> [String] {
        let fileManager = FileManager.default
        let parent = output.deletingLastPathComponent()
        let name = output.lastPathComponent
        let staging = parent.appendingPathComponent(".\(name).staging-\(getpid())")
        let retired = parent.appendingPathComponent(".\(name).old-\(getpid())")
        var published = false
        let kept = SiteFolder.authorEntries(output, slugs: slugs)
        do {
            if keepOthers, fileManager.fileExists(atPath: output.path) {
                try fileManager.copyItem(at: output, to: staging)
                // The previous build's print page and PDF show the chapters as they were: dropped, unless rewritten.
                for name in SiteFolder.printFiles where site.files[name] == nil {
                    try? fileManager.removeItem(at: staging.appendingPathComponent(name))
                }
            } else {
                try fileManager.createDirectory(at: staging, withIntermediateDirectories: false)
            }
            try Data(SiteFolder.markerContents.utf8).write(to: staging.appendingPathComponent(SiteFolder.markerName))
            if !keepOthers {
                for entry in kept {
                    try carry(output.appendingPathComponent(entry), to: staging.appendingPathComponent(entry))
                }
            }
            for (path, source) in site.copies.sorted(by: { $0.key < $1.key }) {
                let url = staging.appendingPathComponent(path)
                try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? fileManager.removeItem(at: url)
                // Debian's KaTeX files are symlinks: copy what they point at.
                try fileManager.copyItem(at: source.resolvingSymlinksInPath(), to: url)
            }
            TestHook.pause(at: "write")
            for (path, contents) in site.files.sorted(by: { $0.key < $1.key }) {
                let url = staging.appendingPathComponent(path)
                try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(contents.utf8).write(to: url)
            }
            try beforeSwap?(staging)
            TestHook.pause(at: "swap")
            if fileManager.fileExists(atPath: output.path) {
                if csys_rename_exchange(staging.path, output.path) == 0 {
                    published = true
                    TestHook.pause(at: "retire")
                    // The staging path now holds the previous site.
                    try? fileManager.removeItem(at: staging)
                    return kept
                }
                guard errno == EINVAL || errno == ENOSYS else {
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                // No atomic exchange on this file system: two renames; `recover` repairs a kill between them.
                try fileManager.moveItem(at: output, to: retired)
            }
            guard
                csys_rename_noreplace(staging.path, output.path) == 0
                    || (errno == EINVAL || errno == ENOSYS)
                        && rename(staging.path, output.path) == 0
            else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            published = true
            try? fileManager.removeItem(at: retired)
            return kept
        } catch {
            if !published {
                try? fileManager.removeItem(at: staging)
                if !fileManager.fileExists(atPath: output.path), fileManager.fileExists(atPath: retired.path) {
                    _ = csys_rename_noreplace(retired.path, output.path)
                }
            }
            if let error = error as? BookError { throw error }
            throw unwritable(output, error.localizedDescription)
        }
    }

    /// Copies an author's entry of the previous site into the staged one: a symbolic link as a link (never
    /// followed), anything else whole (FileManager copies links inside a folder as links).
    private static func carry(_ source: URL, to destination: URL) throws {
        let fileManager = FileManager.default
        if let target = try? fileManager.destinationOfSymbolicLink(atPath: source.path) {
            try fileManager.createSymbolicLink(atPath: destination.path, withDestinationPath: target)
        } else {
            try fileManager.copyItem(at: source, to: destination)
        }
    }

    /// `.NAME.staging-PID` and `.NAME.old-PID`: the only names `write` creates beside the output.
    static func isLeftover(_ entry: String, of name: String) -> Bool {
        for prefix in [".\(name).staging-", ".\(name).old-"] where entry.hasPrefix(prefix) {
            let pid = entry.dropFirst(prefix.count)
            return !pid.isEmpty && pid.allSatisfy(\.isASCII) && pid.allSatisfy(\.isNumber)
        }
        return false
    }

    /// The first folder of the site (itself included) whose entries this user cannot delete or add.
    private static func firstUnwritableFolder(in output: URL) -> String? {
        if access(output.path, W_OK | X_OK) != 0 { return output.path }
        guard
            let enumerator = FileManager.default.enumerator(
                at: output, includingPropertiesForKeys: [.isDirectoryKey, .isSymbolicLinkKey])
        else {
            return nil
        }
        for case let url as URL in enumerator {
            let values = try? url.resourceValues(forKeys: [.isDirectoryKey, .isSymbolicLinkKey])
            if values?.isDirectory == true, values?.isSymbolicLink != true, access(url.path, W_OK | X_OK) != 0 {
                return url.path
            }
        }
        return nil
    }

    private static func modified(_ parent: URL, _ entry: String) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: parent.appendingPathComponent(entry).path))?[
            .modificationDate] as? Date) ?? .distantPast
    }

    private static func unwritable(_ output: URL, _ reason: String) -> BookError {
        BookError(
            .environment, at: nil, "cannot write the site to \(output.path): \(reason)",
            hint: "make the folder and its parent writable by this user, or pass another --output")
    }
}
