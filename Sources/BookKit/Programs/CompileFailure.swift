import Foundation

/// Who is to blame when `swiftc` fails on a chapter program: the chapter's code (a located chapter error,
/// exit 1, remembered in the program cache) or the environment (exit 2, never remembered, so the next build
/// compiles again).
///
/// A failure is the **chapter's** only when all of these hold:
/// 1. `swiftc` exited with status 1 (a signal, a crash status such as 254, or any other status means the
///    compiler, a tool it runs or the machine failed, whatever the code says);
/// 2. it printed at least one `error:` located in the chapter (`chapters/x.md:LINE:`) or in the generated
///    program (a `.swift` file in the program's build folder: the scaffolding compiles on its own, so an
///    error there, such as an unclosed brace reported at the program's end, comes from the chapter's code);
/// 3. every `error:` it printed is located so: an error with no location or elsewhere (`error: link command
///    failed`, `clang: error: ...`, `<unknown>:0: error: ...`, the library's sources) is the environment's;
/// 4. no error names the library's build folder, a library module it cannot load (`no such module
///    'Kexue'`, `malformed compiled module`), or a file-system failure (`No space left on device`, `File too
///    large`, ...), even when the compiler reports it at the chapter's `import` line.
///
/// Misjudging an environmental failure as the chapter's would cache it until `--no-cache`; misjudging the
/// chapter's as environmental only costs a recompile and exit 2, so every doubt goes to the environment.
enum CompileFailure: Equatable {
    /// The chapter's code is wrong: show the diagnostics, remember them.
    case chapter
    /// Something outside the chapter failed; `reason` says what, for the error message.
    case environment(reason: String)

    /// Phrases of the messages that speak of the machine or of the library's artefacts, not of the code.
    static let environmentalPhrases = [
        "No space left on device", "Disk quota exceeded", "File too large", "File size limit exceeded",
        "Input/output error", "Read-only file system", "Permission denied", "Too many open files",
        "Cannot allocate memory", "out of memory", "Killed", "malformed compiled module", "malformed module file",
        "module file was created by", "compiled module was created by", "could not build module",
        "unable to execute command", "unable to find", "unableToFind", "error opening", "unable to open",
        "due to signal", "Stack dump", "Please submit a bug report",
    ]

    /// - Parameters:
    ///   - termination: how `swiftc` ended.
    ///   - output: its standard error and output, with program locations already turned into chapter
    ///     locations (`ProgramPlan.chapterLocations`).
    ///   - chapterPath: the chapter's path as diagnostics show it (`chapters/x.md`).
    ///   - programDirectory: the program's build folder (holds the generated `.swift` files).
    ///   - libraryDirectory: the library build the program imports and links.
    static func judge(
        termination: Subprocess.Termination, output: String, chapterPath: String,
        programDirectory: URL, libraryDirectory: URL
    ) -> CompileFailure {
        switch termination {
        case .signaled(let signal):
            return .environment(reason: "the compiler was killed by signal \(signal)")
        case .exited(let status) where status != 1:
            return .environment(reason: "the compiler exited with status \(status) (1 means errors in the code)")
        case .exited:
            break
        }
        // Paths as passed to the compiler, and normalised, in case it printed them resolved.
        let generatedPrefixes = Set(
            [programDirectory.path, programDirectory.standardizedFileURL.path].map { $0 + "/" })
        let libraryPaths = Set([libraryDirectory.path, libraryDirectory.standardizedFileURL.path])
        let libraryModules = LibraryBuild.modules.map { "no such module '\($0)'" }
        var locatedErrors = 0
        // The first line that names a machine failure is the clearest reason; else the first stray error.
        var machineFailure: String?
        var strayError: String?
        for rawLine in output.split(separator: "\n") {
            // Only diagnostic lines count: the source excerpts under them are the chapter's own text.
            let line = String(rawLine)
            guard
                let marker = [": error: ", ": fatal error: "].lazy.compactMap({ line.range(of: $0) }).first
                    ?? (line.hasPrefix("error: ") || line.hasPrefix("fatal error: ") ? line.range(of: "error: ") : nil)
            else { continue }
            let message = line[marker.upperBound...]
            if libraryPaths.contains(where: { message.contains($0) })
                || (environmentalPhrases + libraryModules).contains(where: { message.contains($0) })
            {
                machineFailure = machineFailure ?? line.trimmingCharacters(in: .whitespaces)
                continue
            }
            let location = String(line[..<marker.lowerBound])
            let inChapter =
                location.hasPrefix(chapterPath + ":") && Self.hasLineNumber(location.dropFirst(chapterPath.count + 1))
            let inGenerated =
                generatedPrefixes.contains(where: { location.hasPrefix($0) }) && location.contains(".swift:")
            if inChapter || inGenerated {
                locatedErrors += 1
            } else {
                strayError = strayError ?? line.trimmingCharacters(in: .whitespaces)
            }
        }
        if let reason = machineFailure ?? strayError { return .environment(reason: reason) }
        if locatedErrors == 0 {
            return .environment(reason: "the compiler failed without an error located in the chapter")
        }
        return .chapter
    }

    /// `12:5` or `12`: the line (and column) after a path.
    private static func hasLineNumber(_ text: Substring) -> Bool {
        guard let first = text.split(separator: ":", omittingEmptySubsequences: false).first else { return false }
        return !first.isEmpty && first.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
