import Foundation

/// What a built executable is, for the run cache: the same source compiled against another library, by
/// another compiler or with other flags is another program, and so is a rebuilt binary with other bytes.
public struct ProgramIdentity: Sendable, Hashable {
    /// SHA-256 of the executable, recorded when it was linked and checked before every reuse.
    public var executableSHA256: String
    public var libraryFingerprint: String
    public var toolchainVersion: String
    public var compileFlags: [String]
}

/// The record of one chapter program in its build folder, `.build/book/programs/<key>/record.json`: what
/// the compile produced (an executable and its SHA-256, a passed check, or the chapter's compile errors).
///
/// Guarantees: `load` returns an outcome only when the record decodes, its checksum (SHA-256 over the key
/// and the outcome) matches, it names this folder's full key, and, for an executable, the file's SHA-256
/// now equals the one recorded at build time. Anything else (a truncated or edited record, a binary with
/// flipped bytes of the same size, a missing file) is a miss: the program is compiled again and the record
/// rewritten. Only failures `CompileFailure` judges the chapter's are ever recorded.
struct ProgramCache {
    enum Outcome: Codable, Equatable {
        /// Linked to `program`, whose bytes hash to `executableSHA256`.
        case built(executableSHA256: String)
        /// A compile check (`compile-only`, `fails`) that compiled.
        case checked
        /// The chapter's compile errors, as the compiler wrote them (locations are applied on each use, since
        /// a prose edit moves the snippets without changing the program).
        case rejected(diagnostics: String)
    }

    private struct Entry: Codable {
        var key: String
        var outcome: Outcome
        var checksum: String
    }

    /// The program's build folder.
    let directory: URL
    /// The full hash the folder is named after (the folder name is a prefix of it).
    let key: String

    var executable: URL { directory.appendingPathComponent("program") }
    var file: URL { directory.appendingPathComponent("record.json") }

    func load() -> Outcome? {
        guard let data = FileManager.default.contents(atPath: file.path),
            let entry = try? JSONDecoder().decode(Entry.self, from: data),
            entry.key == key, entry.checksum == Self.checksum(key: entry.key, outcome: entry.outcome)
        else { return nil }
        // `.build/book/programs/<key>/` → `.build/book/`, where the witnesses of verified files live.
        let bookCache = directory.deletingLastPathComponent().deletingLastPathComponent()
        if case .built(let recorded) = entry.outcome,
            !VerifiedFiles(bookCache: bookCache).matches(executable, digest: recorded)
        {
            return nil
        }
        return entry.outcome
    }

    /// Writes the record atomically. Failing to write it only costs a recompile next time.
    func store(_ outcome: Outcome) {
        let entry = Entry(key: key, outcome: outcome, checksum: Self.checksum(key: key, outcome: outcome))
        guard let data = try? JSONEncoder().encode(entry) else { return }
        try? data.write(to: file, options: .atomic)
    }

    /// Forgets the outcome (before a compile, so that an interrupted one leaves no stale record) and the run
    /// results of the previous executable.
    func invalidate() {
        try? FileManager.default.removeItem(at: file)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix("run-") {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    static func checksum(key: String, outcome: Outcome) -> String {
        var hash = SHA256()
        hash.update("program-record-1\u{0}\(key)\u{0}")
        switch outcome {
        case .built(let digest): hash.update("built\u{0}\(digest)")
        case .checked: hash.update("checked")
        case .rejected(let diagnostics): hash.update("rejected\u{0}\(diagnostics)")
        }
        return hash.hexDigest()
    }
}
