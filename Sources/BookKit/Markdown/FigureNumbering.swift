/// Numbers a chapter's figures and resolves `\figref{LABEL}` in its prose, as `EquationNumbering` does for
/// equations.
///
/// - Figures are numbered 1, 2, ... in chapter order, like equations; each one's anchor is `figure-N` and its
///   caption starts "Figure N.".
/// - A figure's label is the id of the snippet that shows it (```` ```swift id=training ````): `training` names its
///   first figure, `training/2` its second, and so on. A snippet without an id shows unlabelled figures.
/// - A snippet reserves numbers for the figures it declares (its ```` ```figure ```` blocks) or shows, whichever are
///   more, so the numbers in the prose and on the page agree even when a run shows a different count.
/// - `\figref{LABEL}` becomes a link "Figure N" (`ChapterPage`); an unknown label is an error at its line and
///   column (`errors`).
struct FigureNumbering {
    /// Per snippet index: the number of its first figure.
    private(set) var first: [Int: Int] = [:]
    /// Label → (number, anchor).
    private(set) var labels: [String: (number: Int, anchor: String)] = [:]

    init(snippets: [Snippet], outcomes: [Int: SnippetOutcome]) {
        var next = 1
        for snippet in snippets where snippet.info.mode.showsOutput {
            let count = max(snippet.expectedFigures.count, outcomes[snippet.index]?.figures.count ?? 0)
            guard count > 0 else { continue }
            first[snippet.index] = next
            if let id = snippet.info.id {
                for k in 0..<count {
                    labels[k == 0 ? id : "\(id)/\(k + 1)"] = (next + k, "figure-\(next + k)")
                }
            }
            next += count
        }
    }

    /// The errors of `\figref` references whose label names no figure.
    func errors(_ references: [(name: String, line: Int, column: Int)], path: String) -> [BookError] {
        let known = labels.keys.sorted { labels[$0]!.number < labels[$1]!.number }
        return references.filter { labels[$0.name] == nil }.map { reference in
            BookError(
                .chapterFormat, at: SourcePosition(file: path, line: reference.line, column: reference.column),
                "\\figref{\(reference.name)} names no figure",
                detail: known.isEmpty
                    ? "expected the label of a figure; this chapter has none"
                    : "expected one of the chapter's figure labels: " + known.joined(separator: ", "),
                hint:
                    "a figure's label is the id of the snippet that shows it (```swift id=NAME); NAME/2 is its second figure"
            )
        }
    }
}
