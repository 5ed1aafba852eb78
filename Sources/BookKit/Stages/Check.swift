/// Stage 6: judges what the programs did against what the chapter says: modes, traps, limits and the
/// expected `output` blocks. Pure: values in, outcomes and located errors out; no disk. It reads compiler
/// output through `Diagnostics`, never through Build.
public enum Check {
    public struct Result: Sendable {
        /// Per snippet index: what the page shows.
        public var outcomes: [Int: SnippetOutcome] = [:]
        public var errors: [BookError] = []
        /// Snippets whose output was compared (they ran to their end, or trapped as `traps` snippets must):
        /// only these may be rewritten by `--fix`.
        public var compared = Set<Int>()
        /// `traps` and `aside` snippets that never ran: their program stopped in an earlier snippet.
        public var unjudged = Set<Int>()
        /// How many snippets' output was compared, and how many of those matched.
        public var checked = 0
        public var passed = 0
    }

    /// - Parameters:
    ///   - failures: snippets left out of the programs because they do not compile (`Build.chapter`).
    ///   - exact: compare numbers exactly, whatever the snippet's tolerance (`tolerance=measured` excepted).
    public static func chapter(
        _ chapter: Chapter, compiled: [CompiledProgram], runs: [ProgramRun],
        failures: [SnippetCompileFailure] = [], exact: Bool = false
    ) -> Result {
        var result = Result()
        let runsByPlan = Dictionary(runs.map { ($0.plan, $0) }, uniquingKeysWith: { a, _ in a })
        // Snippets whose stdout is final and may be compared.
        var comparable = Set<Int>()
        for failure in failures {
            result.errors.append(doesNotCompile(failure, in: chapter))
            result.outcomes[failure.snippet, default: SnippetOutcome()].diagnostics = failure.diagnostics
        }
        for program in compiled {
            let plan = program.plan
            switch plan.purpose {
            case .compileCheck(let index):
                let snippet = chapter.snippets[index]
                guard let output = program.diagnostics else {
                    if snippet.info.mode == .fails {
                        result.errors.append(
                            BookError(
                                .compile, at: snippet.fence,
                                "snippet \(snippet.displayName) is marked 'fails' but it compiles",
                                hint: "remove 'fails', or make the snippet show the compile error it is meant to show"))
                    }
                    continue
                }
                let diagnostics = CompilerDiagnostics(output, path: plan.path)
                // Only the snippet's own errors count: an error in another snippet, or in no snippet (the
                // generated runtime, a library), is never credited to it.
                guard let culprit = diagnostics.culprit(in: plan) else {
                    result.errors.append(
                        BookError(
                            .compile, at: snippet.fence,
                            "snippet \(snippet.displayName) is marked '\(snippet.info.mode.rawValue)', but its program failed outside any snippet",
                            detail: CompilerDiagnostics.render(diagnostics.groups),
                            hint: "the error is in code the book generated or links; report it with this chapter"))
                    continue
                }
                guard culprit.index == index else {
                    result.errors.append(
                        BookError(
                            .compile, at: snippet.fence,
                            "snippet \(snippet.displayName) is marked '\(snippet.info.mode.rawValue)', but the compile error is in snippet \(culprit.displayName) (line \(culprit.fence.line)), not in this one",
                            detail: CompilerDiagnostics.render(diagnostics.groups(in: culprit)),
                            hint: "fix snippet \(culprit.displayName); this snippet is judged on its own errors only"))
                    continue
                }
                let own = CompilerDiagnostics.render(diagnostics.groups(in: snippet))
                // Errors that only say a name is missing which a left-out snippet declares say nothing about
                // this snippet: it cannot be judged until that snippet compiles.
                if let missing = dependency(diagnostics, snippet, failures: failures, chapter: chapter) {
                    result.errors.append(
                        BookError(
                            .compile, at: snippet.fence,
                            "snippet \(snippet.displayName) cannot be checked: it uses `\(missing.name)`, declared by the snippet at line \(chapter.snippets[missing.declaredBy].fence.line) that did not compile",
                            detail: own,
                            hint: "fix snippet \(chapter.snippets[missing.declaredBy].displayName) first"))
                    continue
                }
                guard snippet.info.mode == .fails else {
                    result.errors.append(doesNotCompile(snippet, own))
                    continue
                }
                if let expected = snippet.info.expectedDiagnostic,
                    // The messages only: the source excerpt under a diagnostic quotes the snippet's own code.
                    !diagnostics.groups(in: snippet).joined().contains(where: { $0.message.contains(expected) })
                {
                    result.errors.append(
                        BookError(
                            .compile, at: snippet.fence,
                            "snippet \(snippet.displayName) fails to compile, but not with the expected error: no diagnostic contains \"\(expected)\"",
                            detail: own,
                            hint: "if the new diagnostic is the point, change fails=\"…\" to a phrase of it"))
                }
                result.outcomes[index, default: SnippetOutcome()].diagnostics = own

            case .main, .trap, .aside:
                // A trap or aside program is judged on its last snippet; its prefix is the main program's.
                let subject: Int?, mustTrap: Bool
                switch plan.purpose {
                case .trap(let k): (subject, mustTrap) = (k, true)
                case .aside(let k): (subject, mustTrap) = (k, false)
                case .main, .compileCheck: (subject, mustTrap) = (nil, false)
                }
                if let output = program.diagnostics {
                    // Main programs compile by construction (`Build.chapter` leaves out what does not). A trap
                    // or aside program is built on the snippets that compiled, so its errors are its subject's,
                    // even when the compiler locates them in the prefix (the subject redeclares a name, say).
                    let diagnostics = CompilerDiagnostics(output, path: plan.path)
                    let culprit = diagnostics.culprit(in: plan) ?? plan.snippets[plan.snippets.count - 1]
                    let blamed = subject.map { chapter.snippets[$0] } ?? culprit
                    result.errors.append(
                        doesNotCompile(blamed, CompilerDiagnostics.render(diagnostics.groups(in: culprit))))
                    continue
                }
                guard let run = runsByPlan[plan] else { continue }
                for snippet in plan.snippets where subject == nil || snippet.index == subject {
                    var outcome = run.outcomes[snippet.index] ?? SnippetOutcome()
                    if mustTrap { outcome.ran = false }
                    result.outcomes[snippet.index] = outcome
                    if outcome.ran { comparable.insert(snippet.index) }
                }
                // A trap or aside program that stopped before its subject began (the prefix trapped under
                // optimize=none, ran past a limit, exited) never ran the subject: an error, never a pass.
                if let subject, let stopped = run.ending.stoppingSnippet, stopped != subject {
                    let culprit = chapter.snippets[stopped]
                    result.errors.append(
                        BookError(
                            .run, at: chapter.snippets[subject].fence,
                            "snippet \(chapter.snippets[subject].displayName) did not run: its program stopped in snippet \(culprit.displayName) (line \(culprit.fence.line)), which \(run.ending.summary)",
                            detail: tail(run.outcomes[stopped]?.stderr ?? ""),
                            hint:
                                "a '\(chapter.snippets[subject].info.mode.rawValue)' snippet runs after the earlier snippets of its segment, in a program of its own (with its own optimize= setting); they must run to their end there too"
                        ))
                    result.unjudged.insert(subject)
                    continue
                }
                switch (run.ending, subject) {
                case (.completed, _) where !mustTrap:
                    break
                case (.completed, _):
                    guard let k = subject else { break }
                    result.errors.append(
                        BookError(
                            .run, at: chapter.snippets[k].fence,
                            "snippet \(chapter.snippets[k].displayName) is marked 'traps' but it ran to the end",
                            hint:
                                "remove 'traps', or make the snippet trap (precondition, fatalError, index out of range)"
                        ))
                case (.trapped(let k, _, _), let expected?) where k == expected && mustTrap:
                    comparable.insert(k)
                case (.trapped(let k, let message, let location), _):
                    guard subject == nil || (k == subject && !mustTrap) else { break }
                    let snippet = chapter.snippets[k]
                    var hint = "fix the code; if the trap is the point, mark the snippet 'traps'"
                    if plan.isOptimized, message.hasPrefix("Trap: ") {
                        hint +=
                            "; under -O this trap carries no message: optimize=none in the snippet's info string shows it (index out of range, overflow, a failed assert)"
                    }
                    result.errors.append(
                        BookError(
                            .run, at: location ?? snippet.fence,
                            "snippet \(snippet.displayName) trapped: \(message)",
                            detail: tail(run.outcomes[k]?.stderr ?? ""),
                            hint: hint))
                case (.exited(let k, let status), _):
                    guard subject == nil || k == subject else { break }
                    let notRun = plan.snippets.filter { $0.index > k && subject == nil }
                    let names = notRun.map { "\($0.displayName) (line \($0.fence.line))" }.joined(separator: ", ")
                    result.errors.append(
                        BookError(
                            .run, at: chapter.snippets[k].fence,
                            "snippet \(chapter.snippets[k].displayName) ended the program with exit status \(status)"
                                + (notRun.isEmpty
                                    ? ""
                                    : "; \(notRun.count == 1 ? "this snippet" : "these snippets") did not run: \(names)"),
                            detail: tail(run.outcomes[k]?.stderr ?? ""),
                            hint: "a snippet must not call exit(); the snippets after it would not run"))
                case (.protocolViolation(let k, let reason), _):
                    guard subject == nil || k == subject else { break }
                    result.errors.append(
                        BookError(
                            .run, at: chapter.snippets[k].fence,
                            "snippet \(chapter.snippets[k].displayName) broke the run protocol and was stopped: \(reason)",
                            hint:
                                "a snippet must not write to descriptors 3 and 4 or call the generated __book_ functions; they belong to the book"
                        ))
                case (.timedOut(let k, let seconds), _):
                    guard subject == nil || k == subject else { break }
                    result.errors.append(
                        BookError(
                            .limit, at: chapter.snippets[k].fence,
                            "snippet \(chapter.snippets[k].displayName) did not finish within \(seconds.formattedSeconds) s and was stopped",
                            hint: "make it faster, or give it more time with timeout=SECONDS in its info string"))
                case (.flooded(let k), _):
                    guard subject == nil || k == subject else { break }
                    result.errors.append(
                        BookError(
                            .limit, at: chapter.snippets[k].fence,
                            "snippet \(chapter.snippets[k].displayName) printed more than \(Run.outputCap >> 20) MiB and was stopped",
                            hint: "print a summary (a few numbers, a shape) instead of the whole data"))
                }
            }
        }

        // Decisions are read from what the programs printed, before passing snippets show their recorded output.
        result.errors += claimDecisions(chapter, outcomes: result.outcomes)
        for snippet in chapter.snippets where snippet.info.mode.isChecked && comparable.contains(snippet.index) {
            let outcome = result.outcomes[snippet.index] ?? SnippetOutcome()
            result.compared.insert(snippet.index)
            result.checked += 1
            let errors = outputErrors(snippet, outcome, exact: exact)
            result.errors += errors
            if errors.isEmpty {
                result.passed += 1
                // A passing snippet shows what the chapter records: within its tolerance the two are the same
                // result, and the page then depends on the chapter's text alone, so a measurement (a timing
                // ratio checked with a wide tolerance) does not make two builds of the site differ.
                result.outcomes[snippet.index] = recorded(snippet, outcome)
            }
        }
        result.errors.sort {
            ($0.location?.line ?? 0, $0.location?.column ?? 0) < ($1.location?.line ?? 0, $1.location?.column ?? 0)
        }
        return result
    }

