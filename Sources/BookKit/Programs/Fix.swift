/// `book build --fix`: rewrites the expected blocks of a chapter (```output and ```figure) to what its
/// snippets printed and showed, and changes no other byte of the file.
///
/// Only snippets whose check fails are touched (a block that matches within tolerance keeps the author's
/// formatting). For those, the snippet's trailer (its output block and figure blocks) is written anew right
/// after the snippet, each block preceded by one blank line and indented like the snippet's fence; figure
/// captions (the rest of the ```figure info string) are kept by position. A snippet that now prints
/// nothing loses its output block.
public enum Fix {
    public static func apply(to text: String, chapter: Chapter, outcomes: [Int: SnippetOutcome],
                             comparable: (Snippet) -> Bool) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Edit from the bottom so that earlier line numbers stay valid.
        for snippet in chapter.snippets.reversed() where snippet.info.mode.isChecked && comparable(snippet) {
            let outcome = outcomes[snippet.index] ?? SnippetOutcome()
            guard !Check.outputErrors(snippet, outcome).isEmpty else { continue }
            // New lines continue the fence's containers: its line's prefix with list markers turned into
            // spaces ("- " → "  ", "1. " → "   ", "> - " → ">   "), so that they stay in the same list item
            // or quote and never open a new item; blank lines keep it without trailing spaces.
            let fenceLine = snippet.fence.line - 1 < lines.count ? lines[snippet.fence.line - 1] : ""
            let prefix = continuation(of: String(decoding: fenceLine.utf8.prefix(max(0, snippet.fence.column - 1)), as: UTF8.self))
            let blank = String(prefix.reversed().drop(while: { $0 == " " }).reversed())
            var trailer: [String] = []
            if !outcome.stdout.isEmpty { trailer += [blank] + block(outcome.stdout, info: "output", prefix: prefix) }
            for (index, figure) in outcome.figures.enumerated() {
                let caption = index < snippet.expectedFigures.count ? snippet.expectedFigures[index].caption : ""
                trailer += [blank] + block(figure, info: caption.isEmpty ? "figure" : "figure \(caption)", prefix: prefix)
            }
            // The old trailer: from the line after the snippet's closing fence to its last block.
            let start = min(snippet.endLine, lines.count)
            let ends = [snippet.expected?.endLine].compactMap { $0 } + snippet.expectedFigures.map(\.endLine)
            let end = min(ends.max() ?? snippet.endLine, lines.count)
            lines.replaceSubrange(start..<end, with: trailer)
        }
        return lines.joined(separator: "\n")
    }

    /// The prefix that continues the containers a line opens: everything before a block's first column is
    /// container markup (block-quote `>`, list markers `-`, `+`, `*`, `1.`, `1)`, and spaces or tabs), and a
    /// continuation line keeps the `>` and the whitespace and puts a space for every other byte.
    static func continuation(of prefix: String) -> String {
        String(prefix.map { $0 == ">" || $0 == "\t" ? $0 : " " })
    }

    /// A fenced block holding `text`, with a fence longer than any backtick run at a line start.
    static func block(_ text: String, info: String, prefix pad: String) -> [String] {
        var content = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if content.last == "" { content.removeLast() }
        let longest = content.map { line in line.drop(while: { $0 == " " }).prefix(while: { $0 == "`" }).count }.max() ?? 0
        let fence = String(repeating: "`", count: max(3, longest + 1))
        let blank = String(pad.reversed().drop(while: { $0 == " " }).reversed())
        return [pad + fence + info] + content.map { $0.isEmpty ? blank : pad + $0 } + [pad + fence]
    }
}
