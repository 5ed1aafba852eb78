import Foundation

/// The build as a fold over the book: load → parse → extract → build → run → check → render → write.
/// `book build` and the chapter tests both go through here.
public struct BookBuilder {
    public struct Options {
        /// The book root: holds `chapters/`.
        public var root: URL
        /// The package whose `Sources/Kernels` and `Sources/Kexue` the chapters link, and whose `.build/book/`
        /// caches builds. Usually the book root; tests build fixture books against this package.
        public var packageRoot: URL
        /// Slugs to build; empty means all.
        public var chapters: [String] = []
        /// Rewrite `output` blocks to the actual output.
        public var fix = false
        /// Where the site goes; nil skips rendering (the chapter tests).
        public var output: URL?
        /// Reuse cached program builds and run results (`--no-cache` turns it off; results are stored anyway).
        public var useCache = true
        /// Chapters built at once; default the core count.
        public var jobs = ProcessInfo.processInfo.activeProcessorCount
        /// Called with one line per finished chapter.
        public var progress: (String) -> Void = { _ in }

        public init(root: URL, packageRoot: URL? = nil) {
            self.root = root
            self.packageRoot = packageRoot ?? root
        }
    }

    /// What a chapter's build did, for the summary.
    public struct ChapterReport: Sendable {
        public var slug: String
        public var path: String
        public var errors: [BookError]
        public var snippets: Int
        public var checked: Int
        public var passed: Int
        public var seconds: Double
        /// Whether `--fix` rewrote the chapter file.
        public var fixed: Bool
        /// Programs compiled and run for this build (the rest came from the cache).
        public var compiled = 0
        public var ran = 0
        /// Snippets meant to run that did not run to their end, and why.
        public var notRun = NotRun()
    }

    /// Snippets meant to run that did not run to their end, by reason, for the summary.
    public struct NotRun: Sendable, Hashable {
        /// Left out of their program because they do not compile.
        public var didNotCompile = 0
        /// Compiled, but the program stopped before they ended (a trap, a time limit, an exit).
        public var stopped = 0
        public var total: Int { didNotCompile + stopped }

        static func + (a: NotRun, b: NotRun) -> NotRun {
            NotRun(didNotCompile: a.didNotCompile + b.didNotCompile, stopped: a.stopped + b.stopped)
        }

        /// `3 not run: 2 did not compile, 1 stopped early`, or empty when every snippet ran.
        public var summary: String {
            guard total > 0 else { return "" }
            let reasons = [(didNotCompile, "did not compile"), (stopped, "stopped early")].filter { $0.0 > 0 }
            return "\(total) not run: " + reasons.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        }
    }

    public struct Report: Sendable {
        public var chapters: [ChapterReport] = []
        public var seconds: Double = 0
        public var errors: [BookError] { chapters.flatMap(\.errors) }
        public var snippets: Int { chapters.reduce(0) { $0 + $1.snippets } }
        public var checked: Int { chapters.reduce(0) { $0 + $1.checked } }
        public var passed: Int { chapters.reduce(0) { $0 + $1.passed } }
        public var notRun: NotRun { chapters.reduce(NotRun()) { $0 + $1.notRun } }
        /// Chapters whose page a `--chapter` build published as a "not built yet" placeholder, because the
        /// previous site had no page for them.
        public var placeholders: [String] = []
    }

    public var options: Options
    public init(options: Options) { self.options = options }

    /// Builds the selected chapters and, when `options.output` is set, writes the site.
    /// Throws only for problems of the environment or the manifest; chapter failures are in the report.
    public func build() throws(BookError) -> Report {
        let started = Date()
        let book = try Load.book(root: options.root)
        TestHook.pause(at: "load")
        let unknown = options.chapters.filter { slug in !book.chapters.contains { $0.slug == slug } }
        guard unknown.isEmpty else {
            throw BookError(.usage, at: nil, "no chapter with slug \(unknown.map { "'\($0)'" }.joined(separator: ", "))",
                            hint: "slugs: \(book.chapters.map(\.slug).joined(separator: ", "))")
        }
        let selected = book.chapters.filter { options.chapters.isEmpty || options.chapters.contains($0.slug) }
        if let output = options.output {
            try SiteFolder.check(output, root: options.root, packageRoot: options.packageRoot, slugs: book.chapters.map(\.slug))
        }
        // Two builds writing one site (and fixing the same chapters) take turns.
        var siteLock: FileLock?
        if let output = options.output {
            let path = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).lock").path
            siteLock = FileLock.tryLock(path)
            if siteLock == nil {
                options.progress("waiting for another book build of \(output.path) to finish")
                siteLock = try FileLock(path)
            }
        }
        defer { siteLock?.unlock() }
        var previousSite = Set<String>()
        if let output = options.output {
            for note in try SiteWriter.recover(output) { options.progress(note) }
            previousSite = SiteWriter.existingFiles(output)
        }
        let toolchain = try Toolchain.locate()
        let library = try LibraryBuild(root: options.packageRoot, toolchain: toolchain).build()
        TestHook.pause(at: "library")

