/// A position in a chapter source file, 1-based, as cmark-gfm reports it.
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
    /// The path as the author sees it, relative to the book root (`chapters/01-egp.md`).
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int = 1) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// The one error type of the toolkit: every failure a person sees is one of these.
///
/// Rendered as `chapters/02-x.md:41:1: error: snippet 'scores' output differs`, then an optional detail
/// block (a compact diff, a compiler diagnostic), then a `hint:` line saying what to do.
public struct BookError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, coarsely; decides the exit status of `book build`.
    public enum Kind: String, Sendable {
        /// The chapter is malformed (unknown snippet mode, bad key, stray output block, bad manifest entry).
        case chapterFormat
        /// A snippet did not compile, or a `fails` snippet did compile.
        case compile
        /// A snippet's program trapped where it should not, or a `traps` snippet did not trap.
        case run
        /// A snippet exceeded its time limit or its output cap.
        case limit
        /// The output differs from the chapter's `output` block, or the block is missing.
        case output
        /// A claim's status differs from the decision its snippet printed by the book's rule, or a decision is
        /// missing or unnamed (`Check.claimDecisions`).
        case claim
        /// The machine or the book root is not usable (no compiler, no manifest, library does not build).
        case environment
        /// The command line asks for something that does not exist (an unknown `--chapter` slug).
        case usage
    }

    public var kind: Kind
    public var location: SourcePosition?
    public var message: String
    /// Extra lines shown under the message: a diff, a diagnostic. Indented by the renderer.
    public var detail: String
    public var hint: String?

    public init(_ kind: Kind, at location: SourcePosition?, _ message: String, detail: String = "", hint: String? = nil)
    {
        self.kind = kind
        self.location = location
        self.message = message
        self.detail = detail
        self.hint = hint
    }

    public var description: String {
        var text = location.map { "\($0): error: " } ?? "error: "
        text += message
        if !detail.isEmpty {
            for line in detail.split(separator: "\n", omittingEmptySubsequences: false) {
                text += "\n    " + line
            }
        }
        if let hint { text += "\nhint: " + hint }
        return Self.escapingControls(text)
    }

    /// `text` safe to print to a terminal: every control character except newline and tab, and the
    /// bidirectional overrides, become `\u{1B}`-style text. An error quotes program output and chapter
    /// text; neither may clear the screen, retitle the window (`ESC ] 0 ; title BEL`) or reorder a line.
    public static func escapingControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isEscaped) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isEscaped(scalar) {
                result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    private static func isEscaped(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        // Bidirectional embeddings, overrides and isolates.
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
