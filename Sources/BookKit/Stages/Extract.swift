/// Stage 3: turns a parsed chapter's code blocks into snippets with their expected outputs.
///
/// A fenced block whose info string starts with `swift` is a snippet; one starting with `output` is the
/// expected standard output of the snippet right before it (nothing in between). Other code blocks are
/// prose. Every format problem becomes a located `BookError`; extraction goes on past the first so that an
/// author sees them all.
public enum Extract {
    public static func chapter(_ parsed: ParsedChapter) -> (Chapter, [BookError]) {
        var snippets: [Snippet] = []
        var errors: [BookError] = []
        var previousWasSnippet = false
        for block in parsed.codeBlocks {
            defer { previousWasSnippet = block.isFenced && InfoString.isSnippet(block.info) }
            guard block.isFenced else { continue }
            let infoLocation = block.infoStart
            if InfoString.isSnippet(block.info) {
                do {
                    let info = try InfoString.parse(block.info, at: infoLocation)
                    snippets.append(Snippet(index: snippets.count, info: info, code: block.literal,
                                            fence: block.start, endLine: block.endLine))
                } catch {
                    errors.append(error)
                }
            } else if InfoString.isOutput(block.info) {
                guard previousWasSnippet, block.directlyFollowsPreviousBlock, let last = snippets.indices.last,
                      snippets[last].endLine < block.start.line else {
                    errors.append(BookError(.chapterFormat, at: block.start, "output block does not follow a snippet",
                                            hint: "put the ```output block right after the ```swift block it belongs to"))
                    continue
                }
                snippets[last].expected = ExpectedOutput(text: block.literal, fence: block.start, endLine: block.endLine)
                let mode = snippets[last].info.mode
                if !mode.isChecked {
                    errors.append(BookError(.chapterFormat, at: block.start,
                                            "snippet \(snippets[last].displayName) is '\(mode.rawValue)', which has no checked output, but an output block follows it",
                                            hint: "remove the output block"))
                }
            }
        }
        let ids = snippets.compactMap(\.info.id)
        for (index, snippet) in snippets.enumerated() {
            if let id = snippet.info.id, ids.firstIndex(of: id) != ids.lastIndex(of: id),
               snippets.firstIndex(where: { $0.info.id == id }) != index {
                errors.append(BookError(.chapterFormat, at: snippet.fence, "snippet id '\(id)' is used twice",
                                        hint: "ids are anchors and must be unique within a chapter"))
            }
        }
        return (Chapter(source: parsed.source, snippets: snippets), errors)
    }

    /// A readable dump of the extracted snippets with their source lines: the currency of extractor tests.
    public static func dump(_ chapter: Chapter) -> String {
        var lines = ["chapter \(chapter.source.path)"]
        for (number, segment) in chapter.segments.enumerated() {
            lines.append("  program \(number + 1)")
            for snippet in segment {
                var words = ["snippet \(snippet.displayName)", snippet.info.mode == .normal ? "normal" : snippet.info.mode.rawValue]
                if snippet.info.reset { words.append("reset") }
                if let tolerance = snippet.info.tolerance { words.append("tolerance=\(tolerance)") }
                if let timeout = snippet.info.timeout { words.append("timeout=\(timeout)") }
                words.append("lines \(snippet.fence.line)-\(snippet.endLine)")
                lines.append("    " + words.joined(separator: " "))
                for codeLine in snippet.code.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                    lines.append("      | " + codeLine)
                }
                if let expected = snippet.expected {
                    lines.append("      output lines \(expected.fence.line)-\(expected.endLine)")
                    for outputLine in expected.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                        lines.append("      > " + outputLine)
                    }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
