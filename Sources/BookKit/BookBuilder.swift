import Foundation

/// The build as a fold over the book's named stages, each a function with one input and one output:
///
///     Load → per chapter: Parse → Extract → Build → Run → Check [→ Fix → the same stages] → Typeset
///          → Render → LinkCheck → Write [→ Print (`--pdf`), in the staged site before it is swapped in]
///
/// Errors of every stage join their chapter's one error list (`ChapterBuild.errors`), which the page's
/// banner and the report read; so does the chapter's progress line, printed once its page's links are checked
/// (only a link into the index or claims page, checked with the whole site after all lines, misses it).
/// `book build` and the chapter tests both go through here.
///
/// What touches the disk: `BookResources` reads the stylesheet and scripts beside the executable (first, so that
/// a missing one stops the build before anything else); Load reads the manifest and the chapters; the site session
/// locks and recovers the site folder; the library build and Build write under `.build/book/`; Run executes the programs and
/// records their runs beside them; `--fix` writes chapter files; Typeset runs KaTeX and caches under
/// `.build/book/katex/`; Write replaces the site folder, after Print (`--pdf`) has had headless Chromium print
/// the staged `print.html` to `book.pdf`. Parse, Extract, Check, Render and LinkCheck are pure
/// (Render only lists KaTeX's font folder).
public struct BookBuilder: Sendable {
    public struct Options: Sendable {
        /// The book root: holds `chapters/`.
        public var root: URL
        /// The package whose `Sources/Kernels` and `Sources/Kexue` the chapters link, and whose `.build/book/`
        /// caches builds. Usually the book root; tests build fixture books against this package.
        public var packageRoot: URL
        /// Slugs to build; empty means all.
        public var chapters: [String] = []
        /// Rewrite `output` blocks to the actual output.
        public var fix = false
        /// Compare outputs and figures exactly: any difference between the recorded and the actual output fails,
        /// tolerance notwithstanding (`tolerance=measured` snippets excepted), so a typed or stale number cannot
        /// hide inside the tolerance (`--exact`, used by CI through the chapter tests).
        public var exact = false
        /// Where the site goes; nil skips rendering (the chapter tests).
        public var output: URL?
        /// Reuse cached program builds and run results (`--no-cache` turns it off; results are stored anyway).
        public var useCache = true
        /// Chapters built at once, and compiles, program runs and KaTeX runs at once across the whole book
        /// (`WorkSlots`); default the core count.
        public var jobs = ProcessInfo.processInfo.activeProcessorCount
        /// Also print the whole book to one PDF, `book.pdf` in the site, through headless Chromium (`--pdf`), from
        /// the book on one page, `print.html`, which the site then holds too. Needs every chapter (no `chapters`).
        public var pdf = false
        /// Called with one line per finished chapter (from the worker that finished it; never two at once).
        public var progress: @Sendable (String) -> Void = { _ in }
        /// Renders the math in the Typeset stage; nil is KaTeX (cached under `packageRoot`'s `.build/book/katex/`).
        /// Page golden tests set `MathRenderer.readable`.
        var math: MathRenderer?

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
        /// Problems of the library's doc comments (`DocCommentAudit`), or why there is no API reference: not
        /// fatal, listed in the summary. Only a build that writes a site reads the library's API.
        public var docWarnings: [DocWarning] = []
    }

    public var options: Options
    public init(options: Options) { self.options = options }

