import Foundation
import SwiftParser
import SwiftSyntax

/// One control of a live figure: a `Float` parameter of its function, with the label, range and step that the
/// parameter's doc comment gives (`- kappa: κ, the scale (0.25...4, step 0.25)`) and its default value.
struct LiveControl: Hashable, Sendable, Codable {
    /// The parameter's name (the `name` of the `<input>`).
    var name: String
    /// The argument label in a call (nil for `_`).
    var argumentLabel: String?
    /// What the reader sees beside the slider.
    var label: String
    var lower: Float
    var upper: Float
    var step: Float
    /// The default value: the static figure's, and where the slider starts.
    var value: Float
}

/// What a `live=NAME` snippet declares, read from its syntax (nothing is run): the function's controls, and
/// the snippet's declarations, which are what is compiled to WebAssembly (`LiveModule`).
///
/// The function must be `func NAME(p: Float = literal, ...) -> LivePlot` with one to eight parameters, each
/// documented as `- p: LABEL (LOW...HIGH, step STEP)` with LOW ≤ default ≤ HIGH. The snippet may declare
/// functions and types besides it, but no global or static stored variables: the module's memory is reset
/// before every recomputation, which such a variable would not survive.
struct LiveFigureSpec: Hashable, Sendable, Codable {
    /// The function's name (`live=`).
    var function: String
    var controls: [LiveControl]
    /// The snippet's code with every top-level statement and import blanked out, line for line (so the
    /// compiler's line numbers are the snippet's): what is compiled with Embedded Swift.
    var declarations: String

    /// The most controls a figure has (the module's parameter buffer holds 16).
    static let maxControls = 8

    /// A call of the function with the parameters read from `p` (`UnsafePointer<Float>`).
    var call: String {
        let arguments = controls.enumerated().map { index, control in
            (control.argumentLabel.map { "\($0): " } ?? "") + "p[\(index)]"
        }
        return "\(function)(\(arguments.joined(separator: ", ")))"
    }

