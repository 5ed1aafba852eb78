import Foundation

/// Cached results of running a program, stored beside the compiled program in `.build/book/programs/`.
///
/// One file per `Key` (`run-<hash>.json`), written atomically, holding the raw streams and how the process
/// ended, the key's digest, and a SHA-256 checksum of both: an entry that fails the checksum, names another
/// key or does not decode is ignored (and overwritten by the next run), so a corrupted cache costs a rerun,
/// never a wrong page. `Build.compile` deletes a folder's entries whenever it links a new executable.
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

    /// Everything that changes what a run produces. Two runs with equal keys must print the same bytes
    /// (the book's code is deterministic by rule); any field that differs makes a different entry.
    struct Key: Hashable {
        /// Changes whenever the way programs are run changes (protocol, supervisor, namespaces), so that no
        /// result of an older runner is reused.
        static let runnerVersion = "run-key-2 pid-namespace"

        /// The program: its executable's SHA-256, the library it linked, the compiler and flags it was
        /// built with.
        var program: ProgramIdentity
        /// The environment the program runs in (exactly what it is given, not the author's shell).
        var environment: [String: String]
        /// Per-snippet time limits in seconds, in program order.
        var timeLimits: [Double]
        /// Bytes of output after which the program is stopped.
        var outputCap: Int

        /// An unambiguous serialisation: every field length-prefixed, the environment sorted by name.
        var canonical: String {
            var parts = [
                Self.runnerVersion, program.executableSHA256, program.libraryFingerprint, program.toolchainVersion,
            ]
            parts.append("flags \(program.compileFlags.count)")
            parts += program.compileFlags
            parts.append("environment \(environment.count)")
            for (name, value) in environment.sorted(by: { $0.key < $1.key }) { parts += [name, value] }
            parts.append("limits " + timeLimits.map { "\($0)" }.joined(separator: ","))
            parts.append("cap \(outputCap)")
            return parts.map { "\($0.utf8.count):\($0)" }.joined()
        }
    }

    private struct Entry: Codable {
        var raw: Raw
        /// SHA-256 of the key's canonical form: a renamed or copied entry does not answer for another key.
        var key: String
        var checksum: String
    }

    let file: URL
    private let keyDigest: String

    /// - Parameters:
    ///   - directory: the program's build folder.
    ///   - key: everything that changes the run.
    init(directory: URL, key: Key) {
        keyDigest = SHA256.hex(key.canonical)
        file = directory.appendingPathComponent("run-\(keyDigest.prefix(16)).json")
    }

    /// The cache of a compiled program's runs in the given environment and limits; nil for a program with
    /// no executable (a compile check, a failed compile).
    ///
    /// `Run.program` passes exactly the environment the program gets (`Run.environment`).
    init?(program: CompiledProgram, environment: [String: String], timeLimits: [Double], outputCap: Int) {
        guard let executable = program.executable, let identity = program.identity else { return nil }
        self.init(
            directory: executable.deletingLastPathComponent(),
            key: Key(program: identity, environment: environment, timeLimits: timeLimits, outputCap: outputCap))
    }

    func load() -> Raw? {
        guard let data = FileManager.default.contents(atPath: file.path),
            let entry = try? JSONDecoder().decode(Entry.self, from: data),
            entry.key == keyDigest,
            entry.checksum == Self.checksum(entry.raw, key: entry.key)
        else { return nil }
        return entry.raw
    }

    func store(_ raw: Raw) {
        guard
            let data = try? JSONEncoder().encode(
                Entry(raw: raw, key: keyDigest, checksum: Self.checksum(raw, key: keyDigest)))
        else { return }
        try? data.write(to: file, options: .atomic)
    }

    static func checksum(_ raw: Raw, key: String) -> String {
        // Over the canonical encoding, so that every field (and any field added later) is covered.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var hash = SHA256()
        hash.update("\(key)\u{0}")
        hash.update((try? encoder.encode(raw)) ?? Data())
        return hash.hexDigest()
    }
}
