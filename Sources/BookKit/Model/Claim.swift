/// One claim of the original post and what the chapter's runs made of it, from a ```claims block:
///
/// ```claims
/// reproduced: GP's head costs 2·h·n·d parameters per type (#params)
/// not-reproduced: EGP beats GP with many types (#train:egp-vs-gp)
/// ```
///
/// A claim that names a decision (`#train:egp-vs-gp`) takes its status from the evidence: the snippet prints the
/// decision by the book's rule, and the build fails unless the block says the same (`Check.claimDecisions`).
public struct Claim: Sendable, Hashable {
    public enum Status: String, CaseIterable, Sendable {
        case reproduced
        /// The direction or shape holds, not the post's numbers.
        case qualitative
        /// Tried, and the run disagrees.
        case notReproduced = "not-reproduced"
        case notAttempted = "not-attempted"

        var mark: String {
            switch self {
            case .reproduced: "✓"
            case .qualitative: "≈"
            case .notReproduced: "✗"
            case .notAttempted: "–"
            }
        }

        var label: String {
            switch self {
            case .reproduced: "reproduced"
            case .qualitative: "qualitatively"
            case .notReproduced: "not reproduced"
            case .notAttempted: "not attempted"
            }
        }
    }

    public var status: Status
    public var text: String
    /// The id of the snippet that checks it (`#params`), if any.
    public var snippetID: String?
    /// The name of the decision that snippet prints (`#training:egp-vs-gp`): a line `claim egp-vs-gp: STATUS (…)`
    /// of its output, printed by Kexue's `decide`. The build holds `status` to it.
    public var decision: String?
    public var line: Int

    public init(status: Status, text: String, snippetID: String? = nil, decision: String? = nil, line: Int) {
        self.status = status
        self.text = text
        self.snippetID = snippetID
        self.decision = decision
        self.line = line
    }
}

/// The chapter's boxes: claims and differences from the original, each from its fenced block.
public struct ChapterBoxes: Sendable, Hashable {
    public var claims: [Claim] = []
    /// Line of the ```claims block (where the box is rendered).
    public var claimsLine: Int?
    /// The Markdown of the ```differences block, and its line.
    public var differences: String?
    public var differencesLine: Int?
}
