import Foundation
import Testing

@testable import BookKit

/// Shared set-up for the tests that build chapters: the package root, the fixture folder, the toolchain and
/// one library build per process, the `book` executable, and golden files.
public enum Fixtures {
    /// This package (the folder of Package.swift).
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `Tests/BookKitTests/Fixtures`: fixture chapters and their goldens.
    public static let directory = packageRoot.appendingPathComponent("Tests/BookKitTests/Fixtures")

    /// The toolchain and the release library, built once (the library build is itself cached on disk).
    public static let environment: Result<(Toolchain, LibraryBuild.Product), BookError> = {
        do throws(BookError) {
            let toolchain = try Toolchain.locate()
            let library = try LibraryBuild(root: packageRoot, toolchain: toolchain).build()
            return .success((toolchain, library))
        } catch {
            return .failure(error)
        }
    }()

    /// A fixture chapter as a `ChapterSource`, its path shown as `Fixtures/NAME.md`.
    public static func source(_ name: String, text: String? = nil) throws -> ChapterSource {
        let url = directory.appendingPathComponent("\(name).md")
        let text = try text ?? String(contentsOf: url, encoding: .utf8)
        return ChapterSource(slug: name, path: "Fixtures/\(name).md", title: name, summary: "", text: text)
    }

    /// How a fixture's math is typeset.
    public enum Math {
        /// KaTeX, as a build does (its errors are chapter errors).
        case katex
        /// Each formula as its TeX in a `<span class="math">`: page goldens a reader can read.
        case readable
    }

    /// Runs the whole chapter pipeline on a fixture, as `book build` would (without writing anything).
    public static func check(
        _ name: String, text: String? = nil, root: URL = packageRoot, fix: Bool = false, exact: Bool = false,
        math: Math = .katex, useCache: Bool = true
    ) throws -> (CheckedChapter, BookBuilder.ChapterReport) {
        let (toolchain, library) = try environment.get()
        var options = BookBuilder.Options(root: root, packageRoot: packageRoot)
        options.fix = fix
        options.exact = exact
        options.useCache = useCache
        if math == .readable { options.math = .readable }
        return try BookBuilder(options: options).chapter(
            try source(name, text: text), library: library, toolchain: toolchain)
    }

    /// Compares `actual` with the golden file `Fixtures/NAME`. With `BOOK_RECORD=1`, or when the golden
    /// file does not exist yet, records it, and the test fails once so that a new snapshot is looked at.
    public static func expectGolden(
        _ actual: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let url = directory.appendingPathComponent(name)
        let record = ProcessInfo.processInfo.environment["BOOK_RECORD"] == "1"
        guard !record, let golden = try? String(contentsOf: url, encoding: .utf8) else {
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded golden file \(name); check it and run again", sourceLocation: sourceLocation)
            return
        }
        #expect(
            actual == golden, "differs from golden file \(name) (BOOK_RECORD=1 re-records)",
            sourceLocation: sourceLocation)
    }

    /// The `book` executable of this build (BookKitTests depends on it, so SwiftPM builds it first): beside
    /// the test bundle in the products folder.
    public static var bookExecutable: URL {
        var folder = Bundle.main.bundleURL
        while !folder.path.isEmpty, folder.path != "/" {
            let candidate = folder.appendingPathComponent("book")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
                !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate.path)
            {
                return candidate
            }
            folder.deleteLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/book")
    }
}
