/// A fenced or indented code block as cmark-gfm found it.
public struct CodeBlock: Hashable, Sendable {
    public var info: String
    public var literal: String
    /// The opening fence (or first line of an indented block).
    public var start: SourcePosition
    /// Where the info string starts, after the fence characters and spaces: error columns point here.
    public var infoStart: SourcePosition
    public var endLine: Int
    public var isFenced: Bool
    /// Whether the previous code block is the node right before this one, at the same level, with only
    /// blank lines (or the container's markers) between: an `output` block belongs to a snippet only when
    /// nothing stands between them. (cmark drops link reference definitions from the tree, so the lines are
    /// checked too.)
    public var directlyFollowsPreviousBlock: Bool
}

/// A chapter after Markdown parsing: its code blocks and its math-protected text.
public struct ParsedChapter: Sendable {
    public var source: ChapterSource
    public var codeBlocks: [CodeBlock]
    /// The source with math swapped for tokens; what the renderer parses.
    var math: MathProtection
    /// What parsing found wrong, located: display math never closed, author HTML that could run or
    /// redirect (`AuthorHTML`). The chapter fails with these; its page still renders, made safe.
    public var errors: [BookError] = []
}

/// Stage 2: parses a chapter with cmark-gfm. Pure: no disk.
///
/// Code blocks are found on the original text (math cannot change them); the renderer later parses the
/// math-protected text, in which the same code blocks appear in the same order.
public enum Parse {
    public static func chapter(_ source: ChapterSource) -> ParsedChapter {
        let document = MarkdownDocument(source.text)
        var blocks: [CodeBlock] = []
        var previousPointer: OpaquePointer?
        var codeLines = Set<Int>()
        let lines = source.text.split(separator: "\n", omittingEmptySubsequences: false)
        for node in document.allNodes() where node.isCodeBlock {
            var follows = previousPointer != nil && node.previous?.pointer == previousPointer
            if follows, let previousEnd = blocks.last?.endLine, previousEnd < node.startLine {
                // Only blank lines (after the container's "> " or indentation) may separate the blocks.
                follows = lines[previousEnd..<(node.startLine - 1)].allSatisfy { line in
                    line.allSatisfy { $0 == " " || $0 == ">" || $0 == "\t" || $0 == "\r" }
                }
            }
            let start = SourcePosition(file: source.path, line: node.startLine, column: node.startColumn)
            var infoStart = start
            if node.startLine <= lines.count {
                let bytes = Array(lines[node.startLine - 1].utf8)
                var i = max(0, node.startColumn - 1)
                while i < bytes.count, bytes[i] == 32 { i += 1 }
                let fenceByte = i < bytes.count ? bytes[i] : 0
                while i < bytes.count, bytes[i] == fenceByte { i += 1 }
                while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 { i += 1 }
                infoStart.column = i + 1
            }
            blocks.append(
                CodeBlock(
                    info: node.fenceInfo, literal: node.literal, start: start, infoStart: infoStart,
                    endLine: node.endLine, isFenced: node.isFenced, directlyFollowsPreviousBlock: follows))
            codeLines.formUnion(node.startLine...max(node.startLine, node.endLine))
            previousPointer = node.pointer
        }
        let math = MathProtection(source.text, codeLines: codeLines)
        var parsed = ParsedChapter(source: source, codeBlocks: blocks, math: math)
        parsed.errors =
            unterminatedMath(math, path: source.path)
            + authorHTMLErrors(in: math.protected, path: source.path, firstLine: 1)
        for block in blocks where block.isFenced && block.info.split(separator: " ").first == "differences" {
            // The box's Markdown is rendered on its own; its lines start after the fence.
            let boxMath = MathProtection(block.literal, codeLines: [])
            parsed.errors +=
                unterminatedMath(boxMath, path: source.path, firstLine: block.start.line + 1)
                + authorHTMLErrors(in: boxMath.protected, path: source.path, firstLine: block.start.line + 1)
        }
        return parsed
    }

    static func unterminatedMath(_ math: MathProtection, path: String, firstLine: Int = 1) -> [BookError] {
        math.unterminated.map { opener in
            let why =
                opener.stoppedAtBlankLine
                ? "a blank line comes before any \(opener.closer)" : "no \(opener.closer) follows it"
            return BookError(
                .chapterFormat,
                at: SourcePosition(file: path, line: firstLine - 1 + opener.line, column: opener.column),
                "display math opened with \(opener.opener) is not closed: \(why)",
                hint: "close it with \(opener.closer) before the next blank line (display math cannot contain one)"
                    + (opener.opener == "\\[" ? "; for a literal bracket write [ or &#91;" : "")
                    + (opener.opener == "$$" ? "; for literal dollar signs write \\$\\$" : ""))
        }
    }

    static func authorHTMLErrors(in protected: String, path: String, firstLine: Int) -> [BookError] {
        guard protected.utf8.contains(UInt8(ascii: "<")) || protected.utf8.contains(UInt8(ascii: ":")) else {
            return []
        }
        return AuthorHTML.problems(in: MarkdownDocument(protected), text: protected).map { problem in
            BookError(
                .chapterFormat,
                at: SourcePosition(file: path, line: firstLine - 1 + problem.line, column: problem.column),
                problem.message, hint: AuthorHTML.hint)
        }
    }
}