    /// Reads the spec from a snippet marked `live=`; errors point at the snippet's lines in `file`.
    static func parse(_ snippet: Snippet, file: String) throws(BookError) -> LiveFigureSpec {
        guard let function = snippet.info.live else {
            throw BookError(.chapterFormat, at: snippet.fence, "snippet \(snippet.displayName) is not live")
        }
        let tree = Parser.parse(source: snippet.code)
        let converter = SourceLocationConverter(fileName: file, tree: tree)
        func position(_ node: some SyntaxProtocol) -> SourcePosition {
            let location = node.startLocation(converter: converter)
            return SourcePosition(file: file, line: snippet.codeLine + location.line - 1, column: location.column)
        }
        var lines = snippet.code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var found: FunctionDeclSyntax?
        for item in tree.statements {
            if let decl = item.item.as(DeclSyntax.self), !decl.is(ImportDeclSyntax.self) {
                if let variable = decl.as(VariableDeclSyntax.self) {
                    throw BookError(
                        .chapterFormat, at: position(variable.bindingSpecifier),
                        "a live snippet cannot declare a global variable",
                        hint:
                            "the page resets the module's memory before every recomputation: put the value inside the function"
                    )
                }
                if let staticVariable = decl.firstStaticStoredVariable {
                    throw BookError(
                        .chapterFormat, at: position(staticVariable),
                        "a live snippet cannot declare a static stored variable",
                        hint:
                            "the page resets the module's memory before every recomputation: make it a computed property"
                    )
                }
                if let candidate = decl.as(FunctionDeclSyntax.self), candidate.name.text == function {
                    found = candidate
                }
                continue
            }
            // A statement or an import: blank it, keeping the line count.
            let start = item.positionAfterSkippingLeadingTrivia, end = item.endPositionBeforeTrailingTrivia
            let first = converter.location(for: start), last = converter.location(for: end)
            for line in first.line...last.line where line - 1 < lines.count { lines[line - 1] = "" }
        }
        guard let declaration = found else {
            throw BookError(
                .chapterFormat, at: snippet.info.livePosition ?? snippet.fence,
                "live=\(function) names no function that this snippet declares at its top level",
                hint: "declare func \(function)(p: Float = 1, ...) -> LivePlot in the snippet")
        }
        let returnType = declaration.signature.returnClause?.type.trimmedDescription
        guard returnType == "LivePlot" else {
            throw BookError(
                .chapterFormat,
                at: position(declaration.signature.returnClause.map { Syntax($0.type) } ?? Syntax(declaration.name)),
                "live figure '\(function)' returns \(returnType ?? "nothing"), not LivePlot",
                hint: "the page reads the figure's data from a LivePlot")
        }
        let documented = parameterDocs(declaration)
        var controls: [LiveControl] = []
        let parameters = declaration.signature.parameterClause.parameters
        guard !parameters.isEmpty, parameters.count <= maxControls else {
            throw BookError(
                .chapterFormat, at: position(declaration.signature.parameterClause),
                "live figure '\(function)' has \(parameters.count) parameters; it needs 1 to \(maxControls)",
                hint: "each parameter is a control the reader moves")
        }
        for parameter in parameters {
            let name = (parameter.secondName ?? parameter.firstName).text
            guard parameter.type.trimmedDescription == "Float" else {
                throw BookError(
                    .chapterFormat, at: position(parameter.type),
                    "parameter '\(name)' of live figure '\(function)' is \(parameter.type.trimmedDescription), not Float",
                    hint: "a control is a number: declare \(name): Float = DEFAULT")
            }
            guard let literal = parameter.defaultValue?.value, let value = Self.number(literal) else {
                throw BookError(
                    .chapterFormat, at: position(parameter.defaultValue.map { Syntax($0.value) } ?? Syntax(parameter)),
                    "parameter '\(name)' of live figure '\(function)' has no number literal as its default",
                    hint:
                        "the default is the static figure's value and where the slider starts, e.g. \(name): Float = 1")
            }
            guard let doc = documented[name] else {
                throw BookError(
                    .chapterFormat, at: position(parameter),
                    "parameter '\(name)' of live figure '\(function)' is not documented with its range",
                    hint: "add to the function's doc comment: /// - \(name): LABEL (LOW...HIGH, step STEP)")
            }
            guard let range = Self.range(doc.range) else {
                throw BookError(
                    .chapterFormat, at: doc.position(snippet, file),
                    "the range of '\(name)' is not LOW...HIGH, step STEP: (\(doc.range))",
                    hint: "e.g. (0.25...4, step 0.25), with LOW < HIGH and STEP > 0")
            }
            guard range.lower <= value, value <= range.upper else {
                throw BookError(
                    .chapterFormat, at: position(literal),
                    "the default of '\(name)', \(literal.trimmedDescription), is outside its range \(doc.range)",
                    hint: "the slider starts at the default")
            }
            controls.append(
                LiveControl(
                    name: name, argumentLabel: parameter.firstName.text == "_" ? nil : parameter.firstName.text,
                    label: doc.label.isEmpty ? name : doc.label, lower: range.lower, upper: range.upper,
                    step: range.step, value: value))
        }
        return LiveFigureSpec(function: function, controls: controls, declarations: lines.joined(separator: "\n"))
    }

    /// A parameter's documentation line: `- name: label (range)`, and where it stands in the snippet.
    private struct ParameterDoc {
        var label: String
        var range: String
        var line: Int
        var column: Int
        func position(_ snippet: Snippet, _ file: String) -> SourcePosition {
            SourcePosition(file: file, line: snippet.codeLine + line - 1, column: column)
        }
    }

