import SwiftDiagnostics
import SwiftParser
import SwiftParserDiagnostics
import SwiftSyntax

/// One snippet's code parsed as top-level code (as it stands in `main.swift`), on its own.
///
/// It tells what can be known before compiling: the syntax problems (so a broken snippet is blamed by
/// itself, not by the compiler's confusion in the snippets after it) and the names the snippet declares at
/// file scope (which `Shadowing` uses to let a later snippet redeclare them).
///
/// Guarantee: a snippet that the compiler accepts as top-level code has no `problems` (the parser is the
/// compiler's own; `SnippetSyntaxTests` checks every snippet of the book's chapters).
public struct SnippetSyntax {
    /// A syntax problem, located within the snippet's code: 1-based line and UTF-8 column, as swiftc
    /// counts them.
    public struct Problem: Hashable, Sendable, Codable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "\(line):\(column): \(message)" }

        /// Where the problem stands in the chapter: the snippet's code starts on the line after its fence,
        /// and cmark strips the fence's indentation from the code.
        public func position(in snippet: Snippet) -> SourcePosition {
            SourcePosition(
                file: snippet.fence.file, line: snippet.codeLine + line - 1, column: column + snippet.fence.column - 1)
        }
    }

    /// A declaration at file scope.
    public struct Declaration: Hashable, Sendable {
        public enum Kind: Hashable, Sendable {
            /// A name bound by a top-level `let` or `var` (one per name of a tuple pattern).
            case variable
            /// A top-level `func` (identifiers only, not operators) with its parameters.
            case function([Parameter])
            /// A `struct`, `class`, `enum`, `actor`, `protocol` or `typealias`.
            case type
        }

        /// A function parameter, as far as a call's argument labels can tell it apart.
        public struct Parameter: Hashable, Sendable {
            /// The argument label; nil for `_`.
            public var label: String?
            /// The type as written, without spaces (`[Double]`): functions that differ in a parameter's
            /// type are overloads, not redeclarations.
            public var type: String
            public var hasDefault: Bool
            public var isVariadic: Bool
        }

        public var name: String
        public var kind: Kind
        /// UTF-8 offset and length of the name token in the code (backticks included).
        public var nameOffset: Int
        public var nameLength: Int
        /// UTF-8 range of the whole declaration (attributes and modifiers included, trivia excluded).
        public var start: Int
        public var end: Int

        /// Functions with the same signature redeclare each other: the same full name and parameter types.
        public var signature: String {
            guard case .function(let parameters) = kind else { return name }
            return fullName + parameters.map { "," + $0.type + ($0.isVariadic ? "..." : "") }.joined()
        }

        /// `f(a:_:)`: the base name with the argument labels, for functions; the name otherwise.
        public var fullName: String {
            guard case .function(let parameters) = kind else { return name }
            return name + "(" + parameters.map { ($0.label ?? "_") + ":" }.joined() + ")"
        }
    }

    public let code: String
    let tree: SourceFileSyntax
    public let problems: [Problem]
    public let declarations: [Declaration]
    /// The names of the members declared in the bodies of the snippet's file-scope types and extensions,
    /// by type name: a reference inside such a body may mean the member, not a global.
    public let memberNames: [String: Set<String>]

    /// The names declared at file scope: variables, functions (base names) and types; not members, locals
    /// or extensions.
    public var declaredNames: Set<String> { Set(declarations.map(\.name)) }

    public init(code: String) {
        self.code = code
        let tree = Parser.parse(source: code)
        self.tree = tree
        let converter = SourceLocationConverter(fileName: "", tree: tree)
        var problems: [Problem] = []
        func problem(at position: AbsolutePosition, _ message: String) {
            let location = converter.location(for: position)
            problems.append(Problem(line: location.line, column: location.column, message: message))
        }
        // Editor placeholders lex as identifiers; the compiler rejects them ("editor placeholder in source
        // file"), which tells the author less than this.
        var placeholders: [AbsolutePosition] = []
        for token in tree.tokens(viewMode: .sourceAccurate)
        where token.text.hasPrefix("<#") && token.text.hasSuffix("#>") {
            placeholders.append(token.positionAfterSkippingLeadingTrivia)
            problem(
                at: token.positionAfterSkippingLeadingTrivia,
                "contains an editor placeholder '\(token.text)': this snippet is a template; mark it `display` to show it without compiling it"
            )
        }
        // The build maps every diagnostic and trap back to the chapter through `#sourceLocation`; a snippet
        // that sets its own could move its errors into another snippet (and a `fails` check onto it).
        for token in tree.tokens(viewMode: .sourceAccurate) where token.text == "#sourceLocation" {
            problem(
                at: token.positionAfterSkippingLeadingTrivia,
                "contains #sourceLocation, which the build uses to map lines back to the chapter; a snippet may not set it"
            )
        }
        // A top-level `defer` runs when the whole program ends, so its output would land in the last snippet.
        for item in tree.statements where item.item.is(DeferStmtSyntax.self) {
            problem(
                at: item.positionAfterSkippingLeadingTrivia,
                "a top-level defer runs when the whole program ends, not at the end of this snippet; put the snippet's code in a do { } block to scope it"
            )
        }
        for diagnostic in ParseDiagnosticsGenerator.diagnostics(for: tree)
        where diagnostic.diagMessage.severity == .error {
            if placeholders.contains(diagnostic.position) { continue }
            problem(at: diagnostic.position, diagnostic.message + Self.explanation(of: diagnostic.message))
        }
        problems.sort { ($0.line, $0.column) < ($1.line, $1.column) }
        self.problems = problems

        var declarations: [Declaration] = []
        var members: [String: Set<String>] = [:]
        for item in tree.statements {
            guard let decl = item.item.as(DeclSyntax.self) else { continue }
            let start = decl.positionAfterSkippingLeadingTrivia.utf8Offset
            let end = decl.endPositionBeforeTrailingTrivia.utf8Offset
            func add(_ token: TokenSyntax, _ kind: Declaration.Kind) {
                guard case .identifier = token.tokenKind else { return }
                declarations.append(
                    Declaration(
                        name: token.identifier?.name ?? token.text, kind: kind,
                        nameOffset: token.positionAfterSkippingLeadingTrivia.utf8Offset,
                        nameLength: token.trimmedLength.utf8Length,
                        start: start, end: end))
            }
            if let variable = decl.as(VariableDeclSyntax.self) {
                for binding in variable.bindings {
                    for token in Self.boundNames(binding.pattern) { add(token, .variable) }
                }
            } else if let function = decl.as(FunctionDeclSyntax.self) {
                let parameters = function.signature.parameterClause.parameters.map { parameter in
                    Declaration.Parameter(
                        label: parameter.firstName.tokenKind == .wildcard ? nil : parameter.firstName.text,
                        type: parameter.type.trimmedDescription.filter { !$0.isWhitespace },
                        hasDefault: parameter.defaultValue != nil, isVariadic: parameter.ellipsis != nil)
                }
                add(function.name, .function(parameters))
            } else if let name = Self.typeName(decl) {
                add(name, .type)
            }
            if let body = Self.typeBody(decl) {
                members[body.type, default: []].formUnion(Self.memberNames(body.members))
            }
        }
        self.declarations = declarations
        self.memberNames = members
    }

    /// Why the parser's message matters for a snippet, for the messages that mean it is not whole code.
    static func explanation(of message: String) -> String {
        if message.hasPrefix("expected '}'") || message.contains("extraneous brace") {
            return "; the snippet's braces do not balance (each snippet must be complete top-level code)"
        }
        if message.contains("extraneous code") || message.contains("can only appear inside") {
            return
                "; the snippet is a fragment (each snippet must be complete top-level code; mark a fragment `display` to show it without compiling it)"
        }
        return ""
    }

    /// The identifiers a pattern binds: `x`, and each name of `(a, (b, _))`.
    static func boundNames(_ pattern: PatternSyntax) -> [TokenSyntax] {
        if let identifier = pattern.as(IdentifierPatternSyntax.self) { return [identifier.identifier] }
        if let tuple = pattern.as(TuplePatternSyntax.self) { return tuple.elements.flatMap { boundNames($0.pattern) } }
        if let binding = pattern.as(ValueBindingPatternSyntax.self) { return boundNames(binding.pattern) }
        return []
    }

    /// The name token of a type declaration.
    static func typeName(_ decl: DeclSyntax) -> TokenSyntax? {
        if let d = decl.as(StructDeclSyntax.self) { return d.name }
        if let d = decl.as(ClassDeclSyntax.self) { return d.name }
        if let d = decl.as(EnumDeclSyntax.self) { return d.name }
        if let d = decl.as(ActorDeclSyntax.self) { return d.name }
        if let d = decl.as(ProtocolDeclSyntax.self) { return d.name }
        if let d = decl.as(TypeAliasDeclSyntax.self) { return d.name }
        return nil
    }

    /// The type a declaration or extension adds members to, and its member block.
    static func typeBody(_ decl: some SyntaxProtocol) -> (type: String, members: MemberBlockSyntax)? {
        if let d = decl.as(StructDeclSyntax.self) { return (d.name.text, d.memberBlock) }
        if let d = decl.as(ClassDeclSyntax.self) { return (d.name.text, d.memberBlock) }
        if let d = decl.as(EnumDeclSyntax.self) { return (d.name.text, d.memberBlock) }
        if let d = decl.as(ActorDeclSyntax.self) { return (d.name.text, d.memberBlock) }
        if let d = decl.as(ProtocolDeclSyntax.self) { return (d.name.text, d.memberBlock) }
        if let d = decl.as(ExtensionDeclSyntax.self) { return (d.extendedType.trimmedDescription, d.memberBlock) }
        return nil
    }

    /// The names a member block declares: properties, methods, enum cases and nested types.
    /// A name token's name: `` `class` `` is `class`.
    static func name(_ token: TokenSyntax) -> String { token.identifier?.name ?? token.text }

    static func memberNames(_ block: MemberBlockSyntax) -> Set<String> {
        var names: Set<String> = []
        for member in block.members {
            let decl = member.decl
            if let variable = decl.as(VariableDeclSyntax.self) {
                for binding in variable.bindings { names.formUnion(boundNames(binding.pattern).map(Self.name)) }
            } else if let function = decl.as(FunctionDeclSyntax.self) {
                names.insert(Self.name(function.name))
            } else if let cases = decl.as(EnumCaseDeclSyntax.self) {
                names.formUnion(cases.elements.map { Self.name($0.name) })
            } else if let name = typeName(decl) {
                names.insert(Self.name(name))
            }
        }
        return names
    }
}
