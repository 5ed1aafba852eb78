import Foundation
import SwiftLexicalLookup
import SwiftSyntax

/// REPL semantics for the snippets of one program: a later snippet may redeclare a file-scope name of an
/// earlier one, and from then on the name means the newest declaration, while the earlier snippets keep
/// the declaration they saw.
///
/// All snippets share one `main.swift`, where a second `let x` is an invalid redeclaration. So the EARLIER
/// declaration gives way: it and every reference to it, from its snippet up to the redeclaring one, are
/// renamed (`x` → `x__book_2`, 2 being the declaring snippet's position); the newest keeps its name.
///
/// Rules:
/// - A variable (`let`/`var`, tuple patterns included) shadows earlier variables and functions of that
///   name; a `func` shadows earlier variables of its base name and earlier functions with the same full
///   name (base name and argument labels) and parameter types as written; a `func` with other labels or
///   parameter types is an overload and both stay visible.
/// - A type (`struct`, `class`, `enum`, `actor`, `protocol`, `typealias`) shadows an earlier type of that
///   name. The earlier type keeps its name, so that `print(value)` and `type(of:)` show what they showed:
///   it is wrapped in a namespace on the lines it stands on (`enum __book_s2 { struct P {...} }`), and its
///   references in the affected snippets are qualified (`__book_s2.P`, `extension __book_s2.P`). A debug
///   description shows the namespace (`Chapter.__book_s2.P`): `Run` restores the author's name in stdout.
/// - In the redeclaring snippet, top-level code before the end of a new variable declaration sees the
///   earlier variable: `let total = total * 2` doubles the earlier `total`.
/// - A reference is renamed only when it means the global: `SwiftLexicalLookup` finds no local of that
///   name (parameter, closure parameter, local `let`, `if let` binding, generic parameter), and no member
///   of that name is declared in the enclosing type's body in this program. Member accesses (`a.x`, `.x`),
///   argument labels and string literal text are never renamed; string interpolation (`\(x)`) is code.
/// - Inside an extension of a type not declared in this program (`extension Array`), a name is left alone:
///   its members are unknown here, and Swift prefers a member to a global.
///
/// Limits: operators, `#if` blocks and names declared by macros are not shadowed (a redeclaration stays
/// an error); an overloaded function referenced without a call or its labels is renamed only when every
/// visible overload is; a `private` wrapped type becomes `fileprivate`.
///
/// Every edit stays on its line (no line is added or removed), so `#sourceLocation` lines still hold;
/// `originalColumn` maps columns on edited lines back and `restoringNames` turns generated names back into
/// the author's. The result depends only on the codes, so the program cache still keys on the source.
struct Shadowing {
    /// The snippets' code after renaming, in program order.
    let codes: [String]
    /// The snippets' code as the author wrote it.
    let originals: [String]
    /// Per snippet, per 1-based line: the edits on that line, sorted by column.
    let lineEdits: [[Int: [LineEdit]]]
    /// Generated name → the author's, longest first (so `x__book_12` is restored before `x__book_1`).
    let generatedNames: [(generated: String, original: String)]

    struct LineEdit: Hashable {
        /// 1-based UTF-8 column of the replaced text in the original line.
        var column: Int
        var originalLength: Int
        var newLength: Int
    }

    /// A declaration of the program: where it is, and up to which snippet it keeps its name.
    struct Entry {
        var snippet: Int
        var declaration: SnippetSyntax.Declaration
        /// The snippet that redeclares it, if any; it is renamed in snippets `snippet..<shadowedAt`.
        var shadowedAt: Int?
        /// The end of the redeclaring variable declaration in `shadowedAt`: top-level code before it still
        /// sees this one.
        var shadowedBefore: Int?

        var name: String { declaration.name }
        var isType: Bool { declaration.kind == .type }
        var isVariable: Bool { declaration.kind == .variable }
        var isFunction: Bool { if case .function = declaration.kind { true } else { false } }
        /// The generated name (or the namespace, for a type).
        var generated: String { isType ? "__book_s\(snippet)" : "\(name)__book_\(snippet)" }
        /// Whether it is renamed in snippet `k`.
        func isRenamed(in k: Int) -> Bool {
            guard let shadowedAt else { return false }
            return k >= snippet && k <= shadowedAt
        }
    }

