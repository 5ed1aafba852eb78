import Foundation

/// The results of parsing snippets with swift-syntax that every build needs, remembered on disk under
/// `.build/book/syntax/` so that a warm build parses nothing: a snippet's syntax problems (`SnippetSyntax.problems`),
/// a program's snippets after shadowing (`Shadowing.codes`, what the program's source and cache key are made
/// of), a chapter's links from snippet identifiers to the API reference (`SnippetLinks`), live snippets' specs
/// (`LiveFigureSpec`), and cached compile errors located in their chapters (`Build.located`). Why: swift-syntax is
/// a dependency, so it stays unoptimised in the debug build `swift run book build` uses, where parsing the book's
/// snippets twice took half of a warm no-op (about 2 s of CPU).
///
/// Guarantees: an entry answers only for the exact codes it was computed from (the key hashes each code,
/// length-prefixed) and only for the `book` executable that computed it (the key includes the executable's
/// file identity: device, inode, size and modification time, so a rebuilt tool, whose parsing or shadowing
/// rules may differ, never reads an older tool's entries). An entry is used only when it decodes, names its full
/// key and passes its checksum (SHA-256 over key and value); anything else is computed again and rewritten. So a
/// memo can cost a parse, never change a program: the result equals a parse's, which `SyntaxMemoTests` checks.
public struct SyntaxMemo: Sendable {
    let directory: URL

    /// nil when the running executable cannot be identified (then nothing is remembered).
    public init?(packageRoot: URL) {
        guard Self.toolIdentity != nil else { return nil }
        directory = packageRoot.appendingPathComponent(".build/book/syntax")
    }

    /// The snippet's syntax problems, as `SnippetSyntax(code:).problems`.
    func problems(of code: String) -> [SnippetSyntax.Problem] {
        remembered("problems", [code]) { SnippetSyntax(code: code).problems }
    }

    /// The snippets' codes after shadowing, as `Shadowing(codes:).codes`.
    func shadowedCodes(_ codes: [String]) -> [String] {
        remembered("shadowed", codes) { Shadowing(codes: codes).codes }
    }

    /// The snippets' links into the API reference of the library with fingerprint `library`, as
    /// `SnippetLinks.links(for:index:)`: parsing and scope lookup over every snippet were 70 % of a warm no-op
    /// build's CPU. The key holds each snippet's index and code and the library's fingerprint (the reference is
    /// extracted from that library build and nothing else).
    func snippetLinks(_ snippets: [Snippet], index: APIIndex, library: String) -> [Int: [Int: String]] {
        remembered("links\u{0}\(library)", snippets.map { "\($0.index)\u{0}\($0.code)" }) {
            SnippetLinks.links(for: snippets, index: index)
        }
    }

    /// A cached compile's diagnostics located in the chapter, as `Build.located(_:plan:)`: mapping a column back
    /// through shadowing parses the program's snippets (6 % of a warm no-op's CPU, for the book's deliberate
    /// compile errors). The key holds the diagnostics and everything of the plan the mapping reads: the chapter's
    /// path, and each snippet's code, first code line, fence column and display name.
    func locatedDiagnostics(_ output: String, plan: ProgramPlan) -> String {
        remembered(
            "located\u{0}\(plan.path)",
            [output]
                + plan.snippets.map { "\($0.codeLine):\($0.fence.column):\($0.displayName)\u{0}\($0.code)" }
        ) { Build.located(output, plan: plan) }
    }

    /// A live snippet's spec, as `LiveFigureSpec.parse`. Only a spec that parses is remembered; a snippet with a
    /// mistake is parsed again, so that its error names its place (the spec itself holds no places, which is why
    /// the key is just the function's name and the code).
    func liveSpec(_ snippet: Snippet, file: String) throws(BookError) -> LiveFigureSpec {
        let spec: LiveFigureSpec? = remembered("live\u{0}\(snippet.info.live ?? "")", [snippet.code]) {
            try? LiveFigureSpec.parse(snippet, file: file)
        }
        if let spec { return spec }
        return try LiveFigureSpec.parse(snippet, file: file)
    }

    /// The running `book` (or test) executable's file identity: what makes its parsing rules its own.
    static let toolIdentity: String? = {
        let path =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath
        guard let path, let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? NSNumber, let inode = attributes[.systemFileNumber] as? NSNumber,
            let device = attributes[.systemNumber] as? NSNumber, let modified = attributes[.modificationDate] as? Date
        else { return nil }
        return "\(path)\u{0}\(device)\u{0}\(inode)\u{0}\(size)\u{0}\(modified.timeIntervalSince1970)"
    }()

    private struct Entry<Value: Codable>: Codable {
        var key: String
        var value: Value
        var checksum: String
    }

    private func remembered<Value: Codable & Equatable>(
        _ kind: String, _ codes: [String], compute: () -> Value
    ) -> Value {
        guard let tool = Self.toolIdentity else { return compute() }
        var hash = SHA256()
        hash.update("syntax-memo-1\u{0}\(kind)\u{0}\(tool.utf8.count):\(tool)\u{0}\(codes.count)\u{0}")
        for code in codes { hash.update("\(code.utf8.count):\(code)") }
        let key = hash.hexDigest()
        let file = directory.appendingPathComponent(String(key.prefix(32)) + ".json")
        if let data = FileManager.default.contents(atPath: file.path),
            let entry = try? JSONDecoder().decode(Entry<Value>.self, from: data), entry.key == key,
            let encoded = try? JSONEncoderSorted.encode(entry.value), entry.checksum == Self.checksum(key, encoded)
        {
            return entry.value
        }
        let value = compute()
        guard let encoded = try? JSONEncoderSorted.encode(value),
            let data = try? JSONEncoderSorted.encode(
                Entry(key: key, value: value, checksum: Self.checksum(key, encoded)))
        else { return value }
        // Atomic: a reader sees a whole entry or none. Failing to write only costs a parse next time.
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? data.write(to: file, options: .atomic)
        return value
    }

    private static func checksum(_ key: String, _ value: Data) -> String {
        var hash = SHA256()
        hash.update("syntax-memo-entry-1\u{0}\(key)\u{0}")
        hash.update(value)
        return hash.hexDigest()
    }
}
