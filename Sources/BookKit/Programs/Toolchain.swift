import Foundation

/// The Swift compiler that builds the library and the chapter programs.
public struct Toolchain: Sendable {
    public var swiftc: String
    /// The first line of `swiftc --version`: part of every build fingerprint and of the page footer.
    public var version: String

    /// Finds `swiftc` from `$SWIFTC` or `PATH` and asks its version. An explicit `$SWIFTC` that is not an
    /// executable is an error, not a reason to fall back to another compiler silently.
    /// - Parameter memo: the `.build/book/` folder where the version is remembered (`VersionMemo`); nil: always ask.
    public static func locate(memo: URL? = nil) throws(BookError) -> Toolchain {
        let environment = ProcessInfo.processInfo.environment
        let swiftc: String
        if let explicit = environment["SWIFTC"], !explicit.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: explicit) else {
                throw BookError(
                    .environment, at: nil, "SWIFTC names \(explicit), which is not an executable",
                    hint: "unset SWIFTC to use the swiftc on PATH, or point it at a Swift compiler")
            }
            swiftc = explicit
        } else {
            let candidates = (environment["PATH"] ?? "/usr/bin").split(separator: ":").map { "\($0)/swiftc" }
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw BookError(
                    .environment, at: nil, "swiftc not found on PATH",
                    hint: "install Swift and put its usr/bin on PATH (or set SWIFTC)")
            }
            swiftc = found
        }
        return try asking(swiftc, memo: memo)
    }

    /// The toolchain of the compiler at `swiftc`: its version from the memo when it still holds, else asked.
    static func asking(_ swiftc: String, memo: URL?) throws(BookError) -> Toolchain {
        let remembered = memo.flatMap { VersionMemo(bookCache: $0, swiftc: swiftc) }
        if let version = remembered?.version() { return Toolchain(swiftc: swiftc, version: version) }
        let result = try Subprocess(executable: swiftc, arguments: ["--version"], timeout: 60).run()
        let text = String(decoding: result.stdout + result.stderr, as: UTF8.self)
        // The version is part of every cache key: a compiler that cannot say it must not build anything.
        guard result.termination == .exited(0), !result.timedOut, text.contains("version") else {
            throw BookError(
                .environment, at: nil, "\(swiftc) --version failed (\(result.termination))",
                detail: String(text.suffix(2000)), hint: "check the Swift toolchain installation")
        }
        let version = text.split(separator: "\n").first.map(String.init) ?? "unknown"
        remembered?.remember(version)
        return Toolchain(swiftc: swiftc, version: version)
    }

    /// `swiftc --version` remembered by the state of the compiler's own files, so that a warm build starts no
    /// compiler process (the driver and the frontend it starts were 9 % of a warm no-op's CPU, perf).
    ///
    /// Guarantees: the remembered version is used only while the driver `swiftc` resolves to and the
    /// `swift-frontend` beside it are the very files it was asked of, by device, inode, size, mtime and ctime
    /// (`VerifiedFiles.state`): installing, replacing or editing a toolchain changes at least the inode or the
    /// ctime, so the next build asks again. A `swiftc` with no `swift-frontend` beside the file it resolves to (a
    /// toolchain manager's shim, a wrapper script) is never remembered. The memo is one file under
    /// `.build/book/toolchain/`, named after the `swiftc` path and checked by its own SHA-256; a damaged or foreign
    /// one costs one `--version`.
    struct VersionMemo {
        let file: URL
        let key: String

        init?(bookCache: URL, swiftc: String) {
            let driver = URL(fileURLWithPath: swiftc).resolvingSymlinksInPath()
            let frontend = driver.deletingLastPathComponent().appendingPathComponent("swift-frontend")
            // No frontend beside the driver: a shim or wrapper (swiftly, a script) that may pick another
            // compiler on each call without changing itself. Such a compiler is always asked.
            guard let driverState = VerifiedFiles.state(of: driver),
                let frontendState = VerifiedFiles.state(of: frontend)
            else { return nil }
            key = "\(swiftc)\u{0}\(driver.path)\u{0}\(driverState)\u{0}\(frontendState)"
            file = bookCache.appendingPathComponent("toolchain/\(SHA256.hex(swiftc).prefix(32)).version")
        }

        private func record(_ version: String) -> String {
            let body = "toolchain-version-1\u{0}\(key)\u{0}\(version)"
            return body + "\u{0}" + SHA256.hex(body)
        }

        func version() -> String? {
            guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
            let text = String(decoding: data, as: UTF8.self)
            let fields = text.split(separator: "\u{0}", omittingEmptySubsequences: false)
            guard fields.count >= 2, let version = fields.dropLast().last.map(String.init),
                text == record(version)
            else { return nil }
            return version
        }

        func remember(_ version: String) {
            try? FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? Data(record(version).utf8).write(to: file, options: .atomic)
        }
    }
}
