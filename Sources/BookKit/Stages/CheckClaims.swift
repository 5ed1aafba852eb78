extension Check {
    /// Holds a chapter's ```claims block to the decisions its snippets printed (`DecidedClaim`):
    /// - a claim naming a decision (`#training:egp-vs-gp`) must have the decided status, and the decision must be
    ///   in that snippet's output;
    /// - every decision a snippet prints must be named by a claim, so a decision that went against the author
    ///   cannot be left off the block;
    /// - a decision name is printed once per chapter.
    ///
    /// Only snippets that ran to their end are read (the others already failed the build). A claim's status is
    /// then the evidence's, by the rule of chapter 0, never the author's.
    static func claimDecisions(_ chapter: Chapter, outcomes: [Int: SnippetOutcome]) -> [BookError] {
        var errors: [BookError] = []
        let file = chapter.source.path
        var decided: [String: (snippet: Snippet, claim: DecidedClaim)] = [:]
        for snippet in chapter.snippets {
            guard let outcome = outcomes[snippet.index], outcome.ran else { continue }
            for decision in DecidedClaim.all(in: outcome.stdout) {
                let key = "\(snippet.info.id ?? "")\u{0}\(decision.name)"
                if let earlier = decided[key] ?? decided.first(where: { $0.value.claim.name == decision.name })?.value {
                    errors.append(
                        BookError(
                            .claim, at: snippet.fence,
                            "snippet \(snippet.displayName) decides claim '\(decision.name)' again (output line \(decision.outputLine)); snippet \(earlier.snippet.displayName) (line \(earlier.snippet.fence.line)) decided it first",
                            hint: "give each decision its own name"))
                    continue
                }
                decided[key] = (snippet, decision)
                if Claim.Status(rawValue: decision.status) == nil
                    || decision.status == Claim.Status.notAttempted.rawValue
                {
                    errors.append(
                        BookError(
                            .claim, at: snippet.fence,
                            "snippet \(snippet.displayName) printed claim '\(decision.name)' with status '\(decision.status)', which the rule never decides",
                            hint: "print the decision with Kexue's decide(\"\(decision.name)\", …)"))
                }
            }
        }
        var named = Set<String>()
        for claim in chapter.boxes.claims {
            guard let id = claim.snippetID, let name = claim.decision,
                let snippet = chapter.snippets.first(where: { $0.info.id == id })
            else { continue }
            let key = "\(id)\u{0}\(name)"
            named.insert(key)
            let here = SourcePosition(file: file, line: claim.line)
            guard let outcome = outcomes[snippet.index], outcome.ran else { continue }
            guard let decision = decided[key]?.claim else {
                errors.append(
                    BookError(
                        .claim, at: here,
                        "claim names decision '\(name)' of snippet '\(id)', but the snippet printed no line 'claim \(name): …'",
                        hint: "print it in snippet '\(id)': print(comparison.decide(\"\(name)\", .better))"))
                continue
            }
            if decision.status != claim.status.rawValue {
                errors.append(
                    BookError(
                        .claim, at: here,
                        "the claims block says '\(claim.status.rawValue)', but snippet '\(id)' decided '\(decision.status)' by the rule: \(decision.reason)",
                        hint:
                            "a decided claim takes the evidence's status: write '\(decision.status)', and re-word the claim to say what the runs show"
                    ))
            }
        }
        for (key, entry) in decided.sorted(by: { $0.value.snippet.index < $1.value.snippet.index })
        where !named.contains(key) {
            let id = entry.snippet.info.id
            errors.append(
                BookError(
                    .claim, at: entry.snippet.fence,
                    "snippet \(entry.snippet.displayName) decides claim '\(entry.claim.name)' (\(entry.claim.status)), but no line of the claims block names it",
                    hint: id.map { "end the claim's line with (#\($0):\(entry.claim.name))" }
                        ?? "give the snippet an id, and end the claim's line with (#ID:\(entry.claim.name))"))
        }
        return errors
    }
}
