import Foundation

/// The Swift compiler that builds the library and the chapter programs.
public struct Toolchain: Sendable {
    public var swiftc: String
    /// The first line of `swiftc --version`: part of every build fingerprint and of the page footer.
    public var version: String

    /// Finds `swiftc` from `$SWIFTC` or `PATH` and asks its version.
    public static func locate() throws(BookError) -> Toolchain {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let explicit = environment["SWIFTC"] { candidates.append(explicit) }
        for directory in (environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            candidates.append("\(directory)/swiftc")
        }
        guard let swiftc = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BookError(.environment, at: nil, "swiftc not found on PATH",
                            hint: "install Swift and put its usr/bin on PATH (or set SWIFTC)")
        }
        let result = try Subprocess(executable: swiftc, arguments: ["--version"], timeout: 60).run()
        let text = String(decoding: result.stdout + result.stderr, as: UTF8.self)
        let version = text.split(separator: "\n").first.map(String.init) ?? "unknown"
        return Toolchain(swiftc: swiftc, version: version)
    }
}
