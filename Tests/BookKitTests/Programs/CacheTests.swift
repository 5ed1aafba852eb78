import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// The build cache: what an edit recompiles and reruns, corruption, and interrupted builds.
///
/// Each test works in a scratch package root with a tiny library of its own (so that editing the library
/// is cheap and does not touch the real one) and a one-chapter book.
@Suite struct CacheTests {
    struct Scratch {
        let folder: ScratchFolder
        var root: URL { folder.root }
        let toolchain: Toolchain

        init(_ name: String) throws {
            folder = try ScratchFolder("cache-\(name)")
            toolchain = try Fixtures.environment.get().0
            try TinyLibrary.write(in: folder)
            try folder.write(
                "chapters/book.json",
                Manifest(
                    title: "Cache",
                    entries: [
                        Manifest.Entry("one", title: "One", summary: "s", text: ""),
                        Manifest.Entry("two", title: "Two", summary: "s", text: ""),
                    ]
                ).json)
            try write("one", prose: "First.", code: "import Kexue\nprint(\"scale\", kernelScale())")
            try write("two", prose: "Second.", code: "print(\"two\")")
        }

        func write(_ chapter: String, prose: String, code: String) throws {
            try folder.write("chapters/\(chapter).md", "# \(chapter)\n\n\(prose)\n\n```swift\n\(code)\n```\n")
        }

        func build(useCache: Bool = true) throws -> BookBuilder.Report {
            var options = BookBuilder.Options(root: root)
            options.output = root.appendingPathComponent("site")
            options.fix = true
            options.useCache = useCache
            return try BookBuilder(options: options).build()
        }

        func work(_ report: BookBuilder.Report) -> [String] {
            report.chapters.map { "\($0.slug) compiled \($0.compiled) ran \($0.ran)" }
        }

        func remove() { folder.remove() }

        /// `book build --root ROOT` through the real executable: its exit status and its two streams.
        /// - Parameters:
        ///   - environment: variables set on top of this process's environment.
        ///   - fileSizeLimitKB: runs it under `ulimit -f` (RLIMIT_FSIZE), so a write past it really fails.
        func cli(
            _ extra: [String] = [], environment: [String: String] = [:],
            fileSizeLimitKB: Int? = nil
        ) throws -> (status: Int32, stdout: String, stderr: String) {
            var variables = ProcessInfo.processInfo.environment
            variables.merge(environment) { $1 }
            let book = Fixtures.bookExecutable.path
            let arguments = ["build", "--root", root.path] + extra
            let process: Subprocess
            if let limit = fileSizeLimitKB {
                process = Subprocess(
                    executable: "/bin/bash",
                    arguments: ["-c", "ulimit -f \(limit) && exec \"$0\" \"$@\"", book] + arguments,
                    environment: variables, timeout: 600)
            } else {
                process = Subprocess(executable: book, arguments: arguments, environment: variables, timeout: 600)
            }
            let result = try process.run()
            guard case .exited(let status) = result.termination else {
                Issue.record("book build ended with \(result.termination)")
                return (-1, "", "")
            }
            return (
                status, String(decoding: result.stdout, as: UTF8.self), String(decoding: result.stderr, as: UTF8.self)
            )
        }

        /// A stand-in for `swiftc` (selected with `SWIFTC`) that hands `--version` and the library build to
        /// the real compiler and runs `body` (a shell fragment; `$REAL` is the real compiler) for chapter
        /// programs.
        func fakeCompiler(_ name: String, body: String) throws -> String {
            let path = root.appendingPathComponent("fake-\(name)").path
            let script = """
                #!/bin/sh
                REAL='\(toolchain.swiftc)'
                case " $* " in *" --version "*|*" -emit-library "*) exec "$REAL" "$@";; esac
                \(body)

                """
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
            return path
        }

        /// The program build folders, and the files in each.
        func programFolders() -> [String: [String]] {
            let programs = root.appendingPathComponent(".build/book/programs")
            var folders: [String: [String]] = [:]
            for name in (try? FileManager.default.contentsOfDirectory(atPath: programs.path)) ?? []
            where !name.hasSuffix(".lock") {
                folders[name] =
                    ((try? FileManager.default.contentsOfDirectory(atPath: programs.appendingPathComponent(name).path))
                    ?? []).sorted()
            }
            return folders
        }

        /// The library build folders (`.build/book/lib/<fingerprint>`).
        func libraryFolderNames() throws -> [String] {
            let base = root.appendingPathComponent(".build/book/lib")
            return try FileManager.default.contentsOfDirectory(atPath: base.path).filter {
                $0 != "lock" && !$0.hasPrefix("tmp-")
            }
        }

