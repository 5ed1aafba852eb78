import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Extracts the library's public API from the modules `LibraryBuild` compiled, with the toolchain's
/// `swift-symbolgraph-extract` (beside `swiftc`), and caches the decoded `APIReference` by the library's
/// fingerprint under `.build/book/api/`.
///
/// Guarantees: a cached reference is used only if its file names this format version and fingerprint, its
/// SHA-256 over the reference's JSON bytes matches, and the JSON decodes; then no tool runs (a warm build pays one
/// file read). Anything else extracts again. An extraction that fails (no tool, a module it cannot read) is reported
/// as an `environment` error for the caller to turn into a warning: the book builds without the reference.
public struct APIExtraction: Sendable {
    /// Bumped when `APIReference`'s encoding or what it keeps changes.
    static let formatVersion = "api-reference-4"
    public var library: LibraryBuild.Product
    public var toolchain: Toolchain
    /// The package root whose `.build/book/api/` holds the cache.
    public var root: URL

    public init(library: LibraryBuild.Product, toolchain: Toolchain, root: URL) {
        self.library = library
        self.toolchain = toolchain
        self.root = root
    }

    /// The extractor shipped with the compiler: `swift-symbolgraph-extract` in `swiftc`'s folder (or, when
    /// `swiftc` is a link, in the folder of the compiler it points to).
    public var tool: String {
        let name = "swift-symbolgraph-extract"
        let beside = URL(fileURLWithPath: toolchain.swiftc).deletingLastPathComponent().appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside.path }
        return URL(fileURLWithPath: toolchain.swiftc).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent(name).path
    }

    /// The cache file for this library build.
    var cacheFile: URL {
        root.appendingPathComponent(".build/book/api/\(library.fingerprint.prefix(20)).json")
    }

    /// The reference, from the cache when it verifies, else extracted (and cached).
    public func reference() throws(BookError) -> APIReference {
        if let cached = cached() { return cached }
        let reference = try extract()
        store(reference)
        return reference
    }

    /// A cache file is one header line, `FORMAT FINGERPRINT SHA256`, then the reference's JSON, whose bytes the
    /// SHA-256 covers. Verifying hashes the bytes as read: before, the checksum covered the reference encoded again
    /// after decoding, and that encoding was 6 % of a warm no-op's CPU (perf).
    func cached() -> APIReference? {
        guard let data = FileManager.default.contents(atPath: cacheFile.path),
            let newline = data.firstIndex(of: UInt8(ascii: "\n"))
        else { return nil }
        let body = data[data.index(after: newline)...]
        let header = String(decoding: data[..<newline], as: UTF8.self).split(separator: " ").map(String.init)
        guard header == [Self.formatVersion, library.fingerprint, Self.checksum(body)],
            let reference = try? JSONDecoder().decode(APIReference.self, from: body)
        else { return nil }
        return reference
    }

    static func checksum(_ body: Data) -> String {
        var hash = SHA256()
        hash.update(body)
        return hash.hexDigest()
    }

    /// Written to a scratch file and renamed: a reader never sees half an entry. A cache that cannot be written
    /// costs the next build an extraction, nothing more.
    func store(_ reference: APIReference) {
        guard let body = try? JSONEncoderSorted.encode(reference) else { return }
        let data =
            Data("\(Self.formatVersion) \(library.fingerprint) \(Self.checksum(body))\n".utf8) + body
        let folder = cacheFile.deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let scratch = folder.appendingPathComponent(".tmp-\(getpid())-\(cacheFile.lastPathComponent)")
        do {
            try data.write(to: scratch)
            _ = rename(scratch.path, cacheFile.path)
        } catch {
            try? FileManager.default.removeItem(at: scratch)
        }
    }

    /// Runs the extractor once per module into a scratch folder and decodes every graph it wrote
    /// (`Kexue.symbols.json`, and `Kexue@Swift.symbols.json` for extensions of the standard library's types).
    func extract() throws(BookError) -> APIReference {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "book-symbolgraph-\(getpid())-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var graphs: [SymbolGraph] = []
        for module in LibraryBuild.modules {
            let output = scratch.appendingPathComponent(module)
            try? FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            let arguments = [
                "-module-name", module, "-I", library.directory.path, "-minimum-access-level", "public",
                "-skip-synthesized-members", "-output-dir", output.path,
            ]
            let result = try Subprocess(executable: tool, arguments: arguments, timeout: 300).run()
            guard result.termination == .exited(0), !result.timedOut else {
                throw BookError(
                    .environment, at: nil, "swift-symbolgraph-extract could not read the module \(module)",
                    detail: String(String(decoding: result.stderr + result.stdout, as: UTF8.self).suffix(2000)),
                    hint: "the API reference needs the toolchain's swift-symbolgraph-extract beside swiftc (\(tool))")
            }
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: output.path)) ?? [])
                .filter { $0.hasSuffix(".symbols.json") }.sorted()
            for file in files {
                do {
                    let data = try Data(contentsOf: output.appendingPathComponent(file))
                    graphs.append(try JSONDecoder().decode(SymbolGraph.self, from: data))
                } catch {
                    throw BookError(
                        .environment, at: nil, "cannot read the symbol graph \(file): \(error)",
                        hint: "check the toolchain (swift-symbolgraph-extract -help)")
                }
            }
        }
        return APIReference.from(graphs: graphs, modules: LibraryBuild.modules)
    }
}
