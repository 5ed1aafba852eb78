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
    public var succeeded: Bool { diagnostics == nil }
}

/// Stage 4: plans each chapter's programs and compiles them with the toolchain against the library.
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
    /// with the same library and flags.
    ///
    /// A reused executable must have the size recorded when it was built (a truncated file is rebuilt).
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
        let directory = root.appendingPathComponent(".build/book/programs/\(hash.hexDigest().prefix(24))")
        let executable = directory.appendingPathComponent("program")
        let stamp = directory.appendingPathComponent(runs ? "compiled" : "checked")
        let failure = directory.appendingPathComponent("diagnostics.txt")
        func reuse() -> CompiledProgram? {
            guard useCache else { return nil }
            if let recorded = try? String(contentsOf: stamp, encoding: .utf8), !runs || recorded == executableSize(executable) {
                return CompiledProgram(plan: plan, executable: runs ? executable : nil, diagnostics: nil, cached: true)
            }
            if let cached = try? String(contentsOf: failure, encoding: .utf8) {
                return CompiledProgram(plan: plan, executable: nil, diagnostics: located(cached, plan: plan), cached: true)
            }
            return nil
        }
        if let program = reuse() { return program }
        // Two builds (parallel tests, two terminals) may want the same program: one compiles, the other
        // waits and reuses it.
        try? FileManager.default.createDirectory(at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
        let lock = try FileLock(directory.path + ".lock")
        defer { lock.unlock() }
        if let program = reuse() { return program }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try source.write(to: directory.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
            try runtime.write(to: directory.appendingPathComponent("BookRuntime.swift"),
                                               atomically: true, encoding: .utf8)
        } catch {
            throw BookError(.environment, at: nil, "cannot write the program of \(plan.path) to \(directory.path): \(error)")
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
            // Stored as the compiler wrote it: the chapter lines are applied on every use, since prose edits
            // move the snippets without changing the program. A compiler that was killed (out of memory,
            // Ctrl-C) says nothing about the code, so that is not stored.
            let killed = result.termination != .exited(1) || output.contains("due to signal")
            if !killed { try? output.write(to: failure, atomically: true, encoding: .utf8) }
            return CompiledProgram(plan: plan, executable: nil, diagnostics: located(output, plan: plan))
        }
        if runs {
            try? FileManager.default.removeItem(at: executable)
            try? FileManager.default.moveItem(at: directory.appendingPathComponent("program.tmp"), to: executable)
        }
        try? FileManager.default.removeItem(at: failure)
        try? (runs ? executableSize(executable) : "").write(to: stamp, atomically: true, encoding: .utf8)
        return CompiledProgram(plan: plan, executable: runs ? executable : nil, diagnostics: nil)
    }

    private static func executableSize(_ url: URL) -> String {
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? -1
        return String(size)
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

    /// The snippet a diagnostic line points into, by line range.
    /// Errors first; then notes ("to match this opening '{'"), which name the snippet when the error itself
    /// is reported at the end of the generated program (an unclosed brace).
    static func snippet(forDiagnostics diagnostics: String, in plan: ProgramPlan) -> Snippet? {
        for kind in [": error: ", ": note: "] {
            for line in diagnostics.split(separator: "\n") where line.hasPrefix(plan.path + ":") && line.contains(kind) {
                let parts = line.dropFirst(plan.path.count + 1).split(separator: ":")
                if let number = parts.first.flatMap({ Int($0) }),
                   let match = plan.snippets.first(where: { $0.codeLine <= number && number < $0.endLine }) {
                    return match
                }
            }
        }
        return nil
    }
}
