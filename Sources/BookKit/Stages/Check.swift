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
        /// How many snippets' output was compared, and how many of those matched.
        public var checked = 0
        public var passed = 0
    }

    public static func chapter(_ chapter: Chapter, compiled: [CompiledProgram], runs: [ProgramRun]) -> Result {
        var result = Result()
        let runsByPlan = Dictionary(runs.map { ($0.plan, $0) }, uniquingKeysWith: { a, _ in a })
        // Snippets whose stdout is final and may be compared.
        var comparable = Set<Int>()
        for program in compiled {
            let plan = program.plan
            switch plan.purpose {
            case .compileCheck(let index):
                let snippet = chapter.snippets[index]
                let culprit = program.diagnostics.flatMap { Diagnostics.culprit(in: $0, plan: plan) }
                if let diagnostics = program.diagnostics, culprit == nil || culprit?.index == index {
                    if snippet.info.mode == .fails {
                        result.outcomes[index, default: SnippetOutcome()].diagnostics = diagnostics
                    } else {
                        result.errors.append(doesNotCompile(snippet, diagnostics))
                    }
                } else if program.diagnostics == nil, snippet.info.mode == .fails {
                    result.errors.append(BookError(.compile, at: snippet.fence,
                                                   "snippet \(snippet.displayName) is marked 'fails' but it compiles",
                                                   hint: "remove 'fails', or make the snippet show the compile error it is meant to show"))
                }
                // A failure inside an earlier snippet is reported by the segment's main program.

            case .main, .trap:
                let subject: Int? = { if case .trap(let k) = plan.purpose { return k } else { return nil } }()
                if let diagnostics = program.diagnostics {
                    let culprit = Diagnostics.culprit(in: diagnostics, plan: plan)
                    // A trap program that fails in its prefix repeats the main program's error.
                    if subject == nil || culprit == nil || culprit?.index == subject {
                        result.errors.append(doesNotCompile(culprit ?? plan.snippets.last!, diagnostics))
                    }
                    continue
                }
                guard let run = runsByPlan[plan] else { continue }
                for snippet in plan.snippets where subject == nil || snippet.index == subject {
                    var outcome = run.outcomes[snippet.index] ?? SnippetOutcome()
                    if subject != nil { outcome.ran = false }
                    result.outcomes[snippet.index] = outcome
                    if outcome.ran { comparable.insert(snippet.index) }
                }
                switch (run.ending, subject) {
                case (.completed, nil):
                    break
                case (.completed, let k?):
                    result.errors.append(BookError(.run, at: chapter.snippets[k].fence,
                                                   "snippet \(chapter.snippets[k].displayName) is marked 'traps' but it ran to the end",
                                                   hint: "remove 'traps', or make the snippet trap (precondition, fatalError, index out of range)"))
                case (.trapped(let k, _, _), let expected?) where k == expected:
                    comparable.insert(k)
                case (.trapped(let k, let message, let location), _):
                    guard subject == nil else { break }
                    let snippet = chapter.snippets[k]
                    result.errors.append(BookError(.run, at: location ?? snippet.fence,
                                                   "snippet \(snippet.displayName) trapped: \(message)",
                                                   detail: tail(run.outcomes[k]?.stderr ?? ""),
                                                   hint: "fix the code; if the trap is the point, mark the snippet 'traps'"))
                case (.exited(let k, let status), _):
                    guard subject == nil || k == subject else { break }
                    let notRun = plan.snippets.filter { $0.index > k && subject == nil }
                    let names = notRun.map { "\($0.displayName) (line \($0.fence.line))" }.joined(separator: ", ")
                    result.errors.append(BookError(.run, at: chapter.snippets[k].fence,
                                                   "snippet \(chapter.snippets[k].displayName) ended the program with exit status \(status)"
                                                       + (notRun.isEmpty ? "" : "; \(notRun.count == 1 ? "this snippet" : "these snippets") did not run: \(names)"),
                                                   detail: tail(run.outcomes[k]?.stderr ?? ""),
                                                   hint: "a snippet must not call exit(); the snippets after it would not run"))
                case (.protocolViolation(let k, let reason), _):
                    guard subject == nil || k == subject else { break }
                    result.errors.append(BookError(.run, at: chapter.snippets[k].fence,
                                                   "snippet \(chapter.snippets[k].displayName) broke the run protocol and was stopped: \(reason)",
                                                   hint: "a snippet must not write to descriptors 3 and 4 or call the generated __book_ functions; they belong to the book"))
                case (.timedOut(let k, let seconds), _):
                    guard subject == nil || k == subject else { break }
                    result.errors.append(BookError(.limit, at: chapter.snippets[k].fence,
                                                   "snippet \(chapter.snippets[k].displayName) did not finish within \(seconds.formattedSeconds) s and was stopped",
                                                   hint: "make it faster, or give it more time with timeout=SECONDS in its info string"))
                case (.flooded(let k), _):
                    guard subject == nil || k == subject else { break }
                    result.errors.append(BookError(.limit, at: chapter.snippets[k].fence,
                                                   "snippet \(chapter.snippets[k].displayName) printed more than \(Run.outputCap >> 20) MiB and was stopped",
                                                   hint: "print a summary (a few numbers, a shape) instead of the whole data"))
                }
            }
        }

        for snippet in chapter.snippets where snippet.info.mode.isChecked && comparable.contains(snippet.index) {
            let outcome = result.outcomes[snippet.index] ?? SnippetOutcome()
            result.compared.insert(snippet.index)
            result.checked += 1
            let errors = outputErrors(snippet, outcome)
            result.errors += errors
            if errors.isEmpty {
                result.passed += 1
                // A passing snippet shows what the chapter records: within its tolerance the two are the same
                // result, and the page then depends on the chapter's text alone, so a measurement (a timing
                // ratio checked with a wide tolerance) does not make two builds of the site differ.
                result.outcomes[snippet.index] = recorded(snippet, outcome)
            }
        }
        result.errors.sort { ($0.location?.line ?? 0, $0.location?.column ?? 0) < ($1.location?.line ?? 0, $1.location?.column ?? 0) }
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
    static func outputErrors(_ snippet: Snippet, _ outcome: SnippetOutcome) -> [BookError] {
        let tolerance = snippet.info.tolerance ?? OutputComparison.defaultTolerance
        var errors: [BookError] = []
        if let expected = snippet.expected {
            if let mismatch = OutputComparison.compare(expected: expected.text, actual: outcome.stdout, tolerance: tolerance) {
                errors.append(BookError(.output, at: expected.fence, "snippet \(snippet.displayName) output differs",
                                        detail: mismatch.report,
                                        hint: "if the new output is right, record it with `swift run book build --fix`"))
            }
        } else if !outcome.stdout.isEmpty {
            errors.append(BookError(.output, at: snippet.fence, "snippet \(snippet.displayName) prints but has no output block",
                                    detail: tail(outcome.stdout, lines: 5),
                                    hint: "record it with `swift run book build --fix`, or mark the snippet 'silent'"))
        }
        for (index, figure) in outcome.figures.enumerated() {
            guard index < snippet.expectedFigures.count else {
                errors.append(BookError(.output, at: snippet.fence,
                                        "snippet \(snippet.displayName) shows \(outcome.figures.count) figure(s) but has \(snippet.expectedFigures.count) figure block(s)",
                                        hint: "record the figure data with `swift run book build --fix`, then write its caption after ```figure"))
                break
            }
            let expected = snippet.expectedFigures[index]
            if let mismatch = OutputComparison.compare(expected: expected.text, actual: figure, tolerance: tolerance) {
                errors.append(BookError(.output, at: expected.fence, "the data of figure \(index + 1) of snippet \(snippet.displayName) differs",
                                        detail: mismatch.report,
                                        hint: "if the new figure is right, record it with `swift run book build --fix`"))
            }
        }
        if snippet.expectedFigures.count > outcome.figures.count {
            errors.append(BookError(.output, at: snippet.expectedFigures[outcome.figures.count].fence,
                                    "snippet \(snippet.displayName) shows \(outcome.figures.count) figure(s) but has \(snippet.expectedFigures.count) figure block(s)",
                                    hint: "remove the extra ```figure block, or call show() on the figure"))
        }
        return errors
    }

    private static func doesNotCompile(_ snippet: Snippet, _ diagnostics: String) -> BookError {
        BookError(.compile, at: snippet.fence, "snippet \(snippet.displayName) does not compile",
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
