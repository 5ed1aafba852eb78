import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Remembers which cached artefacts (chapter programs, library files) were last found to hash to their recorded
/// SHA-256, so that an unchanged file is not read again on every build: hashing every program of the book took a
/// fifth of a warm no-op.
///
/// Guarantees: `matches` is true only when the file hashes to `digest`, or when a witness written after such a hash
/// still describes the file exactly: the same device, inode, size, modification time and status-change time
/// (ctime), to the nanosecond. Every write to a file, a rename onto it and a `touch` that restores its
/// modification time all set its ctime to the present, which no program can set back (only moving the system
/// clock can), so a file edited, truncated, replaced or flipped in place after its witness is hashed again. A
/// witness is one small file under `.build/book/verified/`, named after the artefact's path, checked by its own
/// SHA-256; a damaged, foreign or missing witness costs a hash, never a wrong answer. Where the stat fields are not
/// available (not Linux) every check hashes.
struct VerifiedFiles: Sendable {
    /// `.build/book/verified/`.
    let directory: URL

    /// - Parameter bookCache: the `.build/book/` folder.
    init(bookCache: URL) { directory = bookCache.appendingPathComponent("verified") }

    /// Whether the file's bytes hash to `digest` (see the guarantees).
    func matches(_ file: URL, digest: String) -> Bool {
        guard let state = Self.state(of: file) else { return FileDigest.sha256(file) == digest }
        let witness = directory.appendingPathComponent(SHA256.hex(file.path).prefix(32) + ".witness")
        let expected = Self.witness(path: file.path, digest: digest, state: state)
        if let recorded = FileManager.default.contents(atPath: witness.path), recorded == Data(expected.utf8) {
            return true
        }
        guard FileDigest.sha256(file) == digest else { return false }
        // The state read before hashing: a write during the hash changes the ctime, so the witness then fails.
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? Data(expected.utf8).write(to: witness, options: .atomic)
        return true
    }

    /// The witness's contents: the path, the digest and the file's state, with a checksum over them.
    private static func witness(path: String, digest: String, state: String) -> String {
        let body = "verified-1\u{0}\(path.utf8.count):\(path)\u{0}\(digest)\u{0}\(state)"
        return body + "\u{0}" + SHA256.hex(body)
    }

    /// Device, inode, size, mtime and ctime (nanoseconds), or nil where `stat` does not give them.
    static func state(of file: URL) -> String? {
        #if os(Linux)
            var info = stat()
            guard stat(file.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            return [
                "\(info.st_dev)", "\(info.st_ino)", "\(info.st_size)",
                "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)", "\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)",
            ].joined(separator: " ")
        #else
            return nil
        #endif
    }
}
