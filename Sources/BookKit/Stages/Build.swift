import Foundation

/// A compiled program (or the diagnostics of one that was only checked).
public struct CompiledProgram: Sendable {
    public var plan: ProgramPlan
    /// The executable, for programs that run.
    public var executable: URL?
    /// The compiler's errors, located in the chapter (`chapters/x.md:12:5: error: ...`), if it failed.
    public var diagnostics: String?
    /// Whether an earlier build was reused (no compiler ran).
    public var cached = false
    /// For an executable: what it is (its SHA-256, library, compiler, flags), for the run cache's key.
    public var identity: ProgramIdentity?
    public var succeeded: Bool { diagnostics == nil }
}

/// Stage 4: plans each chapter's programs and compiles them with the toolchain against the library.
/// Disk: writes each program, its executable and its compile record under `.build/book/programs/`.
public enum Build {
    /// The programs of a chapter: per segment (snippets between resets) one main program, plus one
    /// program per `traps` and per `aside` snippet and one compile check per `compile-only` or `fails`
    /// snippet. `display` snippets are in none.
    /// - Parameter excluded: snippets left out of every program (they did not compile); the others' programs
    ///   are built without them.
    public static func plan(_ chapter: Chapter, excluding excluded: Set<Int> = []) -> [ProgramPlan] {
        var plans: [ProgramPlan] = []
        for segment in chapter.segments {
            var prefix: [Snippet] = []
            var main = ProgramPlan(purpose: .main, snippets: [], path: chapter.source.path)
            for snippet in segment where !excluded.contains(snippet.index) {
                switch snippet.info.mode {
                case .normal, .setup, .silent, .hidden:
                    prefix.append(snippet)
                    main.snippets.append(snippet)
                case .traps:
                    plans.append(
                        ProgramPlan(
                            purpose: .trap(snippet: snippet.index), snippets: prefix + [snippet],
                            path: chapter.source.path))
                case .aside:
                    plans.append(
                        ProgramPlan(
                            purpose: .aside(snippet: snippet.index), snippets: prefix + [snippet],
                            path: chapter.source.path))
                case .display:
                    continue
                case .compileOnly, .fails:
                    plans.append(
                        ProgramPlan(
                            purpose: .compileCheck(snippet: snippet.index),
                            snippets: prefix + [snippet], path: chapter.source.path))
                }
            }
            if !main.snippets.isEmpty { plans.append(main) }
        }
        return plans.sorted { ($0.snippets.last?.index ?? 0) < ($1.snippets.last?.index ?? 0) }
    }

    /// A chapter's compiled programs, and the snippets left out of them because they do not compile.
    public struct ChapterPrograms: Sendable {
        /// In `plan` order; no program for a segment none of whose snippets compiled.
        public var compiled: [CompiledProgram] = []
        public var failures: [SnippetCompileFailure] = []
        /// How many times the compiler ran (the rest came from the cache).
        public var compilerRuns = 0
    }

