import Foundation

/// The Swift compiler that builds the library and the chapter programs.
public struct Toolchain: Sendable {
    public var swiftc: String
    /// The first line of `swiftc --version`: part of every build fingerprint and of the page footer.
    public var version: String

    /// Finds `swiftc` from `$SWIFTC` or `PATH` and asks its version. An explicit `$SWIFTC` that is not an
    /// executable is an error, not a reason to fall back to another compiler silently.
    public static func locate() throws(BookError) -> Toolchain {
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
        let result = try Subprocess(executable: swiftc, arguments: ["--version"], timeout: 60).run()
        let text = String(decoding: result.stdout + result.stderr, as: UTF8.self)
        // The version is part of every cache key: a compiler that cannot say it must not build anything.
        guard result.termination == .exited(0), !result.timedOut, text.contains("version") else {
            throw BookError(
                .environment, at: nil, "\(swiftc) --version failed (\(result.termination))",
                detail: String(text.suffix(2000)), hint: "check the Swift toolchain installation")
        }
        let version = text.split(separator: "\n").first.map(String.init) ?? "unknown"
        return Toolchain(swiftc: swiftc, version: version)
    }
}