    /// `outcome` with its text output and figures replaced by the chapter's recorded blocks; for a snippet that
    /// passed its check, and only a mode whose output is compared (a passing snippet without an `output` block
    /// printed nothing).
    static func recorded(_ snippet: Snippet, _ outcome: SnippetOutcome) -> SnippetOutcome {
        var shown = outcome
        shown.stdout = snippet.expected?.text ?? ""
        shown.figures = snippet.expectedFigures.map(\.text)
        return shown
    }

    /// The output check of one snippet: its text output against the ```output block, each figure it showed
    /// against its ```figure block.
    /// With `exact`, numbers must be equal (a measurement, `tolerance=measured`, is still checked by its text only).
    static func outputErrors(_ snippet: Snippet, _ outcome: SnippetOutcome, exact: Bool = false) -> [BookError] {
        let declared = snippet.info.tolerance ?? OutputComparison.defaultTolerance
        let tolerance = exact && declared.isFinite ? 0 : declared
        let exactly =
            exact && declared.isFinite && declared > 0
            ? " (--exact: numbers must be equal; the snippet's tolerance is not applied)" : ""
        var errors: [BookError] = []
        if let expected = snippet.expected {
            if let mismatch = OutputComparison.compare(
                expected: expected.text, actual: outcome.stdout, tolerance: tolerance,
                unordered: snippet.info.unordered)
            {
                let hint: String
                switch expected.form {
                case .block: hint = "if the new output is right, record it with `swift run book build --fix`"
                case .outputComment:
                    hint = "if the new output is right, `swift run book build --fix` rewrites the `// Output:` comments"
                case .prints:
                    hint =
                        "if the new output is right, `swift run book build --fix` rewrites the `// Prints` comments (when there is one per line of output)"
                }
                errors.append(
                    BookError(
                        .output, at: snippet.info.unordered ? expected.fence : location(of: mismatch, in: expected),
                        "snippet \(snippet.displayName) output differs"
                            + (snippet.info.unordered ? " (lines compared in any order)" : "") + exactly,
                        detail: mismatch.report, hint: hint))
            }
        } else if !outcome.stdout.isEmpty {
            errors.append(
                BookError(
                    .output, at: snippet.fence, "snippet \(snippet.displayName) prints but has no output block",
                    detail: tail(outcome.stdout, lines: 5),
                    hint: "record it with `swift run book build --fix`, or mark the snippet 'silent'"))
        }
        for (index, figure) in outcome.figures.enumerated() {
            guard index < snippet.expectedFigures.count else {
                errors.append(
                    BookError(
                        .output, at: snippet.fence,
                        "snippet \(snippet.displayName) shows \(outcome.figures.count) figure(s) but has \(snippet.expectedFigures.count) figure block(s)",
                        hint:
                            "record the figure data with `swift run book build --fix`, then write its caption after ```figure"
                    ))
                break
            }
            let expected = snippet.expectedFigures[index]
            if let mismatch = OutputComparison.compare(expected: expected.text, actual: figure, tolerance: tolerance) {
                errors.append(
                    BookError(
                        .output, at: expected.fence,
                        "the data of figure \(index + 1) of snippet \(snippet.displayName) differs" + exactly,
                        detail: mismatch.report,
                        hint: "if the new figure is right, record it with `swift run book build --fix`"))
            }
        }
        if snippet.expectedFigures.count > outcome.figures.count {
            errors.append(
                BookError(
                    .output, at: snippet.expectedFigures[outcome.figures.count].fence,
                    "snippet \(snippet.displayName) shows \(outcome.figures.count) figure(s) but has \(snippet.expectedFigures.count) figure block(s)",
                    hint: "remove the extra ```figure block, or call show() on the figure"))
        }
        return errors
    }

