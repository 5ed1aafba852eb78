import Foundation

/// Stage 3: turns a parsed chapter's code blocks into snippets with their expected outputs. Pure: no disk.
///
/// A fenced block whose info string starts with `swift` is a snippet; a ```stdin block right after it is
/// its standard input; an ```output block after that (nothing in between) is its expected standard output,
/// unless the code states it inline (`InlineExpectations`: both is an error). Other code blocks are prose. Every format problem becomes a located `BookError`; extraction goes on past the first so that an
/// author sees them all.
public enum Extract {
    public static func chapter(_ parsed: ParsedChapter) -> (Chapter, [BookError]) {
        var snippets: [Snippet] = []
        var errors: [BookError] = []
        // The snippet whose trailer (output block, figure blocks) the previous block was part of.
        var trailerOwner: Int?
        // The fence lines as written: the info string is parsed from them, not from cmark's (see InfoString).
        let sourceLines = parsed.source.text.split(separator: "\n", omittingEmptySubsequences: false)
        for block in parsed.codeBlocks {
            let owner = trailerOwner
            trailerOwner = nil
            guard block.isFenced else { continue }
            let infoLocation = block.infoStart
            if InfoString.isSnippet(block.info) {
                do {
                    let info = try InfoString.parse(rawInfo(block, lines: sourceLines), at: infoLocation)
                    var snippet = Snippet(
                        index: snippets.count, info: info, code: block.literal,
                        fence: block.start, endLine: block.endLine)
                    // Only a checked snippet's comments are expectations: a display template may quote them.
                    if info.mode.isChecked {
                        switch InlineExpectations.parse(snippet) {
                        case .success(let expected): snippet.expected = expected
                        case .failure(let error): errors.append(error)
                        }
                    }
                    snippets.append(snippet)
                    trailerOwner = snippets.count - 1
                } catch {
                    errors.append(error)
                }
            } else if InfoString.isStdin(block.info) {
                guard let last = owner, block.directlyFollowsPreviousBlock, snippets[last].stdin == nil,
                    snippets[last].expected.map(\.isInline) ?? true, snippets[last].expectedFigures.isEmpty
                else {
                    errors.append(
                        BookError(
                            .chapterFormat, at: block.start, "stdin block does not follow a snippet",
                            hint:
                                "put the ```stdin block right after the ```swift block that reads it, before its ```output block"
                        ))
                    continue
                }
                trailerOwner = last
                snippets[last].stdin = SnippetInput(text: block.literal, fence: block.start, endLine: block.endLine)
                if !snippets[last].info.mode.runs {
                    errors.append(
                        BookError(
                            .chapterFormat, at: block.start,
                            "snippet \(snippets[last].displayName) is '\(snippets[last].info.mode.rawValue)', which does not run, but a stdin block follows it",
                            hint: "remove the stdin block"))
                }
            } else if InfoString.isOutput(block.info) {
                if let last = owner, block.directlyFollowsPreviousBlock, let inline = snippets[last].expected,
                    inline.isInline
                {
                    trailerOwner = last
                    errors.append(
                        BookError(
                            .chapterFormat, at: block.start,
                            "snippet \(snippets[last].displayName) states its output inline (line \(inline.fence.line)) and in an output block",
                            hint: "keep one: the `// Prints`/`// Output:` comments or the ```output block"))
                    continue
                }
                guard let last = owner, block.directlyFollowsPreviousBlock, snippets[last].expected == nil,
                    snippets[last].expectedFigures.isEmpty
                else {
                    errors.append(
                        BookError(
                            .chapterFormat, at: block.start, "output block does not follow a snippet",
                            hint: "put the ```output block right after the ```swift block it belongs to"))
                    continue
                }
                trailerOwner = last
                snippets[last].expected = ExpectedOutput(
                    text: block.literal, fence: block.start, endLine: block.endLine)
                let mode = snippets[last].info.mode
                if !mode.isChecked {
                    errors.append(
                        BookError(
                            .chapterFormat, at: block.start,
                            "snippet \(snippets[last].displayName) is '\(mode.rawValue)', which has no checked output, but an output block follows it",
                            hint: "remove the output block"))
                }
            } else if InfoString.isFigure(block.info) {
                guard let last = owner, block.directlyFollowsPreviousBlock else {
                    errors.append(
                        BookError(
                            .chapterFormat, at: block.start, "figure block does not follow a snippet",
                            hint: "put the ```figure block right after the snippet that shows it (and its output block)"
                        ))
                    continue
                }
                trailerOwner = last
                let caption = block.info.dropFirst("figure".count).trimmingCharacters(in: .whitespaces)
                if caption.isEmpty {
                    errors.append(
                        BookError(
                            .chapterFormat, at: block.start, "figure block has no caption",
                            hint: "write the caption after the word figure: ```figure Loss falls faster with warmup."))
                }
                snippets[last].expectedFigures.append(
                    ExpectedFigure(
                        text: block.literal, caption: caption,
                        fence: block.start, endLine: block.endLine))
            }
        }
        var boxes = ChapterBoxes()
        for block in parsed.codeBlocks where block.isFenced {
            let kind = block.info.split(separator: " ").first ?? ""
            if kind == "claims" {
                boxes.claimsLine = block.start.line
                for (offset, line) in block.literal.split(separator: "\n", omittingEmptySubsequences: false)
                    .enumerated()
                {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    if trimmed.isEmpty { continue }
                    let here = SourcePosition(file: parsed.source.path, line: block.start.line + 1 + offset)
                    switch Self.claim(trimmed, line: here.line) {
                    case .success(let claim): boxes.claims.append(claim)
                    case .failure(let error):
                        errors.append(BookError(.chapterFormat, at: here, error.message, hint: error.hint))
                    }
                }
            } else if kind == "differences" {
                boxes.differences = block.literal
                boxes.differencesLine = block.start.line
            }
        }
        let snippetIDs = Set(snippets.compactMap(\.info.id))
        for claim in boxes.claims {
            if let id = claim.snippetID, !snippetIDs.contains(id) {
                errors.append(
                    BookError(
                        .chapterFormat, at: SourcePosition(file: parsed.source.path, line: claim.line),
                        "claim names snippet '\(id)', which does not exist",
                        hint: "give the snippet that checks the claim id=\(id)"))
            }
        }
        let ids = snippets.compactMap(\.info.id)
        for (index, snippet) in snippets.enumerated() {
            if let id = snippet.info.id, ids.firstIndex(of: id) != ids.lastIndex(of: id),
                snippets.firstIndex(where: { $0.info.id == id }) != index
            {
                errors.append(
                    BookError(
                        .chapterFormat, at: snippet.info.idPosition ?? snippet.fence,
                        "snippet id '\(id)' is used twice",
                        hint: "ids are anchors and must be unique within a chapter"))
            }
        }
        var chapter = Chapter(source: parsed.source, snippets: snippets)
        chapter.boxes = boxes
        return (chapter, errors)
    }

