import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The house format: every Swift file of the package passes the toolchain's `swift-format lint --strict`
/// under the checked-in `.swift-format` (4-space indentation, 120 columns), so that `swift test`, and with it
/// CI, fails on a file that drifts. Fix with `swift format -i -r Sources Tests Package.swift`.
@Suite struct SourceFormatTests {
    /// `swift-format` beside the `swiftc` the build uses (the toolchain ships both).
    private func swiftFormat() throws -> String {
        let swiftc = try Toolchain.locate().swiftc
        let path = URL(fileURLWithPath: swiftc).deletingLastPathComponent().appendingPathComponent("swift-format").path
        try #require(FileManager.default.isExecutableFile(atPath: path), "the toolchain has no swift-format at \(path)")
        return path
    }

    private func lint(_ paths: [String]) throws -> (status: Subprocess.Termination, warnings: String) {
        let configuration = Fixtures.packageRoot.appendingPathComponent(".swift-format").path
        let result = try Subprocess(
            executable: try swiftFormat(),
            arguments: ["lint", "--strict", "--parallel", "--configuration", configuration, "--recursive"] + paths,
            timeout: 300
        ).run()
        return (result.termination, String(decoding: result.stderr + result.stdout, as: UTF8.self))
    }

    @Test func everySourceFilePassesTheLint() throws {
        let root = Fixtures.packageRoot
        let (status, warnings) = try lint(
            ["Sources", "Tests", "Package.swift"].map { root.appendingPathComponent($0).path })
        #expect(status == .exited(0), "swift-format lint found:\n\(warnings.prefix(4000))")
    }

    /// The configuration can fail: a line over the width and a two-space indent are each reported.
    @Test func theLintRejectsALongLineAndAForeignIndent() throws {
        let folder = try ScratchFolder("format-lint")
        defer { folder.remove() }
        let long =
            "let sentence = \"" + String(repeating: "word ", count: 30) + "\" + \""
            + String(repeating: "more ", count: 10) + "\""
        try folder.write("Long.swift", "func f() -> String {\n    \(long)\n    return sentence\n}\n")
        try folder.write("Indent.swift", "func g() -> Int {\n  return 1\n}\n")
        let (status, warnings) = try lint([folder.url("Long.swift").path, folder.url("Indent.swift").path])
        #expect(status != .exited(0))
        #expect(warnings.contains("Long.swift:2"), "\(warnings)")
        #expect(warnings.contains("[Indentation]"), "\(warnings)")
    }
}
