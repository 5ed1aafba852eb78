import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// Failures of the machine, not of the chapter: a full disk, a broken library artefact, a missing or
/// crashing tool. Each must end `book build` with exit 2 and leave nothing cached, so that the next build,
/// on a healthy machine, compiles again and passes (before, each was cached as "does not compile", exit 1,
/// until `--no-cache`).
@Suite struct EnvironmentFailureTests {
    typealias Scratch = CacheTests.Scratch

    /// A warm scratch book whose chapter one was just edited, so that the next build compiles it.
    static func editedScratch(_ name: String) throws -> Scratch {
        let scratch = try Scratch(name)
        _ = try scratch.build()
        try scratch.write("one", prose: "First.", code: "import Kexue\nprint(\"scale\", kernelScale() * 1)")
        return scratch
    }

    /// The environment failure left no record of chapter one's program, and a healthy build passes.
    static func expectNothingCachedThenRecovery(
        _ scratch: Scratch, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let folder = try scratch.programFolder(containing: "kernelScale() * 1")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(
            !files.contains("record.json") && !files.contains("diagnostics.txt"),
            "an environmental failure is never cached: \(files)", sourceLocation: sourceLocation)
        let healthy = try scratch.cli(["--fix"])
        #expect(healthy.status == 0, "the next build compiles again: \(healthy.stderr)", sourceLocation: sourceLocation)
        #expect(
            healthy.stdout.contains("one") && healthy.stdout.contains("1 compiled"), "\(healthy.stdout)",
            sourceLocation: sourceLocation)
    }

    @Test func fullDiskWhileLinkingIsAnEnvironmentError() throws {
        let scratch = try Self.editedScratch("enospc")
        defer { scratch.remove() }
        // What gold printed on a full tmpfs (reproduced with a 16 KB tmpfs over .build/book/programs).
        let swiftc = try scratch.fakeCompiler(
            "enospc",
            body: """
                echo "/usr/bin/ld.gold: fatal error: program.tmp: No space left on device" >&2
                echo "clang: error: linker command failed with exit code 1 (use -v to see invocation)" >&2
                exit 1
                """)
        let result = try scratch.cli(["--fix"], environment: ["SWIFTC": swiftc])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("not because of its code") && result.stderr.contains("No space left on device"))
        #expect(!result.stderr.contains("does not compile"))
        try Self.expectNothingCachedThenRecovery(scratch)
    }

    /// A real write failure: the linker exceeds RLIMIT_FSIZE (`ulimit -f`) and dies of SIGXFSZ.
    @Test func fileSizeLimitWhileLinkingIsAnEnvironmentError() throws {
        let scratch = try Scratch("fsize")
        defer { scratch.remove() }
        // 200 KB of data in the library makes chapter one's executable larger than the limit; every other
        // file the build writes (pages, KaTeX fonts, cache records) stays under it.
        try "public let kernelBlob = \"\(String(repeating: "ab", count: 100_000))\"\n"
            .write(
                to: scratch.root.appendingPathComponent("Sources/Kernels/Blob.swift"), atomically: true, encoding: .utf8
            )
        _ = try scratch.build()
        // The snippet uses the blob: the library's code generation is split over two threads (one object file
        // per source file), so an unused file's object would not be linked at all.
        try scratch.write(
            "one", prose: "First.",
            code: "import Kexue\nimport Kernels\nprint(\"scale\", kernelScale() * 1, kernelBlob.count)")
        let result = try scratch.cli(["--fix"], fileSizeLimitKB: 128)
        #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("not because of its code"))
        try Self.expectNothingCachedThenRecovery(scratch)
    }

    @Test func missingLinkerIsAnEnvironmentError() throws {
        let scratch = try Self.editedScratch("nold")
        defer { scratch.remove() }
        let swiftc = try scratch.fakeCompiler("nold", body: #"exec "$REAL" "$@" -use-ld=/nonexistent/ld"#)
        let result = try scratch.cli(["--fix"], environment: ["SWIFTC": swiftc])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("invalid linker name"))
        try Self.expectNothingCachedThenRecovery(scratch)
    }

    @Test func crashedCompilerIsAnEnvironmentError() throws {
        for (name, body) in [("killed", "kill -9 $$"), ("crash", "echo 'Stack dump:' >&2; exit 254")] {
            let scratch = try Self.editedScratch("crash-\(name)")
            defer { scratch.remove() }
            let swiftc = try scratch.fakeCompiler(name, body: body)
            let result = try scratch.cli(["--fix"], environment: ["SWIFTC": swiftc])
            #expect(result.status == 2, "\(name): \(result.stderr)")
            try Self.expectNothingCachedThenRecovery(scratch)
        }
    }

    @Test func missingCompilerIsAnEnvironmentError() throws {
        let scratch = try Self.editedScratch("noswiftc")
        defer { scratch.remove() }
        let empty = scratch.root.appendingPathComponent("empty-bin")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let onPath = try scratch.cli(["--fix"], environment: ["PATH": empty.path, "SWIFTC": ""])
        #expect(onPath.status == 2)
        #expect(onPath.stderr.contains("swiftc not found on PATH"))
        // An explicit SWIFTC that does not exist is not replaced by the swiftc on PATH.
        let explicit = try scratch.cli(["--fix"], environment: ["SWIFTC": empty.appendingPathComponent("swiftc").path])
        #expect(explicit.status == 2)
        #expect(explicit.stderr.contains("which is not an executable"))
    }

    /// Node missing from PATH while a formula needs rendering.
    @Test func missingNodeIsAnEnvironmentError() throws {
        let scratch = try Scratch("nonode")
        defer { scratch.remove() }
        try scratch.write("two", prose: "Math $x^2 + \\alpha$ here.", code: "print(\"two\")")
        _ = try? scratch.build()  // builds the library (the formula is not cached: render it later)
        try? FileManager.default.removeItem(at: scratch.root.appendingPathComponent(".build/book/katex"))
        // Every tool of /usr/bin but node.
        let bin = scratch.root.appendingPathComponent("no-node-bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: "/usr/bin") where !name.hasPrefix("node") {
            try? FileManager.default.createSymbolicLink(
                atPath: bin.appendingPathComponent(name).path, withDestinationPath: "/usr/bin/\(name)")
        }
        let result = try scratch.cli(["--fix"], environment: ["PATH": bin.path, "SWIFTC": scratch.toolchain.swiftc])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("node"))
    }

    @Test func missingKaTeXIsAnEnvironmentError() throws {
        let scratch = try ScratchFolder("katex-missing")
        defer { scratch.remove() }
        let katex = KaTeX(cacheDirectory: scratch.root, nodeModules: "/nonexistent/nodejs")
        #expect {
            _ = try katex.render([KaTeX.Formula(tex: "x^{2}+\\beta", display: false)])
        } throws: { error in
            (error as? BookError)?.kind == .environment
        }
    }

    /// The rule of `CompileFailure`, on what the compiler really prints in each case.
    @Test func compileFailureRule() {
        let program = URL(fileURLWithPath: "/b/.build/book/programs/abc")
        let library = URL(fileURLWithPath: "/b/.build/book/lib/f00")
        func judge(_ output: String, _ termination: Subprocess.Termination = .exited(1)) -> CompileFailure {
            CompileFailure.judge(
                termination: termination, output: output, chapterPath: "chapters/one.md",
                programDirectory: program, libraryDirectory: library)
        }
        // The chapter's.
        #expect(
            judge(
                "chapters/one.md:8:17: error: cannot convert value of type 'Int' to specified type 'String'\nlet b: String = a\n"
            ) == .chapter)
        #expect(
            judge(
                "/b/.build/book/programs/abc/main.swift:14:1: error: expected '}' at end of brace statement\n\nchapters/one.md:5:10: note: to match this opening '{'\n"
            ) == .chapter,
            "an unclosed brace is reported at the generated program's end")
        #expect(judge("chapters/one.md:3:8: error: no such module 'Numpy'\nimport Numpy\n") == .chapter)
        #expect(
            judge("chapters/one.md:3:1: error: cannot find 'x' in scope\nprint(\"No space left on device\", x)\n")
                == .chapter,
            "a source excerpt is the chapter's text, not a diagnostic")
        // The environment's.
        #expect(judge("chapters/one.md:8:17: error: cannot convert\n", .exited(254)) != .chapter)
        #expect(judge("chapters/one.md:8:17: error: cannot convert\n", .signaled(9)) != .chapter)
        #expect(
            judge(
                "error: link command failed with exit code 1 (use -v to see invocation)\n/usr/bin/ld.gold: internal error in find_view, at ../../gold/fileread.cc:338\nclang: error: linker command failed with exit code 1\n"
            ) != .chapter)
        #expect(
            judge(
                "chapters/one.md:6:8: error: malformed compiled module: /b/.build/book/lib/f00/Kexue.swiftmodule\nimport Kexue\n"
            ) != .chapter)
        #expect(judge("chapters/one.md:6:8: error: no such module 'Kexue'\nimport Kexue\n") != .chapter)
        #expect(
            judge(
                "chapters/one.md:6:8: error: cannot convert\n<unknown>:0: error: unable to open output file 'x.o': 'No space left on device'\n"
            ) != .chapter)
        #expect(
            judge(
                "clang: error: unable to execute command: File size limit exceeded\nclang: error: linker command failed due to signal (use -v to see invocation)\n"
            ) != .chapter)
        #expect(judge("") != .chapter, "no located error at all")
        #expect(judge("/b/Sources/Kexue/Tensor.swift:3:1: error: cannot find 'x' in scope\n") != .chapter)
    }
}
