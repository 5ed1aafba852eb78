import BookTestSupport
import Foundation
import Testing

@testable import BookKit

@Suite struct LibraryBuildTests {
    /// The chapter programs must be built with the flags the package builds the library with.
    @Test func codegenFlagsMatchPackageSwift() throws {
        let manifest = try String(
            contentsOf: Fixtures.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        let targetCPU = LibraryBuild.codegenFlags.drop { $0 != "-target-cpu" }.prefix(2).map { "\"\($0)\"" }.joined(
            separator: ", ")
        #expect(manifest.contains(".unsafeFlags([\(targetCPU)])"))
        #expect(LibraryBuild.codegenFlags.contains("-O"))
    }

    /// The library copy the chapters link is compiled in the language mode the package builds it in, so it
    /// is checked the same way (the compiler's own default is Swift 5).
    @Test func languageModeMatchesPackageSwift() throws {
        let manifest = try String(
            contentsOf: Fixtures.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        #expect(LibraryBuild.languageMode.count == 2 && LibraryBuild.languageMode.first == "-swift-version")
        let mode = try #require(LibraryBuild.languageMode.last)
        #expect(manifest.contains("swiftLanguageModes: [.v\(mode)]"))
    }

    /// The flag reaches the compiler: a global `var`, legal in Swift 5 and a data-race error in Swift 6, makes
    /// the library's copy fail to build, as `swift build` does.
    @Test func libraryCopyIsCheckedInSwift6Mode() throws {
        let scratch = try CacheTests.Scratch("lib-swift6")
        defer { scratch.remove() }
        try "public var kernelCounter = 0\n"
            .write(
                to: scratch.root.appendingPathComponent("Sources/Kernels/Counter.swift"), atomically: true,
                encoding: .utf8)
        let library = LibraryBuild(root: scratch.root, toolchain: scratch.toolchain)
        let error = #expect(throws: BookError.self) { try library.build() }
        #expect(error?.message == "the core library (Kernels) does not compile", "\(String(describing: error))")
        #expect(
            error?.detail.contains("'kernelCounter' is not concurrency-safe") == true,
            "\(String(describing: error?.detail))")
    }

    /// The fingerprint names a library build (its folder and the programs' cache keys): each change to a
    /// source the build compiles gives a new one, and rewriting the same bytes, or adding a file the build
    /// does not compile, keeps it (or every build would start cold).
    @Test func fingerprintCoversSources() throws {
        let (toolchain, _) = try Fixtures.environment.get()
        let scratch = try ScratchFolder("fingerprint")
        defer { scratch.remove() }
        try TinyLibrary.write(in: scratch)
        let build = LibraryBuild(root: scratch.root, toolchain: toolchain)
        let original = build.fingerprint()

        try TinyLibrary.write(in: scratch)
        try scratch.write("Sources/Kernels/NOTES.md", "not compiled\n")
        #expect(build.fingerprint() == original, "same sources, same fingerprint")

        let edits: [(String, () throws -> Void)] = [
            (
                "one byte of a Kernels source",
                {
                    try scratch.write(
                        "Sources/Kernels/Scale.swift", TinyLibrary.kernels.replacingOccurrences(of: "2.0", with: "3.0"))
                }
            ),
            (
                "a comment in a Kexue source",
                { try scratch.write("Sources/Kexue/Kexue.swift", "@_exported import Kernels\n// a comment\n") }
            ),
            (
                "a new file in a concept folder",
                { try scratch.write("Sources/Kexue/Tensor/Extra.swift", "public let extra = 1\n") }
            ),
            (
                "a header of a header-only C module",
                {
                    try scratch.write(
                        "Sources/CKernelsSupport/module.modulemap", "module CKernelsSupport { header \"S.h\" }\n")
                    try scratch.write("Sources/CKernelsSupport/S.h", "static inline int s(void) { return 1; }\n")
                }
            ),
            (
                "a file renamed, same bytes",
                {
                    try FileManager.default.moveItem(
                        at: scratch.url("Sources/Kernels/Scale.swift"), to: scratch.url("Sources/Kernels/Scaling.swift")
                    )
                }
            ),
        ]
        var seen: Set<String> = [original]
        for (edit, apply) in edits {
            try apply()
            let changed = build.fingerprint()
            #expect(!seen.contains(changed), "\(edit) changes the fingerprint")
            seen.insert(changed)
            // Undone, the fingerprint is the original again.
            for extra in ["Sources/Kexue/Tensor", "Sources/Kernels/Scaling.swift", "Sources/CKernelsSupport"] {
                try? FileManager.default.removeItem(at: scratch.url(extra))
            }
            try TinyLibrary.write(in: scratch)
            #expect(build.fingerprint() == original, "\(edit), undone")
        }

        // The real library's sources, in its concept folders, are all covered.
        let real = LibraryBuild(root: Fixtures.packageRoot, toolchain: toolchain).sources()
        #expect(real.map(\.module) == ["Kernels", "Kexue"])
        #expect(real.allSatisfy { !$0.files.isEmpty })
        #expect(real[1].files.contains { $0.split(separator: "/").count > 3 }, "files in Kexue's concept folders")
        // And so are the C module the kernels import and its header, which the build copies beside the library.
        #expect(
            LibraryBuild(root: Fixtures.packageRoot, toolchain: toolchain).headerModuleFiles() == [
                "Sources/CKernelsSupport/KernelsSupport.h", "Sources/CKernelsSupport/module.modulemap",
            ])
    }

