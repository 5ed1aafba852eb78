import Foundation

/// The site folder for the length of one build: checked as one the build may replace (`SiteFolder`), locked
/// so that two builds of one site take turns, recovered from an interrupted earlier build (`SiteWriter`),
/// with the list of files the previous site had. Touches the disk: the lock file beside the folder, and
/// the recovery.
struct SiteSession {
    let output: URL
    /// Files of the previous site (relative paths), before this build wrote anything.
    let previousFiles: Set<String>
    private let lock: FileLock

    /// nil when the build writes no site (`options.output` is nil).
    init?(options: BookBuilder.Options, book: Book) throws(BookError) {
        guard let output = options.output else { return nil }
        try SiteFolder.check(
            output, root: options.root, packageRoot: options.packageRoot, slugs: book.chapters.map(\.slug))
        let path = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).lock").path
        if let lock = FileLock.tryLock(path) {
            self.lock = lock
        } else {
            options.progress("waiting for another book build of \(output.path) to finish")
            lock = try FileLock(path)
        }
        do {
            for note in try SiteWriter.recover(output) { options.progress(note) }
        } catch {
            lock.unlock()
            throw error
        }
        self.output = output
        previousFiles = SiteWriter.existingFiles(output)
    }

    func close() { lock.unlock() }
}
