import ArgumentParser
import BookKit
import Foundation
import Synchronization

@main
struct BookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract:
            "Builds the executable book: compiles and runs every chapter's Swift snippets, checks their output, renders the site.",
        subcommands: [BuildCommand.self, ServeCommand.self],
        defaultSubcommand: BuildCommand.self
    )
}

/// Exit statuses of `book build`, documented in the README.
enum BookExit {
    /// Every check held.
    static let success: Int32 = 0
    /// At least one chapter failed a check (format, compile, run, limit or output).
    static let checksFailed: Int32 = 1
    /// The environment or the manifest is unusable (no compiler, unreadable manifest, a manifest `file` outside
    /// `chapters/`, library does not build, the site folder or its parent not writable).
    static let environment: Int32 = 2
    /// A usage error (ArgumentParser's own exit status for those, EX_USAGE): an unknown option or slug, or an
    /// `--output` the build may not replace (a book or source folder, home, or a folder it did not write).
    static let usage: Int32 = 64
}

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build chapters and write the site.",
        discussion:
            "Exit status: 0 if every check holds, 1 if a check fails, 2 for environment errors, 64 for usage errors."
    )

    @Option(name: .customLong("chapter"), help: "Build only this chapter (its slug); repeatable.")
    var chapters: [String] = []

    @Flag(help: "Rewrite the chapters' output blocks to the actual output; no other byte changes.")
    var fix = false

    @Flag(
        help:
            "Fail on any difference between a recorded and an actual output, tolerance notwithstanding (timings with tolerance=measured excepted)."
    )
    var exact = false

    @Flag(name: .customLong("no-cache"), help: "Compile and run every program again instead of reusing cached results.")
    var noCache = false

    @Flag(
        help:
            "Also print the whole book to one PDF, book.pdf in the site (and the book on one page, print.html), through headless Chromium."
    )
    var pdf = false

    @Option(help: "Chapters to build at once (default: the number of cores).")
    var jobs: Int?

    @Option(help: "The book root, holding chapters/ and Sources/.")
    var root = "."

    @Option(help: "Where to write the site.")
    var output = "site"

    @Option(help: "The package whose Sources/Kernels and Sources/Kexue the chapters link (default: the book root).")
    var package: String?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if pdf, !chapters.isEmpty {
            throw ValidationError("--pdf prints the whole book and cannot be combined with --chapter")
        }
    }

    func run() throws {
        Interrupts.install()
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        var options = BookBuilder.Options(
            root: rootURL, packageRoot: package.map { URL(fileURLWithPath: $0).standardizedFileURL })
        options.chapters = chapters
        options.fix = fix
        options.exact = exact
        options.pdf = pdf
        options.useCache = !noCache
        if let jobs { options.jobs = jobs }
        options.output = URL(fileURLWithPath: output, relativeTo: rootURL).standardizedFileURL
        options.progress = { line in
            print(line)
            fflush(nil)
        }
        let report: BookBuilder.Report
        do {
            report = try BookBuilder(options: options).build()
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(error.kind == .usage ? BookExit.usage : BookExit.environment)
        }
        for error in report.errors {
            FileHandle.standardError.write(Data(("\n" + error.description + "\n").utf8))
        }
        if !report.docWarnings.isEmpty {
            // Not fatal: the library's doc comments as the API reference shows them.
            var text = "\n" + report.docWarnings.map(\.description).joined(separator: "\n")
            text +=
                "\nhint: document public API with /// comments; `- Parameter x:` must name a parameter, ``Symbol`` a symbol of Kexue or Kernels\n"
            FileHandle.standardError.write(Data(text.utf8))
        }
        let failed = report.checked - report.passed
        print(
            """

            \(report.chapters.count) chapters, \(report.snippets) snippets\(report.notRun.total > 0 ? " (\(report.notRun.summary))" : ""), \(report.passed) checks passed, \
            \(failed) failed, \(report.errors.count) errors\(report.docWarnings.isEmpty ? "" : ", \(report.docWarnings.count) doc-comment warnings"), \(String(format: "%.1f", report.seconds)) s
            """)
        if let output = options.output {
            print("site: \(output.path)/index.html")
        }
        if !report.errors.isEmpty { throw ExitCode(BookExit.checksFailed) }
    }
}

/// Ctrl-C and SIGTERM: stop the snippet programs (they run in process groups of their own, out of the
/// terminal's reach), then exit. The site and the caches are written atomically, so what was built before
/// stays whole.
enum Interrupts {
    /// The installed sources, kept for the life of the process (a released source stops delivering).
    private static let sources = Mutex<[DispatchSourceSignal]>([])

    static func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            // Made inside the lock: a source that never leaves it can be handed to the mutex's value.
            sources.withLock { sources in
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler {
                    ActiveProcessGroups.shared.killAll()
                    FileHandle.standardError.write(
                        Data("\ninterrupted: the previous site and the caches are intact\n".utf8))
                    exit(130)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
