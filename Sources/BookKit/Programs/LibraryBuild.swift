import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Builds the release copy of the core library (`Kernels`, then `Kexue`) that chapter programs link.
///
/// BookKit calls `swiftc` directly instead of SwiftPM: `swift test` holds SwiftPM's lock on `.build` while
/// tests run, the library has no package dependencies, and a direct compile is faster. The result lives in
/// `.build/book/lib/<fingerprint>/`, where the fingerprint covers the sources, the flags and the compiler
/// version, so an edit of the library (and nothing else) makes a new one. Concurrent builds (parallel tests,
/// two terminals) serialise on a file lock and reuse each other's result.
public struct LibraryBuild: Sendable {
    /// Code generation shared by the library and the chapter programs; mirrors `numericFlags` in
    /// Package.swift (LibraryBuildTests compares the two).
    public static let codegenFlags = ["-O", "-target-cpu", "haswell"]
    /// The library's whole-module build runs LLVM's optimisation and code generation on two threads: the
    /// library is on the critical path of a cold book build (no chapter program can start before it), and one
    /// thread leaves a core idle for about half a minute. Splitting code generation changes no result: Swift
    /// allows no floating-point contraction or reassociation the source does not write, so the split only
    /// moves where functions are emitted (the whole book passes `--exact` built either way).
    static let libraryThreads = ["-num-threads", "2"]
    /// The library is compiled in the language mode Package.swift gives it (`swiftLanguageModes`; the
    /// compiler's default is 5), so that the copy the chapters link is checked as strictly as the package's
    /// (LibraryBuildTests compares the two). Chapter programs are not: see `Build.compileFlags`.
    static let languageMode = ["-swift-version", "6"]
    /// The library's modules in dependency order; each is `Sources/<name>/**/*.swift`.
    public static let modules = ["Kernels", "Kexue"]
    /// Header-only C modules the library imports (a module map and its headers, no object code), by folder
    /// under `Sources/`. Their files are copied beside the built library, where `-I` finds them for the
    /// library's own modules and for every program that imports it; they are part of the fingerprint.
    /// A package without the folder (a test's tiny library) simply has none.
    public static let headerModules = ["CKernelsSupport"]

    public var root: URL
    public var toolchain: Toolchain

    public init(root: URL, toolchain: Toolchain) {
        self.root = root
        self.toolchain = toolchain
    }

    /// A built library: pass `compilerArguments` to `swiftc` to import and link it.
    public struct Product: Sendable {
        public var directory: URL
        public var fingerprint: String
        public var compilerArguments: [String] {
            ["-I", directory.path, "-L", directory.path] + LibraryBuild.modules.reversed().map { "-l\($0)" }
        }
    }

    /// The sources of each module, sorted, relative to the root.
    func sources() -> [(module: String, files: [String])] {
        LibraryBuild.modules.map { module in
            let folder = root.appendingPathComponent("Sources/\(module)").resolvingSymlinksInPath()
            let enumerator = FileManager.default.enumerator(atPath: folder.path)
            var files: [String] = []
            while let path = enumerator?.nextObject() as? String {
                if path.hasSuffix(".swift") { files.append("Sources/\(module)/\(path)") }
            }
            return (module, files.sorted())
        }
    }

    /// The files of the header-only C modules (`headerModules`) present in this package, relative to the root.
    func headerModuleFiles() -> [String] {
        LibraryBuild.headerModules.flatMap { module -> [String] in
            let folder = root.appendingPathComponent("Sources/\(module)")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return names.filter { $0 == "module.modulemap" || $0.hasSuffix(".h") }.sorted().map {
                "Sources/\(module)/\($0)"
            }
        }
    }

    public func fingerprint() -> String {
        var hash = SHA256()
        hash.update(
            toolchain.version + "\n"
                + (LibraryBuild.codegenFlags + LibraryBuild.libraryThreads + LibraryBuild.languageMode).joined(
                    separator: " ") + "\n")
        for (module, files) in sources() + [("headers", headerModuleFiles())] {
            hash.update("module \(module)\n")
            for file in files {
                hash.update("file \(file)\n")
                hash.update(FileManager.default.contents(atPath: root.appendingPathComponent(file).path) ?? Data())
            }
        }
        return hash.hexDigest()
    }

