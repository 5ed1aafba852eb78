import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The remembered `swiftc --version` (`Toolchain.VersionMemo`) against a fake compiler that counts how often it
/// is asked: the memo saves the question only while the compiler's files are the very ones it was asked of.
@Suite struct ToolchainTests {
    /// A folder with `bin/swiftc` (a script that appends a line to `calls` and prints `version`) and, unless
    /// `frontend` is false, `bin/swift-frontend` beside it.
    struct FakeCompiler {
        let folder: ScratchFolder
        var swiftc: String { folder.url("bin/swiftc").path }
        var memo: URL { folder.url("book-cache") }

        init(_ name: String, version: String, frontend: Bool = true) throws {
            folder = try ScratchFolder(name)
            try setVersion(version)
            if frontend { try folder.write("bin/swift-frontend", "#!/bin/sh\nexit 0\n") }
        }

        func setVersion(_ version: String) throws {
            let calls = folder.url("calls").path
            try folder.write("bin/swiftc", "#!/bin/sh\necho asked >> '\(calls)'\necho '\(version)'\n")
            chmod(swiftc, 0o755)
        }

        var calls: Int { ((try? folder.read("calls")) ?? "").split(separator: "\n").count }

        func version() throws -> String { try Toolchain.asking(swiftc, memo: memo).version }
    }

    @Test func rememberedVersionFollowsTheCompilersFiles() throws {
        let fake = try FakeCompiler("toolchain-memo", version: "Swift version fake-1")
        defer { fake.folder.remove() }
        #expect(try fake.version() == "Swift version fake-1")
        #expect(try fake.version() == "Swift version fake-1")
        #expect(fake.calls == 1, "the second build asks nothing")

        // Another compiler installed at the same path.
        try fake.setVersion("Swift version fake-2")
        #expect(try fake.version() == "Swift version fake-2")
        #expect(fake.calls == 2)

        // The frontend rewritten in place with its old modification time put back: the ctime still moves.
        let frontend = fake.folder.url("bin/swift-frontend")
        let modified = try FileManager.default.attributesOfItem(atPath: frontend.path)[.modificationDate] as! Date
        let handle = try FileHandle(forWritingTo: frontend)
        try handle.write(contentsOf: Data("#!/bin/sh\nexit 1\n".utf8))
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: frontend.path)
        #expect(try fake.version() == "Swift version fake-2")
        #expect(fake.calls == 3, "a frontend changed in place is asked again")

        // A memo edited to claim another version is not trusted.
        let memos = try FileManager.default.contentsOfDirectory(
            at: fake.memo.appendingPathComponent("toolchain"), includingPropertiesForKeys: nil)
        #expect(memos.count == 1)
        let forged = try String(contentsOf: memos[0], encoding: .utf8)
            .replacingOccurrences(of: "fake-2", with: "fake-9")
        try forged.write(to: memos[0], atomically: false, encoding: .utf8)
        #expect(try fake.version() == "Swift version fake-2")
        #expect(fake.calls == 4)

        // Without the memo folder the compiler is always asked.
        #expect(try Toolchain.asking(fake.swiftc, memo: nil).version == "Swift version fake-2")
        #expect(fake.calls == 5)
    }

    /// A `swiftc` with no frontend beside it may be a toolchain manager's shim that picks another compiler on
    /// each call without changing itself: never remembered.
    @Test func aShimIsAlwaysAsked() throws {
        let fake = try FakeCompiler("toolchain-shim", version: "Swift version shim", frontend: false)
        defer { fake.folder.remove() }
        #expect(try fake.version() == "Swift version shim")
        #expect(try fake.version() == "Swift version shim")
        #expect(fake.calls == 2)
        #expect(!FileManager.default.fileExists(atPath: fake.memo.appendingPathComponent("toolchain").path))
    }
}