    /// Compiles a chapter's programs, judging each snippet on its own: a snippet that does not compile is
    /// left out and reported, and every other snippet still compiles and runs.
    ///
    /// Snippets that are not whole top-level code (`SnippetSyntax.problems`) are left out first. Then each
    /// segment's main program is compiled; while it fails, the snippet holding the earliest error in chapter
    /// order (`CompilerDiagnostics.culprit`) is left out and the rest compiled again, so an error far below
    /// cannot hide an earlier one and a snippet is blamed only for errors in its own lines. The `traps`,
    /// `aside` and compile-check programs are then built on the snippets that compiled. Every compile is
    /// cached, so an unchanged chapter does not repeat the search.
    /// - Parameter compile: compiles a batch of programs (in parallel, in the caller's work slots), results
    ///   in the batch's order (`Build.compile`).
    /// - Parameter syntax: remembers the snippets' syntax problems between builds (nil: parse every snippet).
    public static func chapter(
        _ chapter: Chapter, syntax: SyntaxMemo? = nil,
        compile: ([ProgramPlan]) throws(BookError) -> [CompiledProgram]
    ) throws(BookError) -> ChapterPrograms {
        var result = ChapterPrograms()
        // Snippets that are not whole top-level code (a fragment, a template, unbalanced braces) are left out
        // before any compiler runs: one of them could swallow the snippets after it. A `fails` snippet is
        // exempt: failing is its point, and it is the last snippet of its program.
        for snippet in chapter.snippets where snippet.info.mode.isCompiled && snippet.info.mode != .fails {
            let problems = syntax?.problems(of: snippet.code) ?? SnippetSyntax(code: snippet.code).problems
            guard !problems.isEmpty else { continue }
            result.failures.append(syntaxFailure(of: snippet, problems, path: chapter.source.path))
        }
        var mains: [CompiledProgram] = []
        var pending = plan(chapter, excluding: Set(result.failures.map(\.snippet))).filter { $0.purpose == .main }
        while !pending.isEmpty {
            let programs = try compile(pending)
            pending = []
            for program in programs {
                if !program.cached { result.compilerRuns += 1 }
                guard let output = program.diagnostics else {
                    mains.append(program)
                    continue
                }
                var plan = program.plan
                let diagnostics = CompilerDiagnostics(output, path: plan.path)
                // Nothing located in a snippet (an error of the scaffolding alone): blame the last snippet,
                // the one whose addition broke the program.
                let culprit = diagnostics.culprit(in: plan) ?? plan.snippets[plan.snippets.count - 1]
                let segment = Set(
                    chapter.segments.first { $0.contains { $0.index == culprit.index } }?.map(\.index) ?? [])
                result.failures.append(
                    failure(
                        of: culprit, diagnostics, earlier: result.failures.filter { segment.contains($0.snippet) },
                        chapter: chapter))
                plan.snippets.removeAll { $0.index == culprit.index }
                if !plan.snippets.isEmpty { pending.append(plan) }
            }
        }
        let plans = plan(chapter, excluding: Set(result.failures.map(\.snippet)))
        let others = try compile(plans.filter { plan in !mains.contains { $0.plan == plan } })
        for program in others where !program.cached { result.compilerRuns += 1 }
        var byPlan: [ProgramPlan: CompiledProgram] = [:]
        for program in mains + others { byPlan[program.plan] = program }
        result.compiled = plans.compactMap { byPlan[$0] }
        return result
    }

    /// The report of a snippet left out because it is not whole top-level code: its problems as compiler-style
    /// diagnostics (location, message, the line and a caret).
    static func syntaxFailure(of snippet: Snippet, _ problems: [SnippetSyntax.Problem], path: String)
        -> SnippetCompileFailure
    {
        let lines = snippet.code.split(separator: "\n", omittingEmptySubsequences: false)
        let text = problems.map { problem -> String in
            let position = problem.position(in: snippet)
            var entry = "\(position): error: \(problem.message)"
            if problem.line - 1 < lines.count {
                let line = lines[problem.line - 1]
                entry += "\n\(line)\n" + String(repeating: " ", count: max(0, problem.column - 1)) + "^"
            }
            return entry
        }
        let diagnostics = CompilerDiagnostics(text.joined(separator: "\n"), path: path)
        return SnippetCompileFailure(
            snippet: snippet.index, diagnostics: CompilerDiagnostics.render(diagnostics.groups),
            missing: [], redeclaration: false)
    }

    /// The report of a snippet left out: its own errors, and the names it misses because an earlier
    /// left-out snippet declared them.
    static func failure(
        of snippet: Snippet, _ diagnostics: CompilerDiagnostics, earlier: [SnippetCompileFailure],
        chapter: Chapter
    ) -> SnippetCompileFailure {
        let groups = diagnostics.groups(in: snippet)
        var missing: [SnippetCompileFailure.MissingName] = []
        for name in diagnostics.missingNames(in: snippet) {
            if let declarer = earlier.last(where: { chapter.snippets[$0.snippet].declares(name) }) {
                missing.append(.init(name: name, declaredBy: declarer.snippet))
            }
        }
        let redeclares = groups.contains { $0.first?.message.hasPrefix("invalid redeclaration") == true }
        return SnippetCompileFailure(
            snippet: snippet.index, diagnostics: CompilerDiagnostics.render(groups),
            missing: missing, redeclaration: redeclares)
    }