        var report = Report()
        var checkedChapters: [CheckedChapter] = []
        // With a site to write, each page is rendered and its links checked before its chapter's line.
        let stamp = options.output.map { _ in Render.Stamp(commit: commit(), swiftVersion: toolchain.version) }
        let gate = stamp.map { PageLinkGate(book: book, building: selected.map(\.slug), stamp: $0) }
        let progress = options.progress
        // Chapters compile and run in parallel; progress lines and results keep book order.
        let results = ParallelMap.run(selected, jobs: options.jobs) { source in
            Result { () throws(BookError) in try chapter(source, library: library, toolchain: toolchain) }
        } completed: { result in
            switch (result, gate) {
            case (.success(let (_, chapterReport)), nil): progress(Self.progressLine(chapterReport))
            case (.success(let (checked, chapterReport)), let gate?):
                for (_, ready) in gate.add(checked, chapterReport) { progress(Self.progressLine(ready)) }
            case (.failure, let gate?):
                for (_, ready) in gate.addFailure() { progress(Self.progressLine(ready)) }
            case (.failure, nil): break
            }
        }
        for (_, ready) in gate?.finish() ?? [] { progress(Self.progressLine(ready)) }
        for result in results {
            var (checked, chapterReport) = try result.get()
            if let released = gate?.released[checked.chapter.source.slug] { (checked, chapterReport) = released }
            checkedChapters.append(checked)
            report.chapters.append(chapterReport)
        }
        TestHook.pause(at: "chapters")
        if let output = options.output, let stamp, let gate {
            var book = book
            // Chapters fixed by --fix were re-read; the manifest order stays.
            for checked in checkedChapters {
                if let i = book.chapters.firstIndex(where: { $0.slug == checked.chapter.source.slug }) {
                    book.chapters[i] = checked.chapter.source
                }
            }
            let all = book.chapters.map { source in
                checkedChapters.first { $0.chapter.source.slug == source.slug }?.chapter ?? Extract.chapter(Parse.chapter(source)).0
            }
            var site = Render.site(book: book, chapters: checkedChapters, all: all, stamp: stamp, pages: gate.pages)
            // A build of some chapters keeps the other pages of the previous site; a chapter without one
            // gets a placeholder page, so that no link of the published site dangles.
            if !options.chapters.isEmpty {
                for source in book.chapters where site.files["\(source.slug).html"] == nil && !previousSite.contains("\(source.slug).html") {
                    let snippets = all.first { $0.source.slug == source.slug }?.snippets ?? []
                    site.files["\(source.slug).html"] = StubPage.html(
                        source, book: book, stamp: stamp,
                        anchors: snippets.map { $0.info.id.map { "snippet-\($0)" } ?? "snippet-\($0.index + 1)" })
                    report.placeholders.append(source.slug)
                    options.progress("stub  " + source.slug + ": not built yet, its page is a placeholder (a full build builds it)")
                }
            }
            // The whole site once more: links of the index and claims pages, and into their anchors.
            let linkErrors = LinkCheck.errors(in: site, book: book, placeholders: Set(report.placeholders.map { "\($0).html" }))
            for (i, chapter) in report.chapters.enumerated() {
                let known = Set(report.chapters[i].errors)
                report.chapters[i].errors += (linkErrors[chapter.slug] ?? []).filter { !known.contains($0) }
            }
            if let other = linkErrors[""], !other.isEmpty, !report.chapters.isEmpty {
                report.chapters[0].errors += other
            }
            TestHook.pause(at: "render")
            let kept = try SiteWriter.write(site, to: output, keepOthers: !options.chapters.isEmpty, slugs: book.chapters.map(\.slug))
            if !kept.isEmpty {
                options.progress("kept \(kept.count) \(kept.count == 1 ? "entry" : "entries") the build did not write: \(kept.joined(separator: ", "))")
            }
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// Parses, extracts, compiles, runs and checks one chapter (and fixes its file with `--fix`).
    public func chapter(_ source: ChapterSource, library: LibraryBuild.Product,
                        toolchain: Toolchain) throws(BookError) -> (CheckedChapter, ChapterReport) {
        let started = Date()
        if let loadError = source.loadError {
            // Not UTF-8 or CRLF: nothing to parse; the chapter fails alone, with its page showing the error.
            let parsed = Parse.chapter(source)
            let checked = CheckedChapter(parsed: parsed, chapter: Extract.chapter(parsed).0, outcomes: [:], errors: [loadError])
            return (checked, ChapterReport(slug: source.slug, path: source.path, errors: [loadError], snippets: 0, checked: 0, passed: 0,
                                           seconds: Date().timeIntervalSince(started), fixed: false))
        }
        var parsed = Parse.chapter(source)
        var (chapter, formatErrors) = Extract.chapter(parsed)
        var result = Check.Result()
        var fixed = false
        var compiledCount = 0, ranCount = 0
        var notRun = NotRun()
        if formatErrors.isEmpty {
            let programs = try Build.chapter(chapter, library: library, toolchain: toolchain, root: options.packageRoot,
                                             useCache: options.useCache)
            var compiled = programs.compiled
            compiledCount = programs.compilerRuns
            var runs: [ProgramRun] = []
            for program in compiled {
                if program.succeeded, program.executable != nil {
                    let run = try Run.program(program, useCache: options.useCache)
                    if !run.cached { ranCount += 1 }
                    runs.append(run)
                }
            }
            result = Check.chapter(chapter, compiled: compiled, runs: runs, failures: programs.failures)
            let failed = Set(programs.failures.map(\.snippet))
            notRun.didNotCompile = failed.count
            notRun.stopped = chapter.snippets.filter { snippet in
                snippet.info.mode.runsInMainProgram && !failed.contains(snippet.index) && result.outcomes[snippet.index]?.ran != true
            }.count
            if options.fix, result.errors.contains(where: { $0.kind == .output }) {
                let compared = result.compared
                // Output that differs from one run to the next is never recorded: the file stays as it is.
                let unstable = try Fix.unstable(chapter: chapter, outcomes: result.outcomes,
                                                comparable: { compared.contains($0.index) }, compiled: compiled,
                                                rerun: { program throws(BookError) in ranCount += 1; return try Run.program(program, useCache: false) })
                let refused = Fix.refusals(chapter: chapter, outcomes: result.outcomes, comparable: { compared.contains($0.index) })
                let text = unstable.isEmpty ? Fix.apply(to: source.text, chapter: chapter, outcomes: result.outcomes,
                                                        comparable: { compared.contains($0.index) }) : source.text
                result.errors += unstable + refused
                if text != source.text {
                    // The author may have saved the chapter while it compiled: never overwrite that.
                    // The file Load resolved inside chapters/ (a symbolic link is written through, never replaced).
                    let url = source.file ?? options.root.appendingPathComponent(source.path)
                    guard (try? String(contentsOf: url, encoding: .utf8)) == source.text else {
                        throw BookError(.environment, at: SourcePosition(file: source.path, line: 1),
                                        "the chapter changed during the build; --fix did not write it",
                                        hint: "run `swift run book build --fix` again")
                    }
                    do {
                        try text.write(to: url, atomically: true, encoding: .utf8)
                    } catch {
                        throw BookError(.environment, at: nil, "cannot write \(source.path): \(error.localizedDescription)")
                    }
                    fixed = true
                    var newSource = source
                    newSource.text = text
                    parsed = Parse.chapter(newSource)
                    let (newChapter, _) = Extract.chapter(parsed)
                    // Only output blocks moved: the programs are the same, with new line numbers.
                    let newPlans = Build.plan(newChapter, excluding: Set(programs.failures.map(\.snippet)))
                    let remap = Dictionary(uniqueKeysWithValues: zip(compiled.map(\.plan), newPlans))
                    compiled = compiled.map { var c = $0; c.plan = remap[c.plan]!; return c }
                    runs = runs.map { var r = $0; r.plan = remap[r.plan]!; return r }
                    chapter = newChapter
                    result = Check.chapter(chapter, compiled: compiled, runs: runs, failures: programs.failures)
                    let recompared = result.compared
                    result.errors += Fix.refusals(chapter: chapter, outcomes: result.outcomes,
                                                  comparable: { recompared.contains($0.index) })
                }
            }
        }
        let errors = parsed.errors + formatErrors + result.errors
        let freshCompiles = compiledCount, freshRuns = ranCount
        // Math is checked like code: a formula KaTeX rejects or an unknown \eqref fails the chapter.
        let checked = try Typeset.chapters([CheckedChapter(parsed: parsed, chapter: chapter, outcomes: result.outcomes,
                                                           errors: errors)], packageRoot: options.packageRoot)[0]
        let report = ChapterReport(slug: source.slug, path: source.path, errors: checked.errors, snippets: chapter.snippets.count,
                                   checked: result.checked, passed: result.passed,
                                   seconds: Date().timeIntervalSince(started), fixed: fixed,
                                   compiled: freshCompiles, ran: freshRuns, notRun: notRun)
        return (checked, report)
    }

    /// `ok    how-to-read                     12 snippets     4.1 s  3 compiled, 2 run` (slugs padded to 32)
    static func progressLine(_ report: ChapterReport) -> String {
        let status = report.errors.isEmpty ? (report.fixed ? "fixed" : "ok") : "FAIL"
        let pad = { (s: String, n: Int) in s + String(repeating: " ", count: max(1, n - s.count)) }
        let work = report.compiled + report.ran == 0 ? "cached" : "\(report.compiled) compiled, \(report.ran) run"
        return pad(status, 6) + pad(report.slug, 32) + pad("\(report.snippets) snippets", 13)
            + String(format: "%6.1f s  ", report.seconds) + work
            + (report.errors.isEmpty ? "" : "  \(report.errors.count) error(s)")
    }

    /// The source commit for the page footer: deterministic for a given checkout.
    func commit() -> String {
        let git = Subprocess(executable: "git", arguments: ["-C", options.root.path, "rev-parse", "--short=12", "HEAD"], timeout: 30)
        guard let result = try? git.run(), result.termination == .exited(0) else { return "unknown" }
        return String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