    /// Builds the library unless a verified build with the same fingerprint exists.
    ///
    /// A build is reused only if its manifest (`complete`, see `LibraryManifest`) decodes, passes its
    /// checksum, names this fingerprint, and every artefact it lists (static libraries, modules) still
    /// hashes to the SHA-256 recorded at build time, with no artefact missing; otherwise the folder is
    /// deleted and the library built again. A library that fails to build is an `.environment` error
    /// (exit 2), never cached.
    public func build() throws(BookError) -> Product {
        let fingerprint = fingerprint()
        let base = root.appendingPathComponent(".build/book/lib")
        let directory = base.appendingPathComponent(String(fingerprint.prefix(20)))
        let product = Product(directory: directory, fingerprint: fingerprint)
        if LibraryManifest.verified(in: directory, fingerprint: fingerprint) { return product }

        try? FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let lock = try FileLock(base.appendingPathComponent("lock").path)
        defer { lock.unlock() }
        if LibraryManifest.verified(in: directory, fingerprint: fingerprint) { return product }

        // Build into a scratch folder and rename: an interrupted build never looks complete.
        let scratch = base.appendingPathComponent("tmp-\(getpid())")
        try? FileManager.default.removeItem(at: scratch)
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Two modules' headers with one name would overwrite each other here; the library has one such module.
        for file in headerModuleFiles() {
            let source = root.appendingPathComponent(file)
            do {
                try FileManager.default.copyItem(
                    at: source, to: scratch.appendingPathComponent(source.lastPathComponent))
            } catch {
                throw BookError(
                    .environment, at: nil, "cannot copy \(file) beside the library in \(scratch.path): \(error)",
                    hint: "check free disk space (df) and that .build/book/ is writable")
            }
        }
        for (module, files) in sources() {
            guard !files.isEmpty else {
                throw BookError(
                    .environment, at: nil, "the library module \(module) has no sources under Sources/\(module)")
            }
            let arguments =
                [
                    "-parse-as-library", "-wmo", "-g", "-module-name", module,
                    "-emit-library", "-static", "-emit-module",
                    "-emit-module-path", scratch.appendingPathComponent("\(module).swiftmodule").path,
                    "-I", scratch.path, "-L", scratch.path,
                    "-o", scratch.appendingPathComponent("lib\(module).a").path,
                ]
                + LibraryBuild.codegenFlags + LibraryBuild.libraryThreads + LibraryBuild.languageMode
                + files.map { root.appendingPathComponent($0).path }
            let result = try Subprocess(
                executable: toolchain.swiftc, arguments: arguments,
                timeout: 1200
            ).run()
            guard result.termination == .exited(0), !result.timedOut else {
                throw failure(module: module, result: result)
            }
        }
        let manifest: LibraryManifest
        do {
            manifest = try LibraryManifest.record(scratch, fingerprint: fingerprint)
        } catch {
            throw BookError(
                .environment, at: nil, "cannot record the library build in \(scratch.path): \(error)",
                hint: "check free disk space (df) and that .build/book/ is writable")
        }
        try? FileManager.default.removeItem(at: directory)
        do {
            try FileManager.default.moveItem(at: scratch, to: directory)
            try manifest.write(in: directory)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw BookError(
                .environment, at: nil, "cannot store the library build in \(directory.path): \(error)",
                hint: "check free disk space (df) and that .build/book/ is writable")
        }
        // Verified once more as it will be read: a disk that lies about writes is caught now, not later.
        guard LibraryManifest.verified(in: directory, fingerprint: fingerprint) else {
            throw BookError(
                .environment, at: nil, "the library build in \(directory.path) does not read back as written",
                hint: "check the disk (dmesg) and free space (df); delete .build/book/ and build again")
        }
        return product
    }

    /// A failed library build, told apart: errors located in the module's sources are the library's code
    /// (fix it); anything else (a missing tool, a full disk, a crashed compiler) is the machine.
    private func failure(module: String, result: Subprocess.Result) -> BookError {
        let output = String(decoding: result.stderr + result.stdout, as: UTF8.self)
        let detail = String(output.suffix(4000)).trimmingCharacters(in: .whitespacesAndNewlines)
        let sources = root.appendingPathComponent("Sources/\(module)").path
        let codeErrors = output.split(separator: "\n").filter { $0.contains(": error: ") }
        if result.termination == .exited(1), !result.timedOut, !codeErrors.isEmpty,
            codeErrors.allSatisfy({ $0.hasPrefix(sources + "/") }),
            !codeErrors.contains(where: { line in CompileFailure.environmentalPhrases.contains { line.contains($0) } })
        {
            return BookError(
                .environment, at: nil, "the core library (\(module)) does not compile", detail: detail,
                hint: "fix Sources/\(module) (swift build shows the same errors)")
        }
        let how =
            result.timedOut
            ? "did not finish within 1200 s"
            : {
                if case .signaled(let signal) = result.termination { return "was killed by signal \(signal)" }
                if case .exited(let status) = result.termination { return "exited with status \(status)" }
                return "failed"
            }()
        return BookError(
            .environment, at: nil, "the toolchain failed to build the core library (\(module)): swiftc \(how)",
            detail: detail,
            hint:
                "check free disk space (df) and the toolchain (swiftc --version); nothing was cached, the next build tries again"
        )
    }
}
