import Foundation
import Testing
@testable import BookKit

@Suite struct LibraryBuildTests {
    /// The chapter programs must be built with the flags the package builds the library with.
    @Test func codegenFlagsMatchPackageSwift() throws {
        let manifest = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        let targetCPU = LibraryBuild.codegenFlags.drop { $0 != "-target-cpu" }.prefix(2).map { "\"\($0)\"" }.joined(separator: ", ")
        #expect(manifest.contains(".unsafeFlags([\(targetCPU)])"))
        #expect(LibraryBuild.codegenFlags.contains("-O"))
    }

    @Test func fingerprintCoversSources() throws {
        let (toolchain, _) = try Fixtures.environment.get()
        let build = LibraryBuild(root: Fixtures.packageRoot, toolchain: toolchain)
        #expect(build.fingerprint() == build.fingerprint())
        #expect(build.sources().map(\.module) == ["Kernels", "Kexue"])
        #expect(build.sources().allSatisfy { !$0.files.isEmpty })
    }

    @Test func sha256KnownAnswers() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(String(repeating: "0123456789", count: 100)) == "ab6c5f3237f551d208fc2ca5225a4cca20b3fd638794a804f0ed5549d5041734")
    }
}