        /// The one library build folder.
        func libraryFolder() throws -> URL {
            let base = root.appendingPathComponent(".build/book/lib")
            let names = try libraryFolderNames()
            try #require(names.count == 1, "one library build, found \(names)")
            return base.appendingPathComponent(names[0])
        }

        /// The chapter-one program's folder (the one whose source prints the scale).
        func programFolder(containing text: String) throws -> URL {
            let programs = root.appendingPathComponent(".build/book/programs")
            let match = programFolders().keys.first { name in
                let source = try? String(
                    contentsOf: programs.appendingPathComponent("\(name)/main.swift"), encoding: .utf8)
                return source?.contains(text) == true
            }
            return programs.appendingPathComponent(try #require(match, "a program containing \(text)"))
        }
    }

    @Test func proseEditRunsNoCompiler() throws {
        let scratch = try Scratch("prose")
        defer { scratch.remove() }
        // --fix runs a program whose output it records twice (the second run checks that it is stable).
        #expect(scratch.work(try scratch.build()) == ["one compiled 1 ran 2", "two compiled 1 ran 2"])
        // --fix recorded the outputs; now move the snippet down with more prose.
        let path = scratch.root.appendingPathComponent("chapters/one.md")
        let text = try String(contentsOf: path, encoding: .utf8)
        try text.replacingOccurrences(of: "First.", with: "First.\n\nA new paragraph\nover two lines.")
            .write(to: path, atomically: true, encoding: .utf8)
        let report = try scratch.build()
        #expect(scratch.work(report) == ["one compiled 0 ran 0", "two compiled 0 ran 0"])
        #expect(report.errors.isEmpty)
        let page = try String(contentsOf: scratch.root.appendingPathComponent("site/one.html"), encoding: .utf8)
        #expect(page.contains("A new paragraph"))
        #expect(page.contains("scale 2.0"))
    }

    @Test func snippetEditRebuildsOneChapter() throws {
        let scratch = try Scratch("snippet")
        defer { scratch.remove() }
        _ = try scratch.build()
        try scratch.write("two", prose: "Second.", code: "print(\"two, edited\")")
        let report = try scratch.build()
        // Run twice: --fix records the new output only if a second run prints the same.
        #expect(scratch.work(report) == ["one compiled 0 ran 0", "two compiled 1 ran 2"])
    }

    @Test func libraryEditInvalidatesChapters() throws {
        let scratch = try Scratch("library")
        defer { scratch.remove() }
        _ = try scratch.build()
        try "public func kernelScale() -> Double { 3 }\n".write(
            to: scratch.root.appendingPathComponent("Sources/Kernels/Scale.swift"), atomically: true, encoding: .utf8)
        let report = try scratch.build()
        // Chapter one's output changed: --fix runs it a second time before recording it.
        #expect(scratch.work(report) == ["one compiled 1 ran 2", "two compiled 1 ran 1"])
        #expect(report.chapters[0].fixed, "the new library changes chapter one's output")
    }

    @Test func corruptedRunResultIsRebuilt() throws {
        let scratch = try Scratch("corrupt")
        defer { scratch.remove() }
        _ = try scratch.build()
        let programs = scratch.root.appendingPathComponent(".build/book/programs")
        var corrupted = 0
        for case let path as String in FileManager.default.enumerator(atPath: programs.path)!
        where path.contains("/run-") {
            let url = programs.appendingPathComponent(path)
            var data = try Data(contentsOf: url)
            data[data.count / 2] ^= 0x55
            try data.write(to: url)
            corrupted += 1
        }
        #expect(corrupted == 2)
        let report = try scratch.build()
        #expect(scratch.work(report) == ["one compiled 0 ran 1", "two compiled 0 ran 1"])
        #expect(report.errors.isEmpty)
    }

