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
    /// The library's modules in dependency order; each is `Sources/<name>/**/*.swift`.
    public static let modules = ["Kernels", "Kexue"]

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

    public func fingerprint() -> String {
        var hash = SHA256()
        hash.update(toolchain.version + "\n" + LibraryBuild.codegenFlags.joined(separator: " ") + "\n")
        for (module, files) in sources() {
            hash.update("module \(module)\n")
            for file in files {
                hash.update("file \(file)\n")
                hash.update(FileManager.default.contents(atPath: root.appendingPathComponent(file).path) ?? Data())
            }
        }
        return hash.hexDigest()
    }

    /// Builds the library unless a build with the same fingerprint exists.
    public func build() throws(BookError) -> Product {
        let fingerprint = fingerprint()
        let base = root.appendingPathComponent(".build/book/lib")
        let directory = base.appendingPathComponent(String(fingerprint.prefix(20)))
        let product = Product(directory: directory, fingerprint: fingerprint)
        let complete = directory.appendingPathComponent("complete")
        if FileManager.default.fileExists(atPath: complete.path) { return product }

        try? FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let lock = try FileLock(base.appendingPathComponent("lock").path)
        defer { lock.unlock() }
        if FileManager.default.fileExists(atPath: complete.path) { return product }

        // Build into a scratch folder and rename: an interrupted build never looks complete.
        let scratch = base.appendingPathComponent("tmp-\(getpid())")
        try? FileManager.default.removeItem(at: scratch)
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        for (module, files) in sources() {
            guard !files.isEmpty else {
                throw BookError(.environment, at: nil, "the library module \(module) has no sources under Sources/\(module)")
            }
            let arguments = ["-parse-as-library", "-wmo", "-g", "-module-name", module,
                             "-emit-library", "-static", "-emit-module",
                             "-emit-module-path", scratch.appendingPathComponent("\(module).swiftmodule").path,
                             "-I", scratch.path, "-L", scratch.path,
                             "-o", scratch.appendingPathComponent("lib\(module).a").path]
                + LibraryBuild.codegenFlags + files.map { root.appendingPathComponent($0).path }
            let result = try Subprocess(executable: toolchain.swiftc, arguments: arguments,
                                        timeout: 1200).run()
            guard result.termination == .exited(0) else {
                throw BookError(.environment, at: nil, "the core library (\(module)) does not compile",
                                detail: String(decoding: result.stderr.suffix(4000), as: UTF8.self),
                                hint: "fix Sources/\(module) (swift build shows the same errors)")
            }
        }
        try? FileManager.default.removeItem(at: directory)
        do {
            try FileManager.default.moveItem(at: scratch, to: directory)
            try Data(fingerprint.utf8).write(to: complete)
        } catch {
            throw BookError(.environment, at: nil, "cannot store the library build in \(directory.path): \(error)")
        }
        return product
    }
}

/// An exclusive advisory lock on a file (`flock`), held until `unlock`.
struct FileLock {
    private let descriptor: Int32

    init(_ path: String) throws(BookError) {
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw BookError(.environment, at: nil, "cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX) != 0, errno == EINTR {}
    }

    /// Takes the lock only if nobody holds it.
    static func tryLock(_ path: String) -> FileLock? {
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { close(descriptor); return nil }
        return FileLock(descriptor: descriptor)
    }

    private init(descriptor: Int32) { self.descriptor = descriptor }

    func unlock() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
