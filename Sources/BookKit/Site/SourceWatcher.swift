import Foundation

/// Notices edits by polling: a snapshot of every file's size and modification time under some folders.
/// Polling (a few hundred files, every few hundred milliseconds) is cheap and needs no platform API.
public struct SourceWatcher {
    public var folders: [URL]
    private var last: [String: String] = [:]

    public init(folders: [URL]) {
        self.folders = folders.map { $0.resolvingSymlinksInPath() }
        last = snapshot()
    }

    /// Whether anything changed since the last call (or since `init`).
    public mutating func changed() -> Bool {
        let now = snapshot()
        defer { last = now }
        return now != last
    }

    private func snapshot() -> [String: String] {
        var result: [String: String] = [:]
        for folder in folders {
            guard
                let enumerator = FileManager.default.enumerator(
                    at: folder, includingPropertiesForKeys: [.contentModificationDateKey, .fileSizeKey])
            else { continue }
            for case let url as URL in enumerator where !url.lastPathComponent.hasPrefix(".") {
                let values = try? url.resourceValues(forKeys: [.contentModificationDateKey, .fileSizeKey])
                result[url.path] =
                    "\(values?.fileSize ?? -1)@\(values?.contentModificationDate?.timeIntervalSince1970 ?? 0)"
            }
        }
        return result
    }
}