    /// Each damage to a cached library build is caught by its manifest and the library is rebuilt, so the
    /// chapters link a good one. Before, a truncated `libKernels.a` was linked ("does not compile", exit 1,
    /// cached until `--no-cache`) and a garbled `Kexue.swiftmodule` gave "malformed compiled module" at the
    /// chapter's `import` line, cached the same way.
    @Test func damagedLibraryBuildIsRebuilt() throws {
        let damages: [(String, (URL) throws -> Void)] = [
            (
                "truncated libKernels.a",
                { folder in
                    let archive = folder.appendingPathComponent("libKernels.a")
                    try Data(contentsOf: archive).prefix(1000).write(to: archive)
                }
            ),
            (
                "garbled Kexue.swiftmodule, same size",
                { folder in
                    let module = folder.appendingPathComponent("Kexue.swiftmodule")
                    var bytes = try Data(contentsOf: module)
                    for index in stride(from: 100, to: bytes.count, by: 97) { bytes[index] ^= 0x5A }
                    try bytes.write(to: module)
                }
            ),
            (
                "missing Kernels.swiftmodule",
                { folder in
                    try FileManager.default.removeItem(at: folder.appendingPathComponent("Kernels.swiftmodule"))
                }
            ),
            (
                "planted extra module",
                { folder in
                    try Data("x".utf8).write(to: folder.appendingPathComponent("Foundation.swiftmodule"))
                }
            ),
            (
                "edited manifest",
                { folder in
                    let manifest = folder.appendingPathComponent("complete")
                    let text = try String(contentsOf: manifest, encoding: .utf8)
                    try text.replacingOccurrences(of: "\"libKexue.a\" : \"", with: "\"libKexue.a\" : \"0").write(
                        to: manifest, atomically: true, encoding: .utf8)
                }
            ),
        ]
        for (damage, apply) in damages {
            let scratch = try CacheTests.Scratch("lib-\(damage.prefix(8).filter(\.isLetter))")
            defer { scratch.remove() }
            _ = try scratch.build()
            let folder = try scratch.libraryFolder()
            let library = LibraryBuild(root: scratch.root, toolchain: scratch.toolchain)
            #expect(LibraryManifest.verified(in: folder, fingerprint: library.fingerprint()))
            try apply(folder)
            #expect(!LibraryManifest.verified(in: folder, fingerprint: library.fingerprint()), "\(damage) is detected")
            // A new program, so that it compiles and links against the library.
            try scratch.write("one", prose: "First.", code: "import Kexue\nprint(\"scale\", kernelScale() * 1)")
            let report = try scratch.build()
            #expect(report.errors.isEmpty, "\(damage): \(report.errors)")
            // The scratch builds with --fix, which runs a program it records twice (the stability check).
            #expect(scratch.work(report) == ["one compiled 1 ran 2", "two compiled 0 ran 0"], "\(damage)")
            #expect(
                LibraryManifest.verified(in: try scratch.libraryFolder(), fingerprint: library.fingerprint()),
                "\(damage): rebuilt")
        }
    }

    /// A library that does not build is an environment error (exit 2), whether its code is wrong or the
    /// toolchain failed, and each says which; nothing is cached.
    @Test func libraryThatFailsToBuildIsAnEnvironmentError() throws {
        let scratch = try CacheTests.Scratch("lib-fails")
        defer { scratch.remove() }
        // Stands for a machine without `ar` (what swiftc prints with an empty PATH); only for library builds.
        let noAr = scratch.root.appendingPathComponent("fake-noar-lib").path
        try """
        #!/bin/sh
        case " $* " in *" --version "*) exec '\(scratch.toolchain.swiftc)' "$@";; esac
        echo 'error: unableToFind(tool: "ar")'
        exit 1

        """.write(toFile: noAr, atomically: true, encoding: .utf8)
        chmod(noAr, 0o755)
        let broken = try scratch.cli(["--fix"], environment: ["SWIFTC": noAr])
        #expect(broken.status == 2)
        #expect(
            broken.stderr.contains("toolchain failed to build the core library")
                && broken.stderr.contains("unableToFind"),
            "\(broken.stderr)")
        #expect(((try? scratch.libraryFolderNames()) ?? []).isEmpty, "nothing cached")

        try "public func kernelScale() -> Double { undefinedName }\n"
            .write(
                to: scratch.root.appendingPathComponent("Sources/Kernels/Scale.swift"), atomically: true,
                encoding: .utf8)
        let wrong = try scratch.cli(["--fix"])
        #expect(wrong.status == 2)
        #expect(
            wrong.stderr.contains("the core library (Kernels) does not compile")
                && wrong.stderr.contains("undefinedName"))
    }

    /// The C file digest agrees with the Swift SHA-256 at every padding boundary and across read buffers.
    @Test func fileDigestMatchesSHA256() throws {
        let scratch = try ScratchFolder("digest")
        defer { scratch.remove() }
        let file = scratch.url("bytes")
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, (1 << 16) - 1, 1 << 16, (1 << 16) + 57, 200_003] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
            try Data(bytes).write(to: file)
            var hash = SHA256()
            hash.update(bytes)
            #expect(FileDigest.sha256(file) == hash.hexDigest(), "length \(length)")
        }
        #expect(FileDigest.sha256(URL(fileURLWithPath: "/nonexistent/file")) == nil)
    }

    @Test func sha256KnownAnswers() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(String(repeating: "0123456789", count: 100))
                == "ab6c5f3237f551d208fc2ca5225a4cca20b3fd638794a804f0ed5549d5041734")
    }
}
