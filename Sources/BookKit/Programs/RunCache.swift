import Foundation

/// Cached results of running a program, stored beside the compiled program in `.build/book/programs/`.
///
/// One file per set of limits (`run-<hash>.json`), written atomically, holding the raw streams and how
/// the process ended, with a SHA-256 checksum of its contents: an entry that fails the checksum or does not
/// decode is ignored (and overwritten by the next run), so a corrupted cache costs a rerun, never a wrong
/// page.
struct RunCache {
    struct Raw: Codable {
        var stdout: Data
        var stderr: Data
        var termination: Subprocess.Termination
        var timedOut: Bool
        var capped: Bool
        var seconds: Double
        /// Where each snippet began (and the program ended), in stream offsets: the run protocol's record.
        var marks: [Mark] = []
        var figures: [FigureMark] = []
        /// Why the run was stopped for breaking the protocol (never cached).
        var violation: String?
    }

    /// A frame of the run protocol: snippet `position` began (or, for -1, the program ended) when stdout
    /// and stderr held `stdout` and `stderr` bytes.
    struct Mark: Codable, Equatable, Sendable {
        var position: Int
        var stdout: Int
        var stderr: Int
    }

    /// A figure shown by the snippet at `position`, as `Figure.text`.
    struct FigureMark: Codable, Equatable, Sendable {
        var position: Int
        var text: String
    }

    private struct Entry: Codable {
        var raw: Raw
        var checksum: String
    }

    let file: URL

    /// - Parameters:
    ///   - directory: the program's build folder.
    ///   - key: everything besides the program that changes its run (the time limits, the output cap).
    init(directory: URL, key: String) {
        file = directory.appendingPathComponent("run-\(SHA256.hex(key).prefix(16)).json")
    }

    func load() -> Raw? {
        guard let data = FileManager.default.contents(atPath: file.path),
              let entry = try? JSONDecoder().decode(Entry.self, from: data),
              entry.checksum == Self.checksum(entry.raw) else { return nil }
        return entry.raw
    }

    func store(_ raw: Raw) {
        guard let data = try? JSONEncoder().encode(Entry(raw: raw, checksum: Self.checksum(raw))) else { return }
        try? data.write(to: file, options: .atomic)
    }

    static func checksum(_ raw: Raw) -> String {
        // Over the canonical encoding, so that every field (and any field added later) is covered.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var hash = SHA256()
        hash.update((try? encoder.encode(raw)) ?? Data())
        return hash.hexDigest()
    }
}

