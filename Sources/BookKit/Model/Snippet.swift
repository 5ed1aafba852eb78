/// How a snippet takes part in its chapter program and in the page. A closed set: an unknown word in the
/// fence info string is a `chapterFormat` error.
public enum SnippetMode: String, CaseIterable, Sendable {
    /// Compiled, run; code and output shown; output checked.
    case normal = ""
    /// Run; code collapsed in `<details>`; output checked, not shown.
    case setup
    /// Run; code shown; output neither shown nor checked.
    case silent
    /// Run; nothing shown; output checked.
    case hidden
    /// Must compile; not run. Its declarations are not visible to later snippets.
    case compileOnly = "compile-only"
    /// Must fail to compile; the page shows the compiler's diagnostic. Not part of the program.
    case fails
    /// Must trap at run time; runs in a program of its own (the earlier snippets, then this one), so the
    /// snippets after it still run. Its declarations are not visible to later snippets.
    case traps

    /// Whether the snippet is part of its segment's main program.
    var runsInMainProgram: Bool {
        switch self {
        case .normal, .setup, .silent, .hidden: true
        case .compileOnly, .fails, .traps: false
        }
    }
    /// Whether its standard output is compared with an `output` block.
    var isChecked: Bool { self == .normal || self == .setup || self == .hidden || self == .traps }
    /// Whether the reader sees its output.
    var showsOutput: Bool { self == .normal || self == .traps }
}

/// The parsed info string of a snippet fence: `swift [reset] [mode] [key=value ...]`.
public struct SnippetInfo: Hashable, Sendable {
    public var mode: SnippetMode = .normal
    /// Starts a fresh program: nothing declared before is visible from here on.
    public var reset = false
    /// Anchor and reference name (`id=scores`).
    public var id: String?
    /// Where the `id=` word stands, for errors about the id.
    public var idPosition: SourcePosition?
    /// Relative tolerance for numbers in the output check (`tolerance=1e-3`); infinite for `tolerance=measured`,
    /// whose numbers are not compared (the text around them is).
    public var tolerance: Double?
    /// Seconds this snippet may run (`timeout=30`).
    public var timeout: Double?
    /// For `fails` snippets (`fails=TEXT`): a phrase one of the snippet's own diagnostics must contain, as
    /// rustdoc pins a `compile_fail` block to an error code.
    public var expectedDiagnostic: String?
    public init() {}
}

/// A fenced Swift block of a chapter and the `output` block that follows it, if any.
public struct Snippet: Hashable, Sendable {
    /// 0-based position among the chapter's snippets.
    public var index: Int
    public var info: SnippetInfo
    /// The code between the fences, ending with a newline.
    public var code: String
    /// The opening fence (line and column of the backticks).
    public var fence: SourcePosition
    /// The line of the closing fence.
    public var endLine: Int
    public var expected: ExpectedOutput?
    /// The ```figure blocks after the snippet (and its output block): one per figure it shows, in order.
    public var expectedFigures: [ExpectedFigure] = []

    /// The first line of code (the line after the fence).
    public var codeLine: Int { fence.line + 1 }
    /// How errors name the snippet: `'scores'` when it has an id, else `#3`.
    public var displayName: String { info.id.map { "'\($0)'" } ?? "#\(index + 1)" }
}

/// An `output` fenced block: the expected standard output of the snippet right before it.
public struct ExpectedOutput: Hashable, Sendable {
    public var text: String
    public var fence: SourcePosition
    public var endLine: Int
}

/// A ```figure block: the expected data of one figure a snippet shows, with its caption (the rest of the
/// info string: ```figure Loss against steps: EGP keeps up with GP).
public struct ExpectedFigure: Hashable, Sendable {
    public var text: String
    public var caption: String
    public var fence: SourcePosition
    public var endLine: Int
}
