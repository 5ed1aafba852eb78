import Foundation

/// One chapter on its way through the stages. Each stage reads what the earlier ones left and adds its
/// results; every error any stage finds (parse, extract, compile, run, check, typeset, link check) goes
/// to `errors`, the one list that the page's banner, the progress line and the report all read.
struct ChapterBuild: Sendable {
    var source: ChapterSource
    var parsed: ParsedChapter
    var chapter: Chapter
    /// Per snippet index: what the page shows (Check).
    var outcomes: [Int: SnippetOutcome] = [:]
    /// The typeset math (Typeset); nil shows the LaTeX source.
    var math: TypesetMath?
    /// Links from the snippets' identifiers to the API reference (`SnippetLinks`), by snippet index.
    var symbolLinks: [Int: [Int: String]] = [:]
    /// The live figures' modules and controls (Live), by snippet index.
    var liveFigures: [Int: LiveFigure] = [:]
    /// In chapter order: by line, then column; errors located in another file (the manifest, for a link of the
    /// claims page) after those of the chapter; errors found later at the same place after earlier ones.
    private(set) var errors: [BookError] = []
    /// The programs Build compiled (Run ran those with an executable); `--fix` runs them again to check that
    /// what it records is stable.
    var compiled: [CompiledProgram] = []
    /// Snippets meant to run that did not run to their end, and why.
    var notRun = BookBuilder.NotRun()
    /// Snippets whose output was compared (Check): only these may be rewritten by `--fix`.
    var compared = Set<Int>()
    var checkedSnippets = 0
    var passedSnippets = 0
    /// Programs compiled and run by this build (the rest came from the caches), over every pass.
    var compiledPrograms = 0
    var ranPrograms = 0
    /// Whether `--fix` rewrote the chapter file.
    var fixed = false
    var seconds = 0.0

    /// Parse and Extract: the first two stages of every chapter (pure).
    init(_ source: ChapterSource) {
        self.source = source
        parsed = Parse.chapter(source)
        let (chapter, formatErrors) = Extract.chapter(parsed)
        self.chapter = chapter
        extracted = source.loadError == nil && formatErrors.isEmpty
        // Not UTF-8 or CRLF: nothing was parsed; the chapter fails with its load error alone.
        record(source.loadError.map { [$0] } ?? parsed.errors + formatErrors)
    }

    /// Adds errors found by a stage, keeping the list in chapter order.
    mutating func record(_ new: [BookError]) {
        guard !new.isEmpty else { return }
        let path = source.path
        func key(_ error: BookError) -> (Int, Int, Int) {
            (
                error.location.map { $0.file == path ? 0 : 1 } ?? 0, error.location?.line ?? 0,
                error.location?.column ?? 0
            )
        }
        // A stable sort: errors at the same place stay in the order the stages found them.
        errors = (errors + new).enumerated().sorted { a, b in
            key(a.element) != key(b.element) ? key(a.element) < key(b.element) : a.offset < b.offset
        }.map(\.element)
    }

    /// Whether its snippets were extracted without a format error: only then are its programs built (a
    /// prose or math error does not stop them).
    private(set) var extracted: Bool

    var checked: CheckedChapter {
        CheckedChapter(
            parsed: parsed, chapter: chapter, outcomes: outcomes, errors: errors, math: math,
            symbolLinks: symbolLinks, liveFigures: liveFigures)
    }

    var report: BookBuilder.ChapterReport {
        BookBuilder.ChapterReport(
            slug: source.slug, path: source.path, errors: errors, snippets: chapter.snippets.count,
            checked: checkedSnippets, passed: passedSnippets, seconds: seconds, fixed: fixed,
            compiled: compiledPrograms, ran: ranPrograms, notRun: notRun)
    }
}