    /// The `- name: …` lines of the function's doc comment (in a `- Parameters:` list or as
    /// `- Parameter name: …`), by parameter name.
    private static func parameterDocs(_ function: FunctionDeclSyntax) -> [String: ParameterDoc] {
        var result: [String: ParameterDoc] = [:]
        // The doc comment's lines are the leading trivia of the declaration, which starts on line `firstLine`
        // minus the number of newlines in that trivia that follow each comment.
        let code = function.root.description
        let before = Array(code.utf8.prefix(function.position.utf8Offset))
        var line = before.count { $0 == UInt8(ascii: "\n") } + 1
        var column = before.count - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
        for piece in function.leadingTrivia {
            switch piece {
            case .newlines(let count), .carriageReturnLineFeeds(let count):
                line += count
                column = 1
            case .docLineComment(let text):
                var body = Substring(text.dropFirst(3))
                let indent = body.prefix { $0 == " " }.count
                body = body.drop { $0 == " " }
                if body.hasPrefix("- ") {
                    var entry = body.dropFirst(2)
                    if entry.hasPrefix("Parameter ") { entry = entry.dropFirst("Parameter ".count) }
                    if let colon = entry.firstIndex(of: ":") {
                        let name = entry[..<colon].trimmingSpaces
                        var rest = entry[entry.index(after: colon)...].trimmingSpaces
                        var range = ""
                        if rest.hasSuffix(")"), let open = rest.lastIndex(of: "(") {
                            range = String(rest[rest.index(after: open)..<rest.index(before: rest.endIndex)])
                            rest = rest[..<open].trimmingSpaces
                        }
                        if !name.isEmpty, !name.contains(" ") {
                            result[String(name)] = ParameterDoc(
                                label: String(rest), range: range, line: line, column: column + 3 + indent)
                        }
                    }
                }
                column += text.utf8.count
            case .spaces(let count), .tabs(let count):
                column += count
            default:
                column += piece.sourceLength.utf8Length
            }
        }
        return result
    }

    /// `LOW...HIGH, step STEP`.
    static func range(_ text: String) -> (lower: Float, upper: Float, step: Float)? {
        let parts = text.split(separator: ",").map { $0.trimmingSpaces }
        guard parts.count == 2, parts[1].hasPrefix("step ") else { return nil }
        let bounds = parts[0].components(separatedBy: "...")
        guard bounds.count == 2, let lower = Float(bounds[0].trimmingSpaces),
            let upper = Float(bounds[1].trimmingSpaces),
            let step = Float(parts[1].dropFirst(5).trimmingSpaces), lower.isFinite, upper.isFinite, lower < upper,
            step > 0, step.isFinite, step <= upper - lower
        else { return nil }
        return (lower, upper, step)
    }

    /// A number literal, possibly negative (`-0.5`, `2`, `1e-3`).
    static func number(_ expression: ExprSyntax) -> Float? {
        if let prefix = expression.as(PrefixOperatorExprSyntax.self), prefix.operator.text == "-" {
            return number(prefix.expression).map { -$0 }
        }
        guard expression.is(FloatLiteralExprSyntax.self) || expression.is(IntegerLiteralExprSyntax.self) else {
            return nil
        }
        return Float(expression.trimmedDescription.replacingOccurrences(of: "_", with: ""))
    }
}

extension DeclSyntax {
    /// The first `static` or `class` stored variable declared in this declaration or its members, at any depth.
    fileprivate var firstStaticStoredVariable: TokenSyntax? {
        final class Finder: SyntaxVisitor {
            var found: TokenSyntax?
            override func visit(_ node: VariableDeclSyntax) -> SyntaxVisitorContinueKind {
                guard found == nil,
                    let modifier = node.modifiers.first(where: { ["static", "class"].contains($0.name.text) })
                else { return .skipChildren }
                let stored = node.bindings.contains { binding in
                    guard let accessors = binding.accessorBlock?.accessors else { return true }
                    if case .getter = accessors { return false }
                    if case .accessors(let list) = accessors {
                        return list.contains { ["willSet", "didSet"].contains($0.accessorSpecifier.text) }
                    }
                    return true
                }
                if stored { found = modifier.name }
                return .skipChildren
            }
        }
        let finder = Finder(viewMode: .sourceAccurate)
        finder.walk(self)
        return finder.found
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces.
    fileprivate var trimmingSpaces: Substring {
        let text = Substring(self)
        guard let first = text.firstIndex(where: { $0 != " " }) else { return "" }
        let last = text.lastIndex(where: { $0 != " " })!
        return text[first...last]
    }
}
