import Foundation

/// A throw-away folder under the temporary directory, named after the test and this process (so that
/// concurrent test processes do not share it) and emptied when made. Paths are relative to `root`.
public struct ScratchFolder: Sendable {
    public let root: URL

    public init(_ name: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("book-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    public func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    /// Writes `text` at `path`, making its folders.
    public func write(_ path: String, _ text: String) throws {
        let url = url(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    public func read(_ path: String) throws -> String {
        try String(contentsOf: url(path), encoding: .utf8)
    }

    /// Every regular file under `folder`: relative path → bytes.
    public static func files(under folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return files }
        for case let path as String in enumerator {
            var isDirectory: ObjCBool = false
            let url = folder.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = FileManager.default.contents(atPath: url.path)
            }
        }
        return files
    }

    /// Removes the folder (after making it writable again: some tests take the permissions away).
    public func remove() {
        _ = try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
        try? FileManager.default.removeItem(at: root)
    }
}