    /// The info string as the fence line writes it, from its first word to the end of the line (trailing
    /// spaces dropped); cmark's processed string when the line is not there.
    static func rawInfo(_ block: CodeBlock, lines: [Substring]) -> String {
        guard block.infoStart.line >= 1, block.infoStart.line <= lines.count else { return block.info }
        let bytes = Array(lines[block.infoStart.line - 1].utf8)
        guard block.infoStart.column - 1 <= bytes.count else { return block.info }
        let raw = String(decoding: bytes[(block.infoStart.column - 1)...], as: UTF8.self)
        return String(raw.reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }

    struct ClaimError: Error { var message: String; var hint: String }

    /// `status: text (#snippet-id)` or `status: text (#snippet-id:decision-name)`.
    static func claim(_ line: String, line number: Int) -> Result<Claim, ClaimError> {
        let statuses = Claim.Status.allCases.map(\.rawValue).joined(separator: ", ")
        guard let colon = line.firstIndex(of: ":") else {
            return .failure(
                ClaimError(
                    message: "claim line has no status",
                    hint: "write 'STATUS: claim (#snippet-id)' with STATUS one of \(statuses)"))
        }
        let word = line[..<colon].trimmingCharacters(in: .whitespaces)
        guard let status = Claim.Status(rawValue: word) else {
            return .failure(ClaimError(message: "unknown claim status '\(word)'", hint: "statuses: \(statuses)"))
        }
        var text = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        var id: String?, decision: String?
        if text.hasSuffix(")"), let open = text.range(of: "(#", options: .backwards) {
            let reference = text[open.upperBound..<text.index(before: text.endIndex)]
            let parts = reference.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = parts[0]
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                return .failure(
                    ClaimError(
                        message: "claim names snippet '\(name)', which is not a snippet id",
                        hint: "ids use letters, digits, '-' and '_'"))
            }
            if parts.count == 2 {
                let d = parts[1]
                guard DecidedClaim.isName(d) else {
                    return .failure(
                        ClaimError(
                            message: "claim names decision '\(d)' of snippet '\(name)', which is not a decision name",
                            hint:
                                "decision names use lowercase letters, digits and '-', as printed by Kexue's decide(\"name\", …)"
                        ))
                }
                decision = d
            }
            id = name
            text = text[..<open.lowerBound].trimmingCharacters(in: .whitespaces)
        }
        return .success(Claim(status: status, text: text, snippetID: id, decision: decision, line: number))
    }

    /// A readable dump of the extracted snippets with their source lines: the currency of extractor tests.
    public static func dump(_ chapter: Chapter) -> String {
        var lines = ["chapter \(chapter.source.path)"]
        for (number, segment) in chapter.segments.enumerated() {
            lines.append("  program \(number + 1)")
            for snippet in segment {
                var words = [
                    "snippet \(snippet.displayName)",
                    snippet.info.mode == .normal ? "normal" : snippet.info.mode.rawValue,
                ]
                if snippet.info.reset { words.append("reset") }
                if let tolerance = snippet.info.tolerance { words.append("tolerance=\(tolerance)") }
                if let timeout = snippet.info.timeout { words.append("timeout=\(timeout)") }
                if snippet.info.unordered { words.append("unordered") }
                if snippet.info.unoptimized { words.append("optimize=none") }
                words.append("lines \(snippet.fence.line)-\(snippet.endLine)")
                lines.append("    " + words.joined(separator: " "))
                for codeLine in snippet.code.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                    lines.append("      | " + codeLine)
                }
                for figure in snippet.expectedFigures {
                    lines.append("      figure lines \(figure.fence.line)-\(figure.endLine): \(figure.caption)")
                }
                if let stdin = snippet.stdin {
                    lines.append("      stdin lines \(stdin.fence.line)-\(stdin.endLine)")
                    for inputLine in stdin.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                        lines.append("      < " + inputLine)
                    }
                }
                if let expected = snippet.expected {
                    switch expected.form {
                    case .block: lines.append("      output lines \(expected.fence.line)-\(expected.endLine)")
                    case .prints(let comments):
                        lines.append(
                            "      output inline: // Prints at lines \(comments.map { String($0.position.line) }.joined(separator: ", "))"
                        )
                    case .outputComment(let line): lines.append("      output inline: // Output: at line \(line)")
                    }
                    for outputLine in expected.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                    {
                        lines.append("      > " + outputLine)
                    }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
