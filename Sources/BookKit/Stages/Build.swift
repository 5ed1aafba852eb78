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
    /// program per `traps` snippet and one compile check per `compile-only` or `fails` snippet.
    public static func plan(_ chapter: Chapter) -> [ProgramPlan] {
        var plans: [ProgramPlan] = []
        for segment in chapter.segments {
            var prefix: [Snippet] = []
            var main = ProgramPlan(purpose: .main, snippets: [], path: chapter.source.path)
            for snippet in segment {
                switch snippet.info.mode {
                case .normal, .setup, .silent, .hidden:
                    prefix.append(snippet)
                    main.snippets.append(snippet)
                case .traps:
                    plans.append(ProgramPlan(purpose: .trap(snippet: snippet.index), snippets: prefix + [snippet],
                                             path: chapter.source.path))
                case .compileOnly, .fails:
                    plans.append(ProgramPlan(purpose: .compileCheck(snippet: snippet.index),
                                             snippets: prefix + [snippet], path: chapter.source.path))
                }
            }
            if !main.snippets.isEmpty { plans.append(main) }
        }
        return plans.sorted { ($0.snippets.last?.index ?? 0) < ($1.snippets.last?.index ?? 0) }
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
    public static func compile(_ plan: ProgramPlan, library: LibraryBuild.Product, toolchain: Toolchain,
                               root: URL, useCache: Bool = true) throws(BookError) -> CompiledProgram {
        let runs: Bool
        if case .compileCheck = plan.purpose { runs = false } else { runs = true }
        let (source, runtime) = plan.sources
        let flags = compileFlags(runs: runs) + library.compilerArguments
        var hash = SHA256()
        hash.update([source, runtime, flags.joined(separator: " "), library.fingerprint, toolchain.version]
            .joined(separator: "\u{0}"))
        let key = hash.hexDigest()
        let directory = root.appendingPathComponent(".build/book/programs/\(key.prefix(24))")
        let cache = ProgramCache(directory: directory, key: key)
        let executable = cache.executable
        func identity(_ digest: String) -> ProgramIdentity {
            ProgramIdentity(executableSHA256: digest, libraryFingerprint: library.fingerprint,
                            toolchainVersion: toolchain.version, compileFlags: flags)
        }
        func reuse() -> CompiledProgram? {
            guard useCache, let outcome = cache.load() else { return nil }
            switch outcome {
            case .built(let digest) where runs:
                return CompiledProgram(plan: plan, executable: executable, diagnostics: nil, cached: true, identity: identity(digest))
            case .checked where !runs:
                return CompiledProgram(plan: plan, executable: nil, diagnostics: nil, cached: true)
            case .rejected(let diagnostics):
                return CompiledProgram(plan: plan, executable: nil, diagnostics: located(diagnostics, plan: plan), cached: true)
            default:
                return nil
            }
        }
        if let program = reuse() { return program }
        // Two builds (parallel tests, two terminals) may want the same program: one compiles, the other
        // waits and reuses it.
        try? FileManager.default.createDirectory(at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
        let lock = try FileLock(directory.path + ".lock")
        defer { lock.unlock() }
        if let program = reuse() { return program }
        cache.invalidate()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try source.write(to: directory.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
            try runtime.write(to: directory.appendingPathComponent("BookRuntime.swift"),
                                               atomically: true, encoding: .utf8)
        } catch {
            throw BookError(.environment, at: nil, "cannot write the program of \(plan.path) to \(directory.path): \(error)",
                            hint: "check free disk space (df) and that .build/book/ is writable")
        }
        var arguments = flags + ["-module-name", "Chapter", directory.appendingPathComponent("main.swift").path,
                                 directory.appendingPathComponent("BookRuntime.swift").path]
        arguments += runs ? ["-o", executable.path + ".tmp"] : ["-o", "/dev/null"]
        let result = try Subprocess(executable: toolchain.swiftc, arguments: arguments,
                                    timeout: 900).run()
        let output = String(decoding: result.stderr + result.stdout, as: UTF8.self)
        if result.timedOut {
            throw BookError(.environment, at: plan.snippets.first?.fence, "the compiler did not finish within 900 s")
        }
        if result.termination != .exited(0) {
            try? FileManager.default.removeItem(atPath: executable.path + ".tmp")
            switch CompileFailure.judge(termination: result.termination, output: plan.chapterLocations(in: output),
                                        chapterPath: plan.path, programDirectory: directory,
                                        libraryDirectory: library.directory) {
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
            throw BookError(.environment, at: plan.snippets.first?.fence,
                            "the compiler reported success but left no program at \(executable.path): \(error)")
        }
        guard let digest = FileDigest.sha256(executable) else {
            throw BookError(.environment, at: plan.snippets.first?.fence, "cannot read the program just built at \(executable.path)")
        }
        cache.store(.built(executableSHA256: digest))
        return CompiledProgram(plan: plan, executable: executable, diagnostics: nil, identity: identity(digest))
    }

    /// The error for a compile that failed for reasons outside the chapter: located at the program's first
    /// snippet (so the author knows which build it was), with the compiler's last lines as detail.
    static func environmentFailure(_ reason: String, output: String, plan: ProgramPlan) -> BookError {
        let lines = plan.chapterLocations(in: output).split(separator: "\n", omittingEmptySubsequences: false)
        return BookError(.environment, at: plan.snippets.first?.fence,
                         "the toolchain failed to build this chapter program, not because of its code: \(reason)",
                         detail: lines.suffix(30).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines),
                         hint: "check free disk space (df), the toolchain (swiftc --version) and .build/book/ (safe to delete); nothing was cached, the next build compiles again")
    }

    /// Optimised like the library, with debug info so that a trap's backtrace names the chapter line.
    /// Programs that are only checked stop after SIL diagnostics (definite initialisation and the like
    /// are errors there, not in type checking).
    static func compileFlags(runs: Bool) -> [String] {
        let common = ["-diagnostic-style=llvm", "-suppress-warnings"]
        return runs ? common + LibraryBuild.codegenFlags + ["-g", "-wmo"] : common + ["-emit-sil", "-Onone", "-wmo"]
    }

    /// The error lines of the compiler output with their source excerpts, keeping only what points at the
    /// chapter (the generated scaffolding is never the author's problem).
    static func located(_ output: String, plan: ProgramPlan) -> String {
        let path = plan.path
        // The generated files' paths mean nothing to the author (and differ between machines).
        let output = plan.chapterLocations(in: output).split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let range = line.range(of: "/main.swift:") ?? line.range(of: "/BookRuntime.swift:") else { return String(line) }
            return "(generated program)" + line[line.index(before: range.upperBound)...]
        }.joined(separator: "\n")
        var kept: [Substring] = []
        var keeping = false
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.contains(": error: ") || line.contains(": warning: ") || line.contains(": note: ") {
                keeping = (line.hasPrefix(path + ":") || line.hasPrefix("(generated program)")) && !line.contains(": warning: ")
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