    /// The first name `snippet`'s own errors miss that a left-out snippet declares, when every one of its
    /// errors is such a "cannot find".
    static func dependency(
        _ diagnostics: CompilerDiagnostics, _ snippet: Snippet, failures: [SnippetCompileFailure],
        chapter: Chapter
    ) -> SnippetCompileFailure.MissingName? {
        let groups = diagnostics.groups(in: snippet)
        let missing = diagnostics.missingNames(in: snippet)
        guard !missing.isEmpty, groups.allSatisfy({ $0.first?.message.hasPrefix("cannot find ") == true }) else {
            return nil
        }
        let declared = missing.compactMap { name in
            failures.last { chapter.snippets[$0.snippet].declares(name) }.map {
                SnippetCompileFailure.MissingName(name: name, declaredBy: $0.snippet)
            }
        }
        return declared.count == missing.count ? declared.first : nil
    }

    /// The error for a snippet left out of its program; the hint fits the cause.
    static func doesNotCompile(_ failure: SnippetCompileFailure, in chapter: Chapter) -> BookError {
        let snippet = chapter.snippets[failure.snippet]
        if let missing = failure.missing.first {
            let declarer = chapter.snippets[missing.declaredBy]
            return BookError(
                .compile, at: snippet.fence,
                "snippet \(snippet.displayName) does not compile: it uses `\(missing.name)`, declared by the snippet at line \(declarer.fence.line) that did not compile",
                detail: failure.diagnostics,
                hint:
                    "fix snippet \(declarer.displayName) (line \(declarer.fence.line)) first; this snippet may then compile"
            )
        }
        if failure.redeclaration {
            return BookError(
                .compile, at: snippet.fence, "snippet \(snippet.displayName) does not compile",
                detail: failure.diagnostics,
                hint:
                    "a later snippet may declare a name again (it shadows the earlier one), but one snippet may not declare it twice; rename one, or start a fresh program with 'reset'"
            )
        }
        return doesNotCompile(snippet, failure.diagnostics)
    }

