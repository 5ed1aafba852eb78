import Foundation

/// The last stage's disk half: writes a rendered `Site` so that `site/` is never half-written.
///
/// Files go to a staging folder beside the output, which then replaces the output by two renames; an
/// interrupted build leaves the previous site in place (and at worst a stale `.site.staging-*` folder,
/// removed by the next build).
public enum SiteWriter {
    /// - Parameters:
    ///   - site: the pages to write.
    ///   - output: the site folder (`site/`).
    ///   - keepOthers: keep files of the previous site that `site` does not replace (a build of some
    ///     chapters keeps the other chapters' pages).
    public static func write(_ site: Site, to output: URL, keepOthers: Bool) throws(BookError) {
        let fileManager = FileManager.default
        let parent = output.deletingLastPathComponent()
        let name = output.lastPathComponent
        let staging = parent.appendingPathComponent(".\(name).staging-\(getpid())")
        let retired = parent.appendingPathComponent(".\(name).old-\(getpid())")
        do {
            // Leftovers of interrupted builds.
            for entry in (try? fileManager.contentsOfDirectory(atPath: parent.path)) ?? []
            where entry.hasPrefix(".\(name).staging-") || entry.hasPrefix(".\(name).old-") {
                try? fileManager.removeItem(at: parent.appendingPathComponent(entry))
            }
            if keepOthers, fileManager.fileExists(atPath: output.path) {
                try fileManager.copyItem(at: output, to: staging)
            } else {
                try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
            }
            for (path, source) in site.copies.sorted(by: { $0.key < $1.key }) {
                let url = staging.appendingPathComponent(path)
                try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? fileManager.removeItem(at: url)
                // Debian's KaTeX files are symlinks: copy what they point at.
                try fileManager.copyItem(at: source.resolvingSymlinksInPath(), to: url)
            }
            for (path, contents) in site.files.sorted(by: { $0.key < $1.key }) {
                let url = staging.appendingPathComponent(path)
                try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(contents.utf8).write(to: url)
            }
            // Test hook: a pause between the staged write and the swap, so that a test can kill the build
            // there and check that the previous site survives.
            if let pause = ProcessInfo.processInfo.environment["BOOK_TEST_PAUSE_BEFORE_SWAP"].flatMap(Double.init) {
                Thread.sleep(forTimeInterval: pause)
            }
            if fileManager.fileExists(atPath: output.path) {
                try fileManager.moveItem(at: output, to: retired)
            }
            try fileManager.moveItem(at: staging, to: output)
            try? fileManager.removeItem(at: retired)
        } catch {
            try? fileManager.removeItem(at: staging)
            if !fileManager.fileExists(atPath: output.path), fileManager.fileExists(atPath: retired.path) {
                try? fileManager.moveItem(at: retired, to: output)
            }
            throw BookError(.environment, at: nil, "cannot write the site to \(output.path): \(error.localizedDescription)",
                            hint: "check that the folder is writable")
        }
    }
}
