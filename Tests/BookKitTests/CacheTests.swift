import Foundation
import Testing
@testable import BookKit

/// The build cache: what an edit recompiles and reruns, corruption, and interrupted builds.
///
/// Each test works in a scratch package root with a tiny library of its own (so that editing the library
/// is cheap and does not touch the real one) and a one-chapter book.
@Suite struct CacheTests {
    struct Scratch {
        let root: URL
        let toolchain: Toolchain

        init(_ name: String) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("book-cache-\(name)-\(getpid())")
            toolchain = try Fixtures.environment.get().0
            try? FileManager.default.removeItem(at: root)
            let fm = FileManager.default
            for module in ["Kernels", "Kexue"] {
                try fm.createDirectory(at: root.appendingPathComponent("Sources/\(module)"), withIntermediateDirectories: true)
            }
            try fm.createDirectory(at: root.appendingPathComponent("chapters"), withIntermediateDirectories: true)
            try "public func kernelScale() -> Double { 2 }\n".write(to: root.appendingPathComponent("Sources/Kernels/Scale.swift"), atomically: true, encoding: .utf8)
            try "@_exported import Kernels\n".write(to: root.appendingPathComponent("Sources/Kexue/Kexue.swift"), atomically: true, encoding: .utf8)
            try """
            { "title": "Cache", "chapters": [
              { "slug": "one", "file": "one.md", "title": "One", "summary": "s" },
              { "slug": "two", "file": "two.md", "title": "Two", "summary": "s" } ] }
            """.write(to: root.appendingPathComponent("chapters/book.json"), atomically: true, encoding: .utf8)
            try write("one", prose: "First.", code: "import Kexue\nprint(\"scale\", kernelScale())")
            try write("two", prose: "Second.", code: "print(\"two\")")
        }

        func write(_ chapter: String, prose: String, code: String) throws {
            let text = "# \(chapter)\n\n\(prose)\n\n```swift\n\(code)\n```\n"
            try text.write(to: root.appendingPathComponent("chapters/\(chapter).md"), atomically: true, encoding: .utf8)
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

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    @Test func proseEditRunsNoCompiler() throws {
        let scratch = try Scratch("prose")
        defer { scratch.remove() }
        #expect(scratch.work(try scratch.build()) == ["one compiled 1 ran 1", "two compiled 1 ran 1"])
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
        #expect(scratch.work(report) == ["one compiled 0 ran 0", "two compiled 1 ran 1"])
    }

    @Test func libraryEditInvalidatesChapters() throws {
        let scratch = try Scratch("library")
        defer { scratch.remove() }
        _ = try scratch.build()
        try "public func kernelScale() -> Double { 3 }\n".write(
            to: scratch.root.appendingPathComponent("Sources/Kernels/Scale.swift"), atomically: true, encoding: .utf8)
        let report = try scratch.build()
        #expect(scratch.work(report) == ["one compiled 1 ran 1", "two compiled 1 ran 1"])
        #expect(report.chapters[0].fixed, "the new library changes chapter one's output")
    }

    @Test func corruptedRunResultIsRebuilt() throws {
        let scratch = try Scratch("corrupt")
        defer { scratch.remove() }
        _ = try scratch.build()
        let programs = scratch.root.appendingPathComponent(".build/book/programs")
        var corrupted = 0
        for case let path as String in FileManager.default.enumerator(atPath: programs.path)! where path.contains("/run-") {
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
        let book = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                                "the book executable is built with the tests")
        var environment = ProcessInfo.processInfo.environment
        environment["BOOK_TEST_PAUSE_BEFORE_SWAP"] = "30"
        let process = Subprocess(executable: book.path, arguments: ["build", "--root", scratch.root.path, "--fix"],
                                 environment: environment, timeout: 60)
        // Kill the build as soon as its staging folder holds the new site.
        let staging = scratch.root.path
        let killer = Thread {
            for _ in 0..<600 {
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? []
                if let folder = entries.first(where: { $0.hasPrefix(".site.staging-") }),
                   FileManager.default.fileExists(atPath: "\(staging)/\(folder)/style.css"),
                   let pid = Int32(folder.split(separator: "-").last ?? "") {
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
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.root.path).filter { $0.contains("staging") }.isEmpty)
    }
}