    init(codes original: [String]) {
        originals = original
        let parsed = original.map { SnippetSyntax(code: $0) }
        var entries: [Entry] = []
        for (position, syntax) in parsed.enumerated() {
            for declaration in syntax.declarations {
                entries.append(Entry(snippet: position, declaration: declaration))
            }
        }
        for index in entries.indices {
            let old = entries[index]
            guard
                let shadow = entries.first(where: {
                    $0.snippet > old.snippet && Self.shadows($0.declaration, old.declaration)
                })
            else { continue }
            entries[index].shadowedAt = shadow.snippet
            if old.isVariable || old.isFunction, shadow.isVariable {
                entries[index].shadowedBefore = shadow.declaration.end
            }
        }
        var members: [String: Set<String>] = [:]
        for syntax in parsed { members.merge(syntax.memberNames) { $0.union($1) } }

        guard entries.contains(where: { $0.shadowedAt != nil }) else {
            codes = original
            lineEdits = original.map { _ in [:] }
            generatedNames = []
            return
        }
        var codes: [String] = []
        var lineEdits: [[Int: [LineEdit]]] = []
        for (k, syntax) in parsed.enumerated() {
            let edits = Renamer(snippet: k, entries: entries, members: members).edits(in: syntax)
            let (code, lines) = Self.apply(edits, to: syntax)
            codes.append(code)
            lineEdits.append(lines)
        }
        self.codes = codes
        self.lineEdits = lineEdits
        var names: [String: String] = [:]
        for entry in entries where entry.shadowedAt != nil {
            names[entry.isType ? entry.generated + "." : entry.generated] = entry.isType ? "" : entry.name
        }
        generatedNames = names.sorted { ($0.key.count, $0.key) > ($1.key.count, $1.key) }.map { ($0.key, $0.value) }
    }

    /// Whether declaring `new` after `old` would be an invalid redeclaration that shadowing resolves.
    static func shadows(_ new: SnippetSyntax.Declaration, _ old: SnippetSyntax.Declaration) -> Bool {
        guard new.name == old.name else { return false }
        switch (new.kind, old.kind) {
        case (.type, .type), (.variable, .variable), (.variable, .function), (.function, .variable): return true
        case (.function, .function): return new.signature == old.signature
        default: return false
        }
    }

    /// One replacement in a snippet's code (UTF-8 offsets).
    struct Edit: Comparable {
        var offset: Int
        var length: Int
        var text: String
        static func < (a: Edit, b: Edit) -> Bool { (a.offset, a.length, a.text) < (b.offset, b.length, b.text) }
    }

    static func apply(_ edits: [Edit], to syntax: SnippetSyntax) -> (String, [Int: [LineEdit]]) {
        guard !edits.isEmpty else { return (syntax.code, [:]) }
        let bytes = Array(syntax.code.utf8)
        let converter = SourceLocationConverter(fileName: "", tree: syntax.tree)
        var result: [UInt8] = []
        var lines: [Int: [LineEdit]] = [:]
        var cursor = 0
        for edit in edits.sorted() where edit.offset >= cursor {
            result += bytes[cursor..<edit.offset]
            result += Array(edit.text.utf8)
            cursor = edit.offset + edit.length
            let location = converter.location(for: AbsolutePosition(utf8Offset: edit.offset))
            lines[location.line, default: []].append(
                LineEdit(
                    column: location.column, originalLength: edit.length,
                    newLength: edit.text.utf8.count))
        }
        result += bytes[cursor...]
        return (String(decoding: result, as: UTF8.self), lines)
    }

    /// The column in the author's line of a 1-based column in the generated line `line` of snippet
    /// `snippet`. A column inside generated text maps to the start of the text it replaced.
    func originalColumn(snippet: Int, line: Int, column: Int) -> Int {
        guard snippet < lineEdits.count, let edits = lineEdits[snippet][line] else { return column }
        var delta = 0
        for edit in edits {
            let start = edit.column + delta
            if column < start { break }
            if column < start + edit.newLength { return edit.column }
            delta += edit.newLength - edit.originalLength
        }
        return column - delta
    }