    /// Compiles one program in `.build/book/programs/<hash>/`, reusing an earlier build of the same source
    /// with the same library, compiler and flags.
    ///
    /// Reuse is verified (`ProgramCache`): a reused executable must hash to the SHA-256 recorded when it
    /// was linked, and a reused record must pass its checksum; otherwise the program is compiled again.
    /// A failed compile is remembered only when `CompileFailure` judges it the chapter's; an environmental
    /// failure (full disk, a broken library artefact, a missing tool, a crashed compiler) throws an
    /// `.environment` error and leaves nothing behind, so the next build tries again.
    /// - Parameter useCache: reuse earlier builds (a new build is stored either way).
    public static func compile(
        _ plan: ProgramPlan, library: LibraryBuild.Product, toolchain: Toolchain,
        root: URL, useCache: Bool = true
    ) throws(BookError) -> CompiledProgram {
        let runs: Bool
        if case .compileCheck = plan.purpose { runs = false } else { runs = true }
        let codes = plan.snippets.map(\.code)
        let memo = SyntaxMemo(packageRoot: root)
        let (source, runtime) = plan.sources(shadowed: memo?.shadowedCodes(codes) ?? Shadowing(codes: codes).codes)
        let flags = compileFlags(runs: runs, optimized: plan.isOptimized) + library.compilerArguments
        var hash = SHA256()
        hash.update(
            [source, runtime, flags.joined(separator: " "), library.fingerprint, toolchain.version]
                .joined(separator: "\u{0}"))
        let key = hash.hexDigest()
        let directory = root.appendingPathComponent(".build/book/programs/\(key.prefix(24))")
        let cache = ProgramCache(directory: directory, key: key)
        let executable = cache.executable
        func identity(_ digest: String) -> ProgramIdentity {
            ProgramIdentity(
                executableSHA256: digest, libraryFingerprint: library.fingerprint,
                toolchainVersion: toolchain.version, compileFlags: flags)
        }
        func reuse() -> CompiledProgram? {
            guard useCache, let outcome = cache.load() else { return nil }
            switch outcome {
            case .built(let digest) where runs:
                return CompiledProgram(
                    plan: plan, executable: executable, diagnostics: nil, cached: true, identity: identity(digest))
            case .checked where !runs:
                return CompiledProgram(plan: plan, executable: nil, diagnostics: nil, cached: true)
            case .rejected(let diagnostics):
                return CompiledProgram(
                    plan: plan, executable: nil,
                    diagnostics: memo?.locatedDiagnostics(diagnostics, plan: plan) ?? located(diagnostics, plan: plan),
                    cached: true)
            default:
                return nil
            }
        }
        if let program = reuse() { return program }
        // Two builds (parallel tests, two terminals) may want the same program: one compiles, the other
        // waits and reuses it.
        try? FileManager.default.createDirectory(
            at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
        let lock = try FileLock(directory.path + ".lock")
        defer { lock.unlock() }
        if let program = reuse() { return program }
        cache.invalidate()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try source.write(to: directory.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
            try runtime.write(
                to: directory.appendingPathComponent("BookRuntime.swift"),
                atomically: true, encoding: .utf8)
        } catch {
            throw BookError(
                .environment, at: nil, "cannot write the program of \(plan.path) to \(directory.path): \(error)",
                hint: "check free disk space (df) and that .build/book/ is writable")
        }
        var arguments =
            flags + [
                "-module-name", "Chapter", directory.appendingPathComponent("main.swift").path,
                directory.appendingPathComponent("BookRuntime.swift").path,
            ]
        arguments += runs ? ["-o", executable.path + ".tmp"] : ["-o", "/dev/null"]
        let result = try Subprocess(
            executable: toolchain.swiftc, arguments: arguments,
            timeout: 900
        ).run()
        let output = String(decoding: result.stderr + result.stdout, as: UTF8.self)
        if result.timedOut {
            throw BookError(.environment, at: plan.snippets.first?.fence, "the compiler did not finish within 900 s")
        }
        if result.termination != .exited(0) {
            try? FileManager.default.removeItem(atPath: executable.path + ".tmp")
            switch CompileFailure.judge(
                termination: result.termination, output: plan.chapterLocations(in: output),
                chapterPath: plan.path, programDirectory: directory,
                libraryDirectory: library.directory)
            {
            case .chapter:
                cache.store(.rejected(diagnostics: output))
                return CompiledProgram(plan: plan, executable: nil, diagnostics: located(output, plan: plan))
            case .environment(let reason):
                throw environmentFailure(reason, output: output, plan: plan)
            }
        }
        guard runs else {
            cache.store(.checked)
            return CompiledProgram(plan: plan, executable: nil, diagnostics: nil)
        }
        try? FileManager.default.removeItem(at: executable)
        do {
            try FileManager.default.moveItem(at: directory.appendingPathComponent("program.tmp"), to: executable)
        } catch {
            throw BookError(
                .environment, at: plan.snippets.first?.fence,
                "the compiler reported success but left no program at \(executable.path): \(error)")
        }
        guard let digest = FileDigest.sha256(executable) else {
            throw BookError(
                .environment, at: plan.snippets.first?.fence, "cannot read the program just built at \(executable.path)"
            )
        }
        cache.store(.built(executableSHA256: digest))
        return CompiledProgram(plan: plan, executable: executable, diagnostics: nil, identity: identity(digest))
    }

    /// The error for a compile that failed for reasons outside the chapter: located at the program's first
    /// snippet (so the author knows which build it was), with the compiler's last lines as detail.
    static func environmentFailure(_ reason: String, output: String, plan: ProgramPlan) -> BookError {
        let lines = plan.chapterLocations(in: output).split(separator: "\n", omittingEmptySubsequences: false)
        return BookError(
            .environment, at: plan.snippets.first?.fence,
            "the toolchain failed to build this chapter program, not because of its code: \(reason)",
            detail: lines.suffix(30).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines),
            hint:
                "check free disk space (df), the toolchain (swiftc --version) and .build/book/ (safe to delete); nothing was cached, the next build compiles again"
        )
    }

