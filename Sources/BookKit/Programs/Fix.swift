/// `book build --fix`: rewrites the `output` blocks of a chapter to what its snippets printed, and changes
/// no other byte of the file.
///
/// Only blocks that fail the check change (a block that matches within tolerance keeps the author's
/// formatting). A missing block is inserted after its snippet, separated by one blank line, indented like
/// the snippet's fence; a block whose snippet now prints nothing is removed with that blank line.
public enum Fix {
    public static func apply(to text: String, chapter: Chapter, outcomes: [Int: SnippetOutcome],
                             comparable: (Snippet) -> Bool) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Edit from the bottom so that earlier line numbers stay valid.
        for snippet in chapter.snippets.reversed() where snippet.info.mode.isChecked && comparable(snippet) {
            let actual = outcomes[snippet.index]?.stdout ?? ""
            let tolerance = snippet.info.tolerance ?? OutputComparison.defaultTolerance
            if let expected = snippet.expected {
                guard OutputComparison.compare(expected: expected.text, actual: actual, tolerance: tolerance) != nil else { continue }
                let first = expected.fence.line - 1, last = min(expected.endLine, lines.count) - 1
                if actual.isEmpty {
                    var start = first
                    if start > 0, lines[start - 1].allSatisfy({ $0 == " " }), start - 1 > snippet.endLine - 1 { start -= 1 }
                    lines.removeSubrange(start...last)
                } else {
                    lines.replaceSubrange(first...last, with: block(actual, indent: expected.fence.column - 1))
                }
            } else if !actual.isEmpty {
                let after = min(snippet.endLine, lines.count)
                lines.insert(contentsOf: [""] + block(actual, indent: snippet.fence.column - 1), at: after)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A fenced `output` block holding `text`, with a fence longer than any backtick run at a line start.
    static func block(_ text: String, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: max(0, indent))
        var content = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if content.last == "" { content.removeLast() }
        let longest = content.map { line in line.drop(while: { $0 == " " }).prefix(while: { $0 == "`" }).count }.max() ?? 0
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return [pad + fence + "output"] + content.map { $0.isEmpty ? $0 : pad + $0 } + [pad + fence]
    }
}
