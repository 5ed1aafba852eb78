import Foundation

@testable import BookKit

/// A throw-away book root (`chapters/` with a manifest and the chapters' files) that links this package's
/// library: for tests of the whole build, in process (`build`) or through the executable (`book`).
public struct ScratchChapters: Sendable {
    public let folder: ScratchFolder
    public var root: URL { folder.root }

    public init(_ name: String, title: String = "Scratch", _ entries: [Manifest.Entry]) throws {
        folder = try ScratchFolder(name)
        for entry in entries { try folder.write("chapters/\(entry.file)", entry.text) }
        try folder.write("chapters/book.json", Manifest(title: title, entries: entries).json)
    }

    /// Chapters from slug → text, in order; each titled and summarised by its slug.
    public init(_ name: String, chapters: KeyValuePairs<String, String>) throws {
        try self.init(name, chapters.map { Manifest.Entry($0.key, text: $0.value) })
    }

    public func write(_ path: String, _ text: String) throws { try folder.write(path, text) }
    public func read(_ path: String) throws -> String { try folder.read(path) }

    /// Builds the book in process into `site/`, as `book build` would.
    public func build(
        fix: Bool = false, chapters: [String] = [], jobs: Int? = nil, useCache: Bool = true,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> BookBuilder.Report {
        var options = BookBuilder.Options(root: root, packageRoot: Fixtures.packageRoot)
        options.output = folder.url("site")
        options.fix = fix
        options.chapters = chapters
        options.useCache = useCache
        if let jobs { options.jobs = jobs }
        options.progress = progress
        return try BookBuilder(options: options).build()
    }

    /// Runs `book ARGUMENTS --root ROOT --package PACKAGE` (this package's library) to its end.
    public func book(
        _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        timeout: Double = 600
    ) throws -> Subprocess.Result {
        try Subprocess(
            executable: Fixtures.bookExecutable.path,
            arguments: arguments + ["--root", root.path, "--package", Fixtures.packageRoot.path],
            environment: environment, timeout: timeout
        ).run()
    }

    public func remove() { folder.remove() }
}