    /// Where an output mismatch is reported: an ```output block's fence; for inline expectations the
    /// comment that states the first differing line (the `// Prints` comment, the `// line` after
    /// `// Output:`), or the first comment when the comments ran out or the lines were compared unordered.
    static func location(of mismatch: OutputComparison.Mismatch, in expected: ExpectedOutput) -> SourcePosition {
        switch expected.form {
        case .block:
            return expected.fence
        case .outputComment(let line):
            var here = expected.fence
            let target = line + mismatch.firstLine
            if target < expected.endLine + 1, !expected.text.isEmpty,
                mismatch.firstLine <= OutputComparison.lines(expected.text).count
            {
                here.line = target
            }
            return here
        case .prints(let comments):
            var covered = 0
            for comment in comments {
                covered += comment.text.split(separator: "\n", omittingEmptySubsequences: false).count
                if mismatch.firstLine <= covered { return comment.position }
            }
            return comments.last?.position ?? expected.fence
        }
    }

    private static func doesNotCompile(_ snippet: Snippet, _ diagnostics: String) -> BookError {
        BookError(
            .compile, at: snippet.fence, "snippet \(snippet.displayName) does not compile",
            detail: diagnostics,
            hint: "fix the code; if the compile error is the point, mark the snippet 'fails'")
    }

    /// The last lines of a text, for error details.
    static func tail(_ text: String, lines count: Int = 8) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let trimmed = lines.last == "" ? lines.dropLast() : lines[...]
        return trimmed.suffix(count).joined(separator: "\n")
    }
}

extension Double {
    /// `5` for whole seconds, else one decimal: stable text for messages.
    var formattedSeconds: String {
        self == rounded() ? String(Int(self)) : String(Double(Int(self * 10)) / 10)
    }
}