    /// Compiler text whose source excerpts of edited lines show the author's line instead, with the caret
    /// line under the author's column: `tag` is `path@`, followed by `position:line:column:` in a
    /// diagnostic's first line.
    func restoringExcerpts(in text: String, tag: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var index = 0
        while index + 1 < lines.count {
            defer { index += 1 }
            guard let range = lines[index].range(of: tag) else { continue }
            let numbers = lines[index][range.upperBound...].split(separator: ":", maxSplits: 3).prefix(3).map {
                Int($0)
            }
            guard numbers.count == 3, let position = numbers[0], let line = numbers[1], let column = numbers[2],
                position < codes.count, lineEdits[position][line] != nil
            else { continue }
            let generated = codes[position].split(separator: "\n", omittingEmptySubsequences: false)
            let original = originals[position].split(separator: "\n", omittingEmptySubsequences: false)
            guard line - 1 < generated.count, line - 1 < original.count, lines[index + 1] == generated[line - 1] else {
                continue
            }
            lines[index + 1] = String(original[line - 1])
            if index + 2 < lines.count, let caret = lines[index + 2].firstIndex(of: "^"),
                lines[index + 2].allSatisfy({ $0 == " " || $0 == "^" || $0 == "~" })
            {
                let marks = lines[index + 2][caret...].trimmingCharacters(in: .whitespaces)
                let at = originalColumn(snippet: position, line: line, column: column)
                lines[index + 2] = String(repeating: " ", count: max(0, at - 1)) + marks
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Compiler or runtime text with the generated names turned back into the author's
    /// (`x__book_2` → `x`, `__book_s2.P` → `P`).
    func restoringNames(in text: String) -> String {
        guard !generatedNames.isEmpty, text.contains("__book_") else { return text }
        var text = text
        for (generated, original) in generatedNames {
            text = text.replacingOccurrences(of: generated, with: original)
        }
        return text
    }

    /// Compiler text with the author's names, where a quoted earlier, shadowed type says whose it is:
    /// "cannot convert value of type 'P' (snippet #1's) to expected argument type 'P'" (plain 'P' twice
    /// would not tell the two apart). `snippetName` names a snippet by its position in the program (`#1`).
    func restoringNames(inDiagnostics text: String, snippetName: (Int) -> String) -> String {
        guard !generatedNames.isEmpty, text.contains("__book_s") else { return restoringNames(in: text) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.contains(": error: ") || line.contains(": note: ") else {
                return restoringNames(in: String(line))
            }
            var result = ""
            var rest = line[...]
            while let range = rest.range(of: "__book_s") {
                result += rest[..<range.lowerBound]
                let digits = rest[range.upperBound...].prefix(while: \.isNumber)
                let after = rest[range.upperBound...].dropFirst(digits.count)
                let name = after.dropFirst().prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
                if let position = Int(digits), after.hasPrefix("."), !name.isEmpty,
                    generatedNames.contains(where: { $0.generated == "__book_s\(digits)." })
                {
                    let tail = after.dropFirst(1 + name.count)
                    if tail.hasPrefix("'") {
                        result += name + "' (snippet \(snippetName(position))'s)"
                        rest = tail.dropFirst()
                    } else {
                        result += name
                        rest = tail
                    }
                } else {
                    result += rest[range]
                    rest = rest[range.upperBound...]
                }
            }
            return restoringNames(in: result + rest)
        }
        return lines.joined(separator: "\n")
    }
}

/// Finds the edits of one snippet: the renamed declarations, the wrapped types and the references.
private struct Renamer {
    let snippet: Int
    let entries: [Shadowing.Entry]
    let members: [String: Set<String>]

    func edits(in syntax: SnippetSyntax) -> [Shadowing.Edit] {
        var edits: [Shadowing.Edit] = []
        var wrappedAny = false
        for entry in entries where entry.snippet == snippet && entry.shadowedAt != nil {
            let declaration = entry.declaration
            if entry.isType {
                let opening = wrappedAny ? "extension \(entry.generated) { " : "enum \(entry.generated) { "
                wrappedAny = true
                edits.append(.init(offset: declaration.start, length: 0, text: opening))
                edits.append(.init(offset: declaration.end, length: 0, text: " }"))
                // `private` at file scope means the file; inside the namespace it would mean the namespace.
                if let token = syntax.tree.token(at: AbsolutePosition(utf8Offset: declaration.start)),
                    let decl = token.ancestorOrSelf(mapping: { $0.asProtocol(WithModifiersSyntax.self) })
                {
                    for modifier in decl.modifiers
                    where modifier.name.tokenKind == .keyword(.private) && modifier.detail == nil {
                        edits.append(
                            .init(
                                offset: modifier.name.positionAfterSkippingLeadingTrivia.utf8Offset,
                                length: modifier.name.trimmedLength.utf8Length, text: "fileprivate"))
                    }
                }
            } else {
                edits.append(
                    .init(offset: declaration.nameOffset, length: declaration.nameLength, text: entry.generated))
            }
        }
        let visitor = ReferenceVisitor(viewMode: .sourceAccurate)
        visitor.walk(syntax.tree)
        for reference in visitor.references {
            if let closure = reference.capturedBy {
                // `{ [x] in ... }` captures the global `x`: spell out which one (`[x = x__book_0]`).
                guard let entry = resolve(reference), entry.isRenamed(in: snippet), entry.isVariable,
                    closure.leftBrace.previousToken(viewMode: .sourceAccurate).map({
                        isGlobal($0, name: reference.token)
                    }) ?? true
                else { continue }
                edits.append(
                    .init(
                        offset: reference.token.endPositionBeforeTrailingTrivia.utf8Offset, length: 0,
                        text: " = " + entry.generated))
                continue
            }
            if let before = reference.shorthandBefore {
                // `if let x` unwraps the global `x`: spell out which one (`if let x = x__book_0`).
                guard let entry = resolve(reference), entry.isRenamed(in: snippet), entry.isVariable,
                    isGlobal(before, name: reference.token)
                else { continue }
                edits.append(
                    .init(
                        offset: reference.token.endPositionBeforeTrailingTrivia.utf8Offset, length: 0,
                        text: " = " + entry.generated))
                continue
            }
            guard let entry = resolve(reference), entry.isRenamed(in: snippet), isGlobal(reference.token) else {
                continue
            }
            let offset = reference.token.positionAfterSkippingLeadingTrivia.utf8Offset
            if entry.isType {
                edits.append(.init(offset: offset, length: 0, text: entry.generated + "."))
            } else {
                edits.append(
                    .init(offset: offset, length: reference.token.trimmedLength.utf8Length, text: entry.generated))
            }
        }
        return edits
    }

    /// The declaration a reference means by name (the newest visible one), or nil.
    func resolve(_ reference: ReferenceVisitor.Reference) -> Shadowing.Entry? {
        let name = Identifier(reference.token)?.name ?? reference.token.text
        let offset = reference.token.positionAfterSkippingLeadingTrivia.utf8Offset
        /// Visible here: declared in an earlier snippet, or in this one (a variable only once its
        /// declaration ends, for top-level code), and not yet shadowed at this point.
        func visible(_ entry: Shadowing.Entry) -> Bool {
            guard entry.name == name, entry.snippet <= snippet else { return false }
            if entry.snippet == snippet, entry.isVariable, !reference.isDeferred, offset < entry.declaration.end {
                return false
            }
            if let shadowedAt = entry.shadowedAt, shadowedAt < snippet { return false }
            if entry.shadowedAt == snippet {
                // Redeclared in this snippet: visible to top-level code before the new variable's end.
                guard let before = entry.shadowedBefore, !reference.isDeferred, offset < before else { return false }
            }
            return true
        }
        let candidates = entries.filter(visible)
        if reference.isType { return candidates.last(where: \.isType) }
        if let variable = candidates.last(where: \.isVariable),
            !candidates.contains(where: { $0.isFunction && $0.snippet > variable.snippet })
        {
            return variable
        }
        let functions = candidates.filter(\.isFunction)
        // A type used as a value: `P(a: 1)`, `P.self`, `P.make()`.
        guard !functions.isEmpty else { return candidates.last(where: \.isType) }
        if let labels = reference.labels {
            let matching = functions.filter { entry in
                guard case .function(let parameters) = entry.declaration.kind else { return false }
                return Self.call(labels, matches: parameters, exact: reference.exactLabels)
            }
            if !matching.isEmpty {
                let generated = Set(matching.map { $0.isRenamed(in: snippet) ? $0.generated : $0.name })
                return generated.count == 1 ? matching.last : nil
            }
        }
        let generated = Set(functions.map { $0.isRenamed(in: snippet) ? $0.generated : $0.name })
        return generated.count == 1 ? functions.last : nil
    }

    /// Whether a call's argument labels (nil: a trailing closure, which fits any label) fit the
    /// parameters, skipping defaulted ones; `exact` for a reference that spells the labels (`f(a:_:)`).
    static func call(_ labels: [String??], matches parameters: [SnippetSyntax.Declaration.Parameter], exact: Bool)
        -> Bool
    {
        if exact {
            return labels.count == parameters.count && zip(labels, parameters).allSatisfy { $0 == .some($1.label) }
        }
        var index = 0
        for parameter in parameters {
            if index < labels.count, labels[index] == nil || labels[index] == .some(parameter.label) {
                index += 1
                if parameter.isVariadic { while index < labels.count, labels[index] == .some(nil) { index += 1 } }
            } else if !(parameter.hasDefault || parameter.isVariadic) {
                return false
            }
        }
        return index == labels.count
    }

    /// Whether the name at `token` means a file-scope declaration: no local of that name is in scope and
    /// no enclosing type body in this program declares a member of that name.
    /// - Parameter name: the name looked up at `token`'s position (by default the token's own).
    func isGlobal(_ token: TokenSyntax, name: TokenSyntax? = nil) -> Bool {
        guard let identifier = Identifier(name ?? token) else { return false }
        for result in token.lookup(identifier) {
            switch result {
            case .fromScope(let scope, let names):
                if !names.isEmpty, !scope.is(SourceFileSyntax.self) { return false }
            case .lookForMembers(let scope):
                guard let body = SnippetSyntax.typeBody(scope) else { continue }
                if members[body.type, default: []].contains(identifier.name) { return false }
                // An extension of a type declared elsewhere (`extension Array`, `extension Tensor`): its
                // members are unknown here, and Swift prefers a member to a global, so the name is left
                // to the compiler (`shape` in `extension Tensor` means `self.shape`).
                if scope.is(ExtensionDeclSyntax.self), !entries.contains(where: { $0.isType && $0.name == body.type }) {
                    return false
                }
            default:
                continue
            }
        }
        return true
    }
}

/// The names a snippet's code uses: value references (`x`, `f(a: 1)`, not `a.x` or `.x`) and type
/// references (`P`, `[P]`, `extension P`).
private final class ReferenceVisitor: SyntaxVisitor {
    struct Reference {
        var token: TokenSyntax
        var isType: Bool
        /// Inside a function, closure, accessor or type body: runs later, when the whole snippet is declared.
        var isDeferred: Bool
        /// A call's argument labels (`f(a: 1, 2) {}` → a, _, trailing) or a spelt name's (`f(a:_:)`).
        var labels: [String??]?
        var exactLabels = false
        /// For a capture without an initializer (`[x]`): the closure that captures it.
        var capturedBy: ClosureExprSyntax?
        /// For an `if let x` / `guard let x` shorthand: the token before its condition, where `x` is looked
        /// up (the binding itself declares a local `x`, which hides the global from the binding's own token).
        var shorthandBefore: TokenSyntax?
    }

    override func visit(_ node: OptionalBindingConditionSyntax) -> SyntaxVisitorContinueKind {
        if node.initializer == nil, let pattern = node.pattern.as(IdentifierPatternSyntax.self),
            case .identifier = pattern.identifier.tokenKind,
            let before = node.firstToken(viewMode: .sourceAccurate)?.previousToken(viewMode: .sourceAccurate)
        {
            references.append(
                Reference(
                    token: pattern.identifier, isType: false, isDeferred: Self.isDeferred(node),
                    shorthandBefore: before))
        }
        return .visitChildren
    }

    override func visit(_ node: ClosureCaptureSyntax) -> SyntaxVisitorContinueKind {
        if node.initializer == nil, case .identifier = node.name.tokenKind,
            let closure = node.ancestorOrSelf(mapping: { $0.as(ClosureExprSyntax.self) })
        {
            references.append(Reference(token: node.name, isType: false, isDeferred: true, capturedBy: closure))
        }
        return .visitChildren
    }

    var references: [Reference] = []

    override func visit(_ node: DeclReferenceExprSyntax) -> SyntaxVisitorContinueKind {
        guard case .identifier = node.baseName.tokenKind else { return .visitChildren }
        if let parent = node.parent {
            if let member = parent.as(MemberAccessExprSyntax.self), member.declName.id == node.id {
                return .visitChildren
            }
            if parent.is(KeyPathPropertyComponentSyntax.self) { return .visitChildren }
        }
        var reference = Reference(token: node.baseName, isType: false, isDeferred: Self.isDeferred(node))
        if let names = node.argumentNames {
            reference.labels = names.arguments.map { $0.name.tokenKind == .wildcard ? .some(nil) : .some($0.name.text) }
            reference.exactLabels = true
        } else if let call = node.parent?.as(FunctionCallExprSyntax.self), call.calledExpression.id == node.id {
            var labels: [String??] = call.arguments.map { .some($0.label?.text) }
            if call.trailingClosure != nil { labels.append(nil) }
            labels += call.additionalTrailingClosures.map { .some($0.label.text) }
            reference.labels = labels
        }
        references.append(reference)
        return .visitChildren
    }

    override func visit(_ node: IdentifierTypeSyntax) -> SyntaxVisitorContinueKind {
        if case .identifier = node.name.tokenKind {
            references.append(Reference(token: node.name, isType: true, isDeferred: Self.isDeferred(node)))
        }
        return .visitChildren
    }

    static func isDeferred(_ node: some SyntaxProtocol) -> Bool {
        var current = node.parent
        while let syntax = current {
            if syntax.is(FunctionDeclSyntax.self) || syntax.is(ClosureExprSyntax.self)
                || syntax.is(AccessorBlockSyntax.self)
                || syntax.is(MemberBlockSyntax.self) || syntax.is(InitializerDeclSyntax.self)
            {
                return true
            }
            current = syntax.parent
        }
        return false
    }
}