    /// A same-size corrupted executable (its code overwritten with 0xFF, which traps) is rebuilt, never
    /// run: before, its SIGILL was run and cached, and the chapter failed until `--no-cache`.
    @Test func sameSizeCorruptedExecutableIsRebuilt() throws {
        let scratch = try Scratch("binary")
        defer { scratch.remove() }
        _ = try scratch.build()
        let folder = try scratch.programFolder(containing: "kernelScale()")
        let executable = folder.appendingPathComponent("program")
        var bytes = try Data(contentsOf: executable)
        let size = bytes.count
        for index in stride(from: 1024, to: bytes.count - 64, by: 1) { bytes[index] = 0xFF }
        try bytes.write(to: executable)
        #expect(try Data(contentsOf: executable).count == size)
        // Without its run result, so that a trusted binary would run.
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasPrefix("run-") {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
        let report = try scratch.build()
        #expect(scratch.work(report) == ["one compiled 1 ran 1", "two compiled 0 ran 0"])
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(ProgramCache(directory: folder, key: "").load() == nil, "the record names its full key")
    }

    /// The program record (the stamp) edited, truncated or deleted: the program is compiled again.
    @Test func corruptedProgramRecordIsRebuilt() throws {
        let scratch = try Scratch("record")
        defer { scratch.remove() }
        _ = try scratch.build()
        let record = try scratch.programFolder(containing: "kernelScale()").appendingPathComponent("record.json")
        let original = try Data(contentsOf: record)
        let damages: [(String, (Data) -> Data?)] = [
            (
                "flipped byte",
                {
                    var d = $0; d[d.count / 2] ^= 0x20; return d
                }
            ),
            ("truncated", { $0.prefix($0.count / 2) }),
            ("deleted", { _ in nil }),
        ]
        for (damage, apply) in damages {
            if let damaged = apply(original) {
                try damaged.write(to: record)
            } else {
                try FileManager.default.removeItem(at: record)
            }
            let report = try scratch.build()
            #expect(report.chapters[0].compiled == 1, "\(damage)")
            #expect(report.errors.isEmpty, "\(damage): \(report.errors)")
        }
    }

    /// A forged compile failure in the record (the diagnostics edited without the checksum) is not shown:
    /// before, any `diagnostics.txt` in the folder was shown as the chapter's error, exit 1.
    @Test func forgedDiagnosticsAreRecompiled() throws {
        let scratch = try Scratch("forged")
        defer { scratch.remove() }
        try scratch.write("one", prose: "First.", code: "let broken: String = 1")
        let first = try scratch.build()
        #expect(first.chapters[0].errors.first?.detail.contains("cannot convert") == true)
        let record = try scratch.programFolder(containing: "let broken").appendingPathComponent("record.json")
        let text = try String(contentsOf: record, encoding: .utf8)
        try text.replacingOccurrences(of: "cannot convert", with: "FORGED message").write(
            to: record, atomically: true, encoding: .utf8)
        let report = try scratch.build()
        #expect(report.chapters[0].compiled == 1)
        #expect(!report.chapters[0].errors.contains { $0.detail.contains("FORGED") })
        #expect(report.chapters[0].errors.first?.detail.contains("cannot convert") == true)
        // Intact, it is reused: the chapter's own failure is cached.
        #expect(try scratch.build().chapters[0].compiled == 0)
    }

    /// The run cache's key covers each thing that changes a run: changing any one misses, the same key hits.
    @Test func runCacheKeyCoversEverythingThatChangesARun() throws {
        let scratch = try ScratchFolder("runkey")
        defer { scratch.remove() }
        let directory = scratch.root
        let program = ProgramIdentity(
            executableSHA256: String(repeating: "a", count: 64), libraryFingerprint: "lib-1",
            toolchainVersion: "Swift version 6.0", compileFlags: ["-O", "-g"])
        let key = RunCache.Key(
            program: program, environment: ["LANG": "C.UTF-8", "HOME": "/h"], timeLimits: [120, 3],
            outputCap: 1 << 20)
        let raw = RunCache.Raw(
            stdout: Data("x\n".utf8), stderr: Data(), termination: .exited(0), timedOut: false,
            capped: false, seconds: 0.1)
        RunCache(directory: directory, key: key).store(raw)
        #expect(RunCache(directory: directory, key: key).load()?.stdout == raw.stdout)
        var changed: [String: RunCache.Key] = [:]
        var k = key
        k.program.executableSHA256 = String(repeating: "b", count: 64); changed["executable"] = k; k = key
        k.program.libraryFingerprint = "lib-2"; changed["library"] = k; k = key
        k.program.toolchainVersion = "Swift version 6.1"; changed["toolchain"] = k; k = key
        k.program.compileFlags = ["-O"]; changed["flags"] = k; k = key
        k.environment["LANG"] = "fr_FR.UTF-8"; changed["environment value"] = k; k = key
        k.environment["EXTRA"] = ""; changed["environment variable"] = k; k = key
        k.timeLimits = [120, 4]; changed["time limit"] = k; k = key
        k.outputCap = 1 << 21; changed["output cap"] = k; k = key
        // Length-prefixed fields: moving text between two fields is another key.
        k.program.compileFlags = ["-O -g"]; changed["flags split differently"] = k; k = key
        for (what, other) in changed {
            #expect(RunCache(directory: directory, key: other).load() == nil, "changing the \(what) must miss")
        }
        // An entry renamed to another key's file does not answer for it.
        let other = RunCache(directory: directory, key: changed["environment value"]!)
        try FileManager.default.copyItem(at: RunCache(directory: directory, key: key).file, to: other.file)
        #expect(other.load() == nil)
    }

    /// The run entries of an executable are dropped when it is rebuilt: a result never outlives its binary.
    @Test func rebuiltExecutableDropsItsRunResults() throws {
        let scratch = try Scratch("rundrop")
        defer { scratch.remove() }
        _ = try scratch.build()
        let folder = try scratch.programFolder(containing: "kernelScale()")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("record.json"))
        let report = try scratch.build()
        #expect(scratch.work(report) == ["one compiled 1 ran 1", "two compiled 0 ran 0"])
    }

