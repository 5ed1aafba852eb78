import Foundation

@testable import BookKit

/// A scratch book (a tiny library of its own and two chapters whose outputs are recorded) driven through
/// the `book` executable, as a user would: for the command-line contract and fault injection.
public struct ScratchBook {
    public let folder: ScratchFolder
    public var root: URL { folder.root }

    public init(_ name: String) throws {
        folder = try ScratchFolder("safety-\(name)")
        try TinyLibrary.write(in: folder)
        try folder.write(
            "chapters/book.json",
            Manifest(
                title: "Safety",
                entries: [
                    Manifest.Entry("one", title: "One", summary: "s", text: ""),
                    Manifest.Entry("two", title: "Two", summary: "s", text: ""),
                ]
            ).json)
        try chapter("one", prose: "First.")
        try chapter("two", prose: "Second.")
    }

    public func write(_ path: String, _ text: String) throws { try folder.write(path, text) }

    /// A chapter whose snippet prints its name, with that output recorded: it passes without `--fix`.
    public func chapter(_ name: String, prose: String) throws {
        try write(
            "chapters/\(name).md",
            "# \(name)\n\n\(prose) See [the other](\(name == "one" ? "two" : "one").html).\n\n```swift\nprint(\"\(name)\")\n```\n\n```output\n\(name)\n```\n"
        )
    }

    public struct Run {
        public var status: Int32
        public var signaled: Bool
        public var stdout: String
        public var stderr: String
    }

    /// Runs `book ARGUMENTS --root ROOT`. With `killAt`, sets `BOOK_TEST_PAUSE_AT` and sends SIGKILL as
    /// soon as the build announces the pause. `environment` is added to this process's.
    @discardableResult
    public func book(
        _ arguments: [String], killAt stage: String? = nil, asUser user: UInt32? = nil,
        environment extra: [String: String] = [:]
    ) throws -> Run {
        var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        environment["BOOK_TEST_PAUSE_AT"] = stage
        var command = [Fixtures.bookExecutable.path] + arguments + ["--root", root.path]
        if let user {
            // Drop to an unprivileged user, so that permissions apply (the tests may run as root).
            command = ["/usr/bin/setpriv", "--reuid=\(user)", "--regid=\(user)", "--clear-groups"] + command
            environment["HOME"] = root.path
        }
        guard let stage else {
            let result = try Subprocess(
                executable: command[0], arguments: Array(command.dropFirst()), environment: environment
            ).run()
            // As Foundation reports it: the exit status, or the number of the signal that ended it.
            let (status, signaled): (Int32, Bool)
            switch result.termination {
            case .exited(let code): (status, signaled) = (code, false)
            case .signaled(let signal): (status, signaled) = (signal, true)
            }
            return Run(
                status: status, signaled: signaled,
                stdout: String(decoding: result.stdout, as: UTF8.self),
                stderr: String(decoding: result.stderr, as: UTF8.self))
        }
        // Foundation.Process, not `Subprocess`: `killAt` must SIGKILL `book` alone, by its pid, as a user's
        // `kill -9` would (what survives on disk is the point); `Subprocess` kills a program's whole tree and
        // does not hand out its pid.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = Locked(Data()), errData = Locked(Data())
        let readers = [(out, outData), (err, errData)].map { pipe, sink in
            Thread {
                while true {
                    let chunk = pipe.fileHandleForReading.availableData
                    if chunk.isEmpty { return }
                    let text = sink.update {
                        $0.append(chunk); return String(decoding: $0, as: UTF8.self)
                    }
                    if text.contains("book: paused at \(stage) ") { kill(process.processIdentifier, SIGKILL) }
                }
            }
        }
        for reader in readers { reader.start() }
        process.waitUntilExit()
        // Let the readers drain what is left in the pipes.
        for _ in 0..<100 where readers.contains(where: { !$0.isFinished }) { Thread.sleep(forTimeInterval: 0.05) }
        return Run(
            status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: outData.value, as: UTF8.self),
            stderr: String(decoding: errData.value, as: UTF8.self))
    }

    /// Every file under `folder` (relative path → bytes; a link as its target), skipping the caches.
    public func snapshot(_ folder: String = "") -> [String: Data] {
        let base = folder.isEmpty ? root : root.appendingPathComponent(folder)
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return files }
        for case let path as String in enumerator {
            if path.hasPrefix(".build") || path.hasPrefix(".cache") || path == ".site.lock" { continue }
            let url = base.appendingPathComponent(path)
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) {
                files[path] = Data("-> \(target)".utf8)
            } else if let data = FileManager.default.contents(atPath: url.path) {
                files[path] = data
            } else {
                files[path] = Data()
            }
        }
        return files
    }

    /// Broken internal links of the site on disk, checked against the files that are there (not the manifest).
    public func danglingLinks(_ folder: String = "site") throws -> [String] {
        var pages: [String: String] = [:]
        var files = Set<String>()
        let base = root.appendingPathComponent(folder)
        for case let name as String in FileManager.default.enumerator(atPath: base.path)! {
            files.insert(name)
            if name.hasSuffix(".html") {
                pages[name] = try String(contentsOf: base.appendingPathComponent(name), encoding: .utf8)
            }
        }
        return HTMLScan.danglingLinks(pages: pages, files: files)
    }

    /// Leftovers of the site writer beside the site.
    public func leftovers() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter {
            $0.contains(".site.staging-") || $0.contains(".site.old-")
        }
    }

    public func remove() { folder.remove() }
}