    /// Builds the selected chapters and, when `options.output` is set, writes the site.
    /// Throws only for problems of the environment or the manifest; chapter failures are in the report.
    ///
    /// The fold: Load → per chapter (in parallel, `chapter`) Parse → Extract → Build → Run → Check
    /// [→ Fix → the same stages on the new text] → Typeset → Render → LinkCheck → Write.
    public func build() throws(BookError) -> Report {
        let started = Date()
        // The stylesheet and scripts, checked before anything else: without them nothing could be published.
        let resources = try BookResources.load()
        // Chromium, looked for before anything is built: without it `--pdf` cannot keep its promise.
        let chromium = try pdfPrinter()
        let book = try Load.book(root: options.root)
        TestHook.pause(at: "load")
        let selected = try select(in: book)
        let site = try SiteSession(options: options, book: book)
        defer { site?.close() }
        var programs = try programEnvironment()
        TestHook.pause(at: "library")
        // The page footer names the source and the compiler, never the time.
        let stamp = site.map { _ in Render.Stamp(commit: commit(), swiftVersion: programs.toolchain.version) }
        var report = Report()
        var apiPages: [String: RenderedPage] = [:]
        if let stamp {
            // The API reference: read from the library just built (cached by its fingerprint), before any chapter,
            // since the chapters' snippets link into it.
            let (api, unavailable) = apiReference(programs)
            programs.api = api
            apiPages = APIPages.site(api, unavailable: unavailable, book: book, stamp: stamp)
            report.docWarnings =
                api.map(DocCommentAudit.warnings)
                ?? [DocWarning(place: nil, message: "no API reference in this build: \(unavailable ?? "")")]
        }
        var (chapters, pages) = try buildChapters(
            selected, of: book, stamp: stamp, programs: programs, apiPages: apiPages)
        TestHook.pause(at: "chapters")
        if let site, let stamp {
            let book = book.withSources(of: chapters)
            var rendered = render(
                book, chapters, pages: pages, stamp: stamp, resources: resources,
                previousFiles: site.previousFiles, placeholders: &report.placeholders, apiPages: apiPages)
            linkCheck(&rendered, &chapters, book: book, stamp: stamp, placeholders: report.placeholders)
            if chromium != nil {
                // After the link check, so that each chapter shows the banner its page shows; then its own links.
                printPage(&rendered, &chapters, book: book, stamp: stamp)
            }
            TestHook.pause(at: "render")
            try write(rendered, book: book, site: site, chromium: chromium)
        }
        report.chapters = chapters.map(\.report)
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    // MARK: The book's stages
    /// The chapters `options.chapters` names (all when empty), in book order; an unknown slug is a usage error.
    func select(in book: Book) throws(BookError) -> [ChapterSource] {
        let unknown = options.chapters.filter { slug in !book.chapters.contains { $0.slug == slug } }
        guard unknown.isEmpty else {
            throw BookError(
                .usage, at: nil, "no chapter with slug \(unknown.map { "'\($0)'" }.joined(separator: ", "))",
                hint: "slugs: \(book.chapters.map(\.slug).joined(separator: ", "))")
        }
        return book.chapters.filter { options.chapters.isEmpty || options.chapters.contains($0.slug) }
    }

    /// What every chapter's programs are built and run with: the toolchain, the library (built here, on disk
    /// under `.build/book/`), and the book-wide limit on compiles and runs at once.
    struct ProgramEnvironment: Sendable {
        var toolchain: Toolchain
        var library: LibraryBuild.Product
        var slots: WorkSlots
        /// The library's public API, when a site is written: the snippets' identifiers link into it.
        var api: APIIndex?
    }

    /// The library's API (`APIExtraction`, cached by the library's fingerprint), or why there is none: a failed
    /// extraction costs the book its reference pages and snippet links, never the build.
    func apiReference(_ programs: ProgramEnvironment) -> (APIIndex?, String?) {
        do {
            let reference = try APIExtraction(
                library: programs.library, toolchain: programs.toolchain, root: options.packageRoot
            ).reference()
            return (APIIndex(reference), nil)
        } catch {
            return (nil, error.message + (error.hint.map { " (\($0))" } ?? ""))
        }
    }

    func programEnvironment() throws(BookError) -> ProgramEnvironment {
        let toolchain = try Toolchain.locate(memo: options.packageRoot.appendingPathComponent(".build/book"))
        let library = try LibraryBuild(root: options.packageRoot, toolchain: toolchain).build()
        return ProgramEnvironment(toolchain: toolchain, library: library, slots: WorkSlots(options.jobs))
    }

    /// Every selected chapter through its stages, `options.jobs` chapters at once; progress lines and results
    /// keep book order. With a site to write, each page is rendered and its links checked (`PageLinkGate`)
    /// before its chapter's line is printed. The first environment error (in book order) is thrown once all
    /// chapters are done.
    /// - Returns: the chapters, and their rendered pages by site path (empty without a site).
    func buildChapters(
        _ selected: [ChapterSource], of book: Book, stamp: Render.Stamp?,
        programs: ProgramEnvironment, apiPages: [String: RenderedPage] = [:]
    ) throws(BookError) -> ([ChapterBuild], [String: RenderedPage]) {
        let gate = stamp.map {
            PageLinkGate(book: book, building: selected.map(\.slug), stamp: $0, apiPages: apiPages)
        }
        let progress = options.progress
        // Each worker renders its chapter's page (`PageLinkGate.prepare`); only the ordered release runs under
        // the lock that keeps progress lines in book order.
        let prepared = ParallelMap.run(selected, jobs: options.jobs) { source in
            Result { () throws(BookError) in
                let built = try chapter(source, programs: programs)
                return (built, gate?.prepare(built))
            }
        } completed: { result in
            switch (result, gate) {
            case (.success(let (built, _)), nil): progress(Self.progressLine(built.report))
            case (.success(let (built, entry)), let gate?):
                for ready in gate.add(entry ?? gate.prepare(built)) { progress(Self.progressLine(ready.report)) }
            case (.failure, let gate?):
                for ready in gate.addFailure() { progress(Self.progressLine(ready.report)) }
            case (.failure, nil): break
            }
        }
        for ready in gate?.finish() ?? [] { progress(Self.progressLine(ready.report)) }
        var chapters: [ChapterBuild] = []
        for result in prepared {
            let built = try result.get().0
            chapters.append(gate?.released[built.source.slug] ?? built)
        }
        return (chapters, gate?.pages ?? [:])
    }

    /// Render: the site as values (pure; `PageLinkGate` rendered the chapter pages already). A build of some
    /// chapters keeps the other pages of the previous site; a chapter without one gets a placeholder page, so
    /// that no link of the published site dangles.
    func render(
        _ book: Book, _ chapters: [ChapterBuild], pages: [String: RenderedPage], stamp: Render.Stamp,
        resources: BookResources, previousFiles: Set<String>, placeholders: inout [String],
        apiPages: [String: RenderedPage] = [:]
    ) -> Site {
        let all = book.chapters.map { source in
            chapters.first { $0.source.slug == source.slug }?.chapter ?? Extract.chapter(Parse.chapter(source)).0
        }
        var site = Render.site(
            book: book, chapters: chapters.map(\.checked), all: all, stamp: stamp, pages: pages,
            resources: resources, apiPages: apiPages, printed: options.pdf)
        if !options.chapters.isEmpty {
            for source in book.chapters
            where site.files["\(source.slug).html"] == nil && !previousFiles.contains("\(source.slug).html") {
                let snippets = all.first { $0.source.slug == source.slug }?.snippets ?? []
                site.add(
                    StubPage.page(source, book: book, stamp: stamp, anchors: snippets.map(\.anchor)),
                    at: "\(source.slug).html")
                placeholders.append(source.slug)
                options.progress(
                    "stub  " + source.slug + ": not built yet, its page is a placeholder (a full build builds it)")
            }
        }
        return site
    }

    /// LinkCheck: the whole site once more (links of the index and claims pages, and into their anchors).
    /// Each error joins its chapter's error list like any other, and the chapter's page is rendered again
    /// so that its banner shows it. An error goes to the chapter whose file the link was written in (a claims
    /// page row's to its claim's chapter), else to the chapter whose page holds it, else to the first chapter.
    func linkCheck(
        _ site: inout Site, _ chapters: inout [ChapterBuild], book: Book, stamp: Render.Stamp,
        placeholders: [String]
    ) {
        let linkErrors = LinkCheck.errors(
            in: site, book: book, placeholders: Set(placeholders.map { "\($0).html" }),
            promised: options.pdf ? SiteFolder.printFiles : [])
        for i in chapters.indices {
            var found = linkErrors[chapters[i].source.slug] ?? []
            if i == 0 { found += linkErrors[""] ?? [] }
            let known = Set(chapters[i].errors)
            let new = found.filter { !known.contains($0) }
            guard !new.isEmpty else { continue }
            chapters[i].record(new)
            let position = book.chapters.firstIndex { $0.slug == chapters[i].source.slug } ?? 0
            site.add(
                ChapterPage.page(chapters[i].checked, book: book, position: position, stamp: stamp),
                at: "\(chapters[i].source.slug).html")
        }
    }

    /// The print page (`PrintPage`), put in the site with its contents, and its links checked like every page's.
    ///
    /// Its links are the chapters' own, localised (`#SLUG--ID`): a link broken on a chapter's page is broken here
    /// too and was reported already, at the same line, so only a link broken here alone is a new error (a fault of
    /// the localisation). Such an error joins its chapter's list, and that page and the print page are rendered
    /// again to show it.
    func printPage(_ site: inout Site, _ chapters: inout [ChapterBuild], book: Book, stamp: Render.Stamp) {
        site.add(PrintPage.page(book: book, chapters: chapters.map(\.checked), stamp: stamp), at: PrintPage.path)
        let reported = Set(
            chapters.flatMap(\.errors).filter { $0.message.hasPrefix("broken link") }.compactMap(\.location))
        let linkErrors = LinkCheck.errors(
            in: site, book: book, promised: SiteFolder.printFiles, only: [PrintPage.path]
        ).mapValues { $0.filter { $0.location.map { !reported.contains($0) } ?? true } }
        guard linkErrors.values.contains(where: { !$0.isEmpty }) else { return }
        for i in chapters.indices {
            var found = linkErrors[chapters[i].source.slug] ?? []
            if i == 0 { found += linkErrors[""] ?? [] }
            guard !found.isEmpty else { continue }
            chapters[i].record(found)
            let position = book.chapters.firstIndex { $0.slug == chapters[i].source.slug } ?? 0
            site.add(
                ChapterPage.page(chapters[i].checked, book: book, position: position, stamp: stamp),
                at: "\(chapters[i].source.slug).html")
        }
        site.add(PrintPage.page(book: book, chapters: chapters.map(\.checked), stamp: stamp), at: PrintPage.path)
    }

    /// With `--pdf`, the Chromium that prints the book; nil without. Missing is an environment error, and
    /// `--pdf` with `--chapter` a usage error (the PDF is the whole book).
    func pdfPrinter() throws(BookError) -> String? {
        guard options.pdf else { return nil }
        guard options.chapters.isEmpty else {
            throw BookError(
                .usage, at: nil, "--pdf prints the whole book and cannot be combined with --chapter",
                hint: "build every chapter with `book build --pdf`")
        }
        return try ChromiumExecutable.locate()
    }

    /// Write: replaces the site folder with the new site in one exchange (`SiteWriter`). With `chromium`
    /// (`--pdf`), the staged site's `print.html` is printed to its `book.pdf` first: the site and its PDF are
    /// published together, and a failed print publishes neither (the previous site stays).
    func write(_ site: Site, book: Book, site session: SiteSession, chromium: String? = nil) throws(BookError) {
        let progress = options.progress
        var printBook: ((URL) throws(BookError) -> Void)?
        if let chromium {
            printBook = { (staging: URL) throws(BookError) in
                let printed = try BookPDF.render(
                    page: staging.appendingPathComponent(PrintPage.path),
                    to: staging.appendingPathComponent("book.pdf"), chromium: chromium)
                progress(
                    "pdf   book.pdf: \(printed.pages) pages, \(printed.bytes) bytes, "
                        + String(format: "%.1f s", printed.seconds)
                        + (printed.overWideFormulas > 0
                            ? ", \(printed.overWideFormulas) display formulas wider than the page" : ""))
            }
        }
        let kept = try SiteWriter.write(
            site, to: session.output, keepOthers: !options.chapters.isEmpty, slugs: book.chapters.map(\.slug),
            beforeSwap: printBook)
        if !kept.isEmpty {
            options.progress(
                "kept \(kept.count) \(kept.count == 1 ? "entry" : "entries") the build did not write: \(kept.joined(separator: ", "))"
            )
        }
    }

    // MARK: A chapter's stages

    /// Parses, extracts, compiles, runs and checks one chapter (and fixes its file with `--fix`). Chapters
    /// checked this way (the tests, in parallel) share one process-wide limit of the core count.
    public func chapter(
        _ source: ChapterSource, library: LibraryBuild.Product,
        toolchain: Toolchain
    ) throws(BookError) -> (CheckedChapter, ChapterReport) {
        let built = try chapter(
            source,
            programs: ProgramEnvironment(
                toolchain: toolchain, library: library,
                slots: WorkSlots.processWide))
        return (built.checked, built.report)
    }

    /// One chapter's fold: Parse → Extract → Build → Run → Check; with `--fix` and output to fix, Fix writes
    /// the new text and that text goes through the same stages again (its programs are the same; line numbers
    /// may differ); then Typeset.
    func chapter(_ source: ChapterSource, programs: ProgramEnvironment) throws(BookError) -> ChapterBuild {
        let started = Date()
        var built = try check(ChapterBuild(source), programs: programs, useCache: options.useCache)
        if options.fix, let text = try fix(&built, programs: programs) {
            let first = built
            var fixedSource = source
            fixedSource.text = text
            // The programs are those just built and run (a program names snippets by position, not line):
            // this pass finds them in the caches even with --no-cache.
            built = try check(ChapterBuild(fixedSource), programs: programs, useCache: true)
            // Inline expectations `--fix` could not rewrite are still wrong: say why at each.
            let compared = built.compared
            built.record(
                Fix.refusals(
                    chapter: built.chapter, outcomes: built.outcomes, comparable: { compared.contains($0.index) },
                    exact: options.exact))
            built.fixed = true
            built.compiledPrograms += first.compiledPrograms
            built.ranPrograms += first.ranPrograms
        }
        if built.extracted {
            let live = try Live.chapter(
                built.chapter, outcomes: built.outcomes, packageRoot: options.packageRoot,
                toolchain: programs.toolchain, slots: programs.slots)
            built.liveFigures = live.figures
            built.record(live.errors)
        }
        built = try typeset(built, programs: programs)
        if let api = programs.api {
            let snippets = built.chapter.snippets
            built.symbolLinks =
                SyntaxMemo(packageRoot: options.packageRoot)?.snippetLinks(
                    snippets, index: api, library: programs.library.fingerprint)
                ?? SnippetLinks.links(for: snippets, index: api)
        }
        built.seconds = Date().timeIntervalSince(started)
        return built
    }

    /// Build → Run → Check on a parsed and extracted chapter. Each snippet is judged on its own: one that
    /// does not compile is left out of its program (`Build.chapter`), the rest still compile and run. Programs
    /// are built and run in parallel, each compile and each run in one of the book-wide `WorkSlots`; results
    /// keep the plans' order. The first environment error (in plan order) is thrown once every program is done.
    func check(_ built: ChapterBuild, programs: ProgramEnvironment, useCache: Bool) throws(BookError) -> ChapterBuild {
        var built = built
        guard built.extracted else { return built }
        let chapterPrograms = try Build.chapter(built.chapter, syntax: SyntaxMemo(packageRoot: options.packageRoot)) {
            plans throws(BookError) in
            let results = ParallelMap.run(plans, jobs: programs.slots.count) { plan in
                Result { () throws(BookError) -> CompiledProgram in
                    try buildProgram(plan, programs: programs, useCache: useCache)
                }
            }
            var compiled: [CompiledProgram] = []
            for result in results { compiled.append(try result.get()) }
            return compiled
        }
        let compiled = chapterPrograms.compiled
        built.compiledPrograms += chapterPrograms.compilerRuns
        let results = ParallelMap.run(compiled, jobs: programs.slots.count) { program in
            Result { () throws(BookError) -> ProgramRun? in try run(program, programs: programs, useCache: useCache) }
        }
        var runs: [ProgramRun] = []
        for result in results {
            guard let run = try result.get() else { continue }
            runs.append(run)
            if !run.cached { built.ranPrograms += 1 }
        }
        let result = Check.chapter(
            built.chapter, compiled: compiled, runs: runs, failures: chapterPrograms.failures,
            exact: options.exact)
        built.compiled = compiled
        built.outcomes = result.outcomes
        built.compared = result.compared
        built.checkedSnippets = result.checked
        built.passedSnippets = result.passed
        let failed = Set(chapterPrograms.failures.map(\.snippet))
        built.notRun.didNotCompile = failed.count
        built.notRun.stopped =
            built.chapter.snippets.filter { snippet in
                snippet.info.mode.runsInMainProgram && !failed.contains(snippet.index)
                    && result.outcomes[snippet.index]?.ran != true
            }.count + result.unjudged.count
        built.record(result.errors)
        return built
    }

    /// Build: compiles one program (on disk under `.build/book/programs/`), in a work slot.
    func buildProgram(_ plan: ProgramPlan, programs: ProgramEnvironment, useCache: Bool) throws(BookError)
        -> CompiledProgram
    {
        try programs.slots.run { () throws(BookError) in
            try Build.compile(
                plan, library: programs.library, toolchain: programs.toolchain, root: options.packageRoot,
                useCache: useCache)
        }
    }

    /// Run: runs a compiled program (its record beside it on disk), in a work slot; nil for a program that
    /// did not compile or is only checked.
    func run(_ program: CompiledProgram, programs: ProgramEnvironment, useCache: Bool) throws(BookError) -> ProgramRun?
    {
        guard program.succeeded, program.executable != nil else { return nil }
        return try programs.slots.run { () throws(BookError) in try Run.program(program, useCache: useCache) }
    }

    /// Fix (`--fix`): when the chapter's only output blocks differ, writes the chapter file with the blocks the
    /// programs printed and returns the new text; nil when there is nothing to fix. Writes the file Load
    /// resolved inside chapters/ (a symbolic link is written through, never replaced), never one the author
    /// changed during the build.
    func fix(_ built: inout ChapterBuild, programs: ProgramEnvironment) throws(BookError) -> String? {
        guard built.errors.contains(where: { $0.kind == .output }) else { return nil }
        let source = built.source
        let compared = built.compared
        // Output that differs from one run to the next is never recorded: the file stays as it is.
        var reruns = 0
        let unstable = try Fix.unstable(
            chapter: built.chapter, outcomes: built.outcomes, comparable: { compared.contains($0.index) },
            exact: options.exact,
            compiled: built.compiled,
            rerun: { program throws(BookError) in
                reruns += 1
                return try programs.slots.run { () throws(BookError) in try Run.program(program, useCache: false) }
            })
        built.ranPrograms += reruns
        guard unstable.isEmpty else {
            built.record(
                unstable
                    + Fix.refusals(
                        chapter: built.chapter, outcomes: built.outcomes, comparable: { compared.contains($0.index) },
                        exact: options.exact))
            return nil
        }
        let text = Fix.apply(
            to: source.text, chapter: built.chapter, outcomes: built.outcomes,
            comparable: { compared.contains($0.index) }, exact: options.exact)
        guard text != source.text else {
            built.record(
                Fix.refusals(
                    chapter: built.chapter, outcomes: built.outcomes, comparable: { compared.contains($0.index) },
                    exact: options.exact))
            return nil
        }
        let url = source.file ?? options.root.appendingPathComponent(source.path)
        guard (try? String(contentsOf: url, encoding: .utf8)) == source.text else {
            throw BookError(
                .environment, at: SourcePosition(file: source.path, line: 1),
                "the chapter changed during the build; --fix did not write it",
                hint: "run `swift run book build --fix` again")
        }
        do {
            try text.write(to: url, atomically: true, encoding: .utf8)
        } catch {
            throw BookError(.environment, at: nil, "cannot write \(source.path): \(error.localizedDescription)")
        }
        return text
    }

    /// Typeset: numbers equations and renders math with KaTeX (cached under `.build/book/katex/`); its errors
    /// join the chapter's. A chapter that could not be read has nothing to typeset.
    func typeset(_ built: ChapterBuild, programs: ProgramEnvironment) throws(BookError) -> ChapterBuild {
        guard built.source.loadError == nil else { return built }
        var built = built
        // KaTeX is a process too: it takes a work slot like a compile.
        let typeset = try programs.slots.run { () throws(BookError) in
            try Typeset.chapters(
                [
                    CheckedChapter(
                        parsed: built.parsed, chapter: built.chapter, outcomes: built.outcomes,
                        errors: [])
                ], math: options.math ?? .katex(packageRoot: options.packageRoot))[0]
        }
        built.math = typeset.math
        built.record(typeset.errors)
        return built
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
        let git = Subprocess(
            executable: "git", arguments: ["-C", options.root.path, "rev-parse", "--short=12", "HEAD"], timeout: 30)
        guard let result = try? git.run(), result.termination == .exited(0) else { return "unknown" }
        return String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension Book {
    /// The book with the chapters' sources as built (`--fix` rewrote some); the manifest order stays.
    func withSources(of chapters: [ChapterBuild]) -> Book {
        var book = self
        for built in chapters {
            if let i = book.chapters.firstIndex(where: { $0.slug == built.source.slug }) {
                book.chapters[i] = built.source
            }
        }
        return book
    }
}