    /// KaTeX cache entries: one with injected markup and one truncated are rendered again, and the page
    /// carries KaTeX's output only. Before, both were published with exit 0.
    @Test func tamperedKaTeXEntriesAreRenderedAgain() throws {
        let scratch = try Scratch("katex")
        defer { scratch.remove() }
        try scratch.write("two", prose: "Inline $x^2 + \\alpha$ and $$\\sum_i y_i$$", code: "print(\"two\")")
        _ = try scratch.build()
        let cache = scratch.root.appendingPathComponent(".build/book/katex")
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache.path).sorted()
        try #require(entries.count == 2)
        let page = scratch.root.appendingPathComponent("site/two.html")
        let clean = try String(contentsOf: page, encoding: .utf8)
        // Injected: the HTML of an entry replaced in place, checksum left alone.
        let first = cache.appendingPathComponent(entries[0])
        let text = try String(contentsOf: first, encoding: .utf8)
        let injected = text.replacingOccurrences(
            of: "<span class=\\\"katex\\\">", with: "<span class=\\\"katex\\\"><img src=x onerror=\\\"alert(1)\\\">")
        #expect(injected != text, "the injection hit the stored HTML")
        try injected.write(to: first, atomically: true, encoding: .utf8)
        // Truncated: the other entry cut in the middle of its HTML.
        let second = cache.appendingPathComponent(entries[1])
        let data = try Data(contentsOf: second)
        try data.prefix(data.count / 2).write(to: second)
        let report = try scratch.build()
        #expect(report.errors.isEmpty)
        let rebuilt = try String(contentsOf: page, encoding: .utf8)
        #expect(!rebuilt.contains("onerror"))
        #expect(rebuilt == clean)
        // Both entries were rewritten whole.
        #expect(try String(contentsOf: first, encoding: .utf8) == text)
        #expect(try Data(contentsOf: second) == data)
    }

    @Test func noCacheCompilesAndRunsEverything() throws {
        let scratch = try Scratch("nocache")
        defer { scratch.remove() }
        _ = try scratch.build()
        #expect(scratch.work(try scratch.build(useCache: false)) == ["one compiled 1 ran 1", "two compiled 1 ran 1"])
    }

    /// A build killed between writing the new site and swapping it in leaves the old site whole.
    @Test func killedBuildLeavesTheOldSite() throws {
        let scratch = try Scratch("killed")
        defer { scratch.remove() }
        _ = try scratch.build()
        let site = scratch.root.appendingPathComponent("site")
        let before = try FileManager.default.contentsOfDirectory(atPath: site.path).sorted()
        let oldPage = try Data(contentsOf: site.appendingPathComponent("one.html"))
        try scratch.write("one", prose: "Changed prose.", code: "import Kexue\nprint(\"scale\", kernelScale())")

        // The `book` executable sits beside the test bundle in the build folder.
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("book") }
        let book = try #require(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
            "the book executable is built with the tests")
        var environment = ProcessInfo.processInfo.environment
        environment["BOOK_TEST_PAUSE_BEFORE_SWAP"] = "30"
        let process = Subprocess(
            executable: book.path, arguments: ["build", "--root", scratch.root.path, "--fix"],
            environment: environment, timeout: 60)
        // Kill the build as soon as its staging folder holds the new site.
        let staging = scratch.root.path
        let killer = Thread {
            for _ in 0..<600 {
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? []
                if let folder = entries.first(where: { $0.hasPrefix(".site.staging-") }),
                    FileManager.default.fileExists(atPath: "\(staging)/\(folder)/style.css"),
                    let pid = Int32(folder.split(separator: "-").last ?? "")
                {
                    Thread.sleep(forTimeInterval: 0.3)
                    kill(pid, SIGKILL)
                    return
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        killer.start()
        let result = try process.run()
        #expect(result.termination == .signaled(SIGKILL), "the build was killed mid-write")
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.path).sorted() == before)
        #expect(try Data(contentsOf: site.appendingPathComponent("one.html")) == oldPage)

        // The next build cleans up the leftovers and swaps in the new site.
        _ = try scratch.build()
        let page = try String(contentsOf: site.appendingPathComponent("one.html"), encoding: .utf8)
        #expect(page.contains("Changed prose."))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: scratch.root.path).filter { $0.contains("staging") }
                .isEmpty)
    }
}
