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
    /// Shown highlighted; never compiled or run (templates with `<#placeholders#>`, pseudo-code, grammar).
    case display
    /// A sidebar: runs in a program of its own (the earlier run snippets of its segment, then this one), so
    /// it sees their state; its output is checked and shown; nothing it declares or changes reaches later
    /// snippets.
    case aside

    // Exhaustive switches, not `==` chains: a new mode must decide each of these, never fall through.

    /// Whether the snippet is part of its segment's main program.
    var runsInMainProgram: Bool {
        switch self {
        case .normal, .setup, .silent, .hidden: true
        case .compileOnly, .fails, .traps, .display, .aside: false
        }
    }
    /// Whether its standard output is compared with an `output` block (or inline expectations).
    var isChecked: Bool {
        switch self {
        case .normal, .setup, .hidden, .traps, .aside: true
        case .silent, .compileOnly, .fails, .display: false
        }
    }
    /// Whether the reader sees its output.
    var showsOutput: Bool {
        switch self {
        case .normal, .traps, .aside: true
        case .setup, .silent, .hidden, .compileOnly, .fails, .display: false
        }
    }
    /// Whether it runs in some program (and so may take a ```stdin block and `optimize=none`).
    var runs: Bool {
        switch self {
        case .normal, .setup, .silent, .hidden, .traps, .aside: true
        case .compileOnly, .fails, .display: false
        }
    }
    /// Whether it is compiled at all.
    var isCompiled: Bool {
        switch self {
        case .normal, .setup, .silent, .hidden, .traps, .aside, .compileOnly, .fails: true
        case .display: false
        }
    }
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
    /// Compare output lines as a multiset (`unordered`): for Set and Dictionary iteration.
    public var unordered = false
    /// Compile the program(s) this snippet is part of with `-Onone` (`optimize=none`), so that `assert`
    /// traps and traps carry their messages.
    public var unoptimized = false
    /// The function a live figure recomputes in the page (`live=NAME`; `LiveFigure`).
    public var live: String?
    /// Where the `live=` word stands, for errors about the live figure as a whole.
    public var livePosition: SourcePosition?
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
    /// The ```stdin block right after the snippet: its standard input. Without one it reads end of file.
    public var stdin: SnippetInput?
    /// The ```figure blocks after the snippet (and its output block): one per figure it shows, in order.
    public var expectedFigures: [ExpectedFigure] = []

    /// The first line of code (the line after the fence).
    public var codeLine: Int { fence.line + 1 }
    /// How errors name the snippet: `'scores'` when it has an id, else `#3`.
    public var displayName: String { info.id.map { "'\($0)'" } ?? "#\(index + 1)" }
    /// The id of the snippet's element on its page (`snippet-scores`, else `snippet-3`): what claims link to.
    public var anchor: String { info.id.map { "snippet-\($0)" } ?? "snippet-\(index + 1)" }
}

/// A snippet's expected standard output: an `output` fenced block right after it, or the inline
/// expectations in its code (`// Prints "…"` comments, or `// Output:` and the comment lines after it).
public struct ExpectedOutput: Hashable, Sendable {
    public var text: String
    /// The block's opening fence, or the first inline expectation.
    public var fence: SourcePosition
    /// The block's closing fence, or the last line of the snippet's code.
    public var endLine: Int
    public var form: Form = .block

    public enum Form: Hashable, Sendable {
        case block
        /// `// Prints "…"` comments: one line of output each, in order.
        case prints([InlineExpectation])
        /// `// Output:` (at `line`) followed by one `// text` comment per line to the end of the snippet.
        case outputComment(line: Int)
    }

    /// Whether the expectation is written in the code (the page then does not show the output twice).
    public var isInline: Bool { if case .block = form { false } else { true } }
}

/// One `// Prints "…"` comment: where it stands and the line of output it expects.
public struct InlineExpectation: Hashable, Sendable {
    /// The comment's `//` (chapter line and column).
    public var position: SourcePosition
    /// The decoded text (may hold newlines: `\n` in the literal).
    public var text: String
}

/// A ```stdin block: the standard input of the snippet right before it.
public struct SnippetInput: Hashable, Sendable {
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