    /// Optimised like the library, with debug info so that a trap's backtrace names the chapter line;
    /// `-Onone` instead of `-O` when a snippet of the program says `optimize=none` (the flags are part of
    /// the program's cache key and of its run's identity, so the two builds never share a cache entry).
    /// Programs that are only checked stop after SIL diagnostics (definite initialisation and the like
    /// are errors there, not in type checking).
    ///
    /// No `-swift-version`: chapter programs compile in the compiler's default language mode, Swift 5, while
    /// the library they link is Swift 6 (`LibraryBuild.languageMode`). In Swift 6 mode a program's top-level
    /// code is main-actor isolated, so the globals a snippet declares could not be read from the functions
    /// and closures of later snippets (nor from `Trials`' worker threads) without annotations a chapter
    /// should not need to teach.
    static func compileFlags(runs: Bool, optimized: Bool = true) -> [String] {
        let common = ["-diagnostic-style=llvm", "-suppress-warnings"]
        let codegen =
            optimized ? LibraryBuild.codegenFlags : LibraryBuild.codegenFlags.map { $0 == "-O" ? "-Onone" : $0 }
        return runs ? common + codegen + ["-g", "-wmo"] : common + ["-emit-sil", "-Onone", "-wmo"]
    }

    /// The error lines of the compiler output with their source excerpts, keeping only what points at the
    /// chapter (the generated scaffolding is never the author's problem).
    static func located(_ output: String, plan: ProgramPlan) -> String {
        let path = plan.path
        // The generated files' paths mean nothing to the author (and differ between machines).
        let output = plan.chapterLocations(in: output).split(separator: "\n", omittingEmptySubsequences: false).map {
            line -> String in
            guard let range = line.range(of: "/main.swift:") ?? line.range(of: "/BookRuntime.swift:") else {
                return String(line)
            }
            return "(generated program)" + line[line.index(before: range.upperBound)...]
        }.joined(separator: "\n")
        var kept: [Substring] = []
        var keeping = false
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.contains(": error: ") || line.contains(": warning: ") || line.contains(": note: ") {
                keeping =
                    (line.hasPrefix(path + ":") || line.hasPrefix("(generated program)"))
                    && !line.contains(": warning: ")
                if line.contains(": error: "), !line.hasPrefix(path + ":") {
                    // An error outside the chapter: keep it, it is all the author has to go on.
                    keeping = true
                }
            }
            if keeping, !line.isEmpty { kept.append(line) }
        }
        return kept.isEmpty ? output.trimmingCharacters(in: .whitespacesAndNewlines) : kept.joined(separator: "\n")
    }
}

/// A snippet left out of its chapter's programs because it does not compile.
public struct SnippetCompileFailure: Sendable, Hashable {
    /// A name the snippet uses that a snippet left out before it declares.
    public struct MissingName: Sendable, Hashable {
        public var name: String
        /// The chapter index of the declaring snippet.
        public var declaredBy: Int
    }

    /// The snippet's chapter index.
    public var snippet: Int
    /// The compiler's errors located in the snippet, with their notes, capped (`CompilerDiagnostics.render`).
    public var diagnostics: String
    public var missing: [MissingName]
    /// Whether it declares a name twice (within itself: later snippets may shadow earlier ones).
    public var redeclaration: Bool
}

extension Snippet {
    /// Whether the snippet declares `name` at file scope (`let`, `var`, `func`, a type): explains a
    /// "cannot find" error, never decides what compiles.
    func declares(_ name: String) -> Bool {
        SnippetSyntax(code: code).declaredNames.contains(name)
    }
}
