import SwiftLexicalLookup
import SwiftParser
import SwiftSyntax

/// Which identifiers of a chapter's snippets name the library's public API, and where its reference documents
/// each: snippet index → UTF-8 offset of the identifier in the snippet's code → link (`SwiftHighlighter` wraps
/// the identifier it lexes at that offset).
///
/// Read with the compiler's parser, never by matching text, so nothing in a string literal or a comment links.
/// A name links only when it means the library's symbol:
/// - not when a local of that name is in scope (parameter, closure parameter, local `let`, `if let`, generic
///   parameter: `SwiftLexicalLookup`), nor when this snippet or an earlier one of the chapter declares it at file
///   scope (the chapter's own `softmax` hides the library's), nor inside a type or extension body of the chapter
///   where a member of that name may be meant;
/// - a type name links to the type; a call `T(a:b:)` to the initialiser whose argument labels fit (defaulted
///   parameters may be left out), else to the type; a call of a free function to the overload whose labels fit;
/// - `T.member` and `x.member`, with `T` a library type or `x` a variable the chapter binds to `T(...)` or
///   annotates `: T`, link to `T`'s member of that name (labels choosing among overloads); `.member` on a value of
///   unknown type, and `.member` alone, only when exactly one symbol of the library has that name and the chapter
///   declares no member of that name.
/// Argument labels, declarations' own names and operators are never linked.
enum SnippetLinks {
    static func links(for snippets: [Snippet], index: APIIndex) -> [Int: [Int: String]] {
        let trees = snippets.map { Parser.parse(source: $0.code) }
        // Names the chapter's own types and extensions declare as members: `.x` may mean one of them.
        var chapterMembers = Set<String>()
        var chapterTypes = Set<String>()
        var variableTypes: [String: String?] = [:]
        for tree in trees {
            let collector = DeclarationCollector(index: index)
            collector.walk(tree)
            chapterMembers.formUnion(collector.members)
            chapterTypes.formUnion(collector.types)
            for (name, type) in collector.variableTypes {
                if let known = variableTypes[name], known != type {
                    variableTypes[name] = .some(nil)
                } else {
                    variableTypes[name] = type
                }
            }
        }
        // A variable of a type the chapter declares under a library type's name is of the chapter's type.
        for (name, type) in variableTypes {
            if let type, let symbol = index.symbol(type), chapterTypes.contains(symbol.title) {
                variableTypes[name] = .some(nil)
            }
        }
        var declaredBefore = Set<String>()
        var result: [Int: [Int: String]] = [:]
        for (snippet, tree) in zip(snippets, trees) {
            // The snippet's own file-scope names hide the library's too (the lexical lookup of top-level code
            // does not report them).
            let declaredHere = SnippetSyntax(code: snippet.code).declaredNames
            let visitor = LinkVisitor(
                index: index, declaredBefore: declaredBefore.union(declaredHere), chapterMembers: chapterMembers,
                chapterTypes: chapterTypes, variableTypes: variableTypes.compactMapValues { $0 })
            visitor.walk(tree)
            if !visitor.links.isEmpty { result[snippet.index] = visitor.links }
            declaredBefore.formUnion(declaredHere)
        }
        return result
    }

    /// Whether a call's argument labels (`.some(nil)` unlabelled, nil a trailing closure, which fits any) fit
    /// the parameters, defaulted ones may be skipped.
    static func call(_ labels: [String??], fits parameters: [APIReference.Parameter]) -> Bool {
        var index = 0
        for parameter in parameters {
            if index < labels.count, labels[index] == nil || labels[index] == .some(parameter.label) {
                index += 1
            } else if !parameter.hasDefault {
                return false
            }
        }
        return index == labels.count
    }
}

/// The chapter's own declarations: member names of its types and extensions, its type names, and the library
/// type of each variable it binds to `T(...)` or annotates `: T`.
private final class DeclarationCollector: SyntaxVisitor {
    let index: APIIndex
    var members = Set<String>()
    var types = Set<String>()
    var variableTypes: [String: String] = [:]

    init(index: APIIndex) {
        self.index = index
        super.init(viewMode: .sourceAccurate)
    }

    override func visit(_ node: MemberBlockSyntax) -> SyntaxVisitorContinueKind {
        members.formUnion(SnippetSyntax.memberNames(node))
        return .visitChildren
    }

    override func visit(_ node: StructDeclSyntax) -> SyntaxVisitorContinueKind {
        types.insert(node.name.text); return .visitChildren
    }
    override func visit(_ node: ClassDeclSyntax) -> SyntaxVisitorContinueKind {
        types.insert(node.name.text); return .visitChildren
    }
    override func visit(_ node: EnumDeclSyntax) -> SyntaxVisitorContinueKind {
        types.insert(node.name.text); return .visitChildren
    }
    override func visit(_ node: ActorDeclSyntax) -> SyntaxVisitorContinueKind {
        types.insert(node.name.text); return .visitChildren
    }
    override func visit(_ node: ProtocolDeclSyntax) -> SyntaxVisitorContinueKind {
        types.insert(node.name.text); return .visitChildren
    }
    override func visit(_ node: TypeAliasDeclSyntax) -> SyntaxVisitorContinueKind {
        types.insert(node.name.text); return .visitChildren
    }

    override func visit(_ node: PatternBindingSyntax) -> SyntaxVisitorContinueKind {
        guard let name = node.pattern.as(IdentifierPatternSyntax.self)?.identifier.text else { return .visitChildren }
        var typeName: String?
        if let annotation = node.typeAnnotation?.type.as(IdentifierTypeSyntax.self) {
            typeName = annotation.name.text
        } else if let call = node.initializer?.value.as(FunctionCallExprSyntax.self),
            let callee = call.calledExpression.as(DeclReferenceExprSyntax.self)
        {
            typeName = callee.baseName.text
        }
        if let typeName, let type = index.types(named: typeName).first {
            variableTypes[name] = type.id
        } else if variableTypes[name] == nil {
            // Bound to something else: a name bound twice to different things is not trusted.
            variableTypes[name] = ""
        }
        return .visitChildren
    }
}

private final class LinkVisitor: SyntaxVisitor {
    let index: APIIndex
    let declaredBefore: Set<String>
    let chapterMembers: Set<String>
    let chapterTypes: Set<String>
    let variableTypes: [String: String]
    var links: [Int: String] = [:]

    init(
        index: APIIndex, declaredBefore: Set<String>, chapterMembers: Set<String>, chapterTypes: Set<String>,
        variableTypes: [String: String]
    ) {
        self.index = index
        self.declaredBefore = declaredBefore
        self.chapterMembers = chapterMembers
        self.chapterTypes = chapterTypes
        self.variableTypes = variableTypes.filter { !$0.value.isEmpty }
        super.init(viewMode: .sourceAccurate)
    }

    func link(_ token: TokenSyntax, to symbol: APIReference.Symbol?) {
        guard let symbol, let href = index.href(symbol.id) else { return }
        links[token.positionAfterSkippingLeadingTrivia.utf8Offset] = href
    }

    /// Whether the name at `token` means something the chapter declares, not the library's symbol.
    func isShadowed(_ token: TokenSyntax) -> Bool {
        let name = token.text
        if declaredBefore.contains(name) || chapterTypes.contains(name) { return true }
        guard let identifier = Identifier(token) else { return true }
        for result in token.lookup(identifier) {
            switch result {
            case .fromScope(_, let names): if !names.isEmpty { return true }
            // Inside a type or extension body a bare name may be a member (declared here, or the extended
            // library type's): not linked.
            case .lookForMembers: return true
            default: continue
            }
        }
        return false
    }

    static func labels(of call: FunctionCallExprSyntax) -> [String??] {
        var labels: [String??] = call.arguments.map { .some($0.label?.text) }
        if call.trailingClosure != nil { labels.append(nil) }
        labels += call.additionalTrailingClosures.map { .some($0.label.text) }
        return labels
    }

    /// The call whose callee is `node`, if any.
    static func call(of node: some SyntaxProtocol) -> FunctionCallExprSyntax? {
        guard let call = node.parent?.as(FunctionCallExprSyntax.self), call.calledExpression.id == node.id else {
            return nil
        }
        return call
    }

    /// Among symbols of one name, those a call with these labels fits (all of them without a call).
    static func fitting(_ symbols: [APIReference.Symbol], call: FunctionCallExprSyntax?) -> [APIReference.Symbol] {
        guard let call else { return symbols }
        let labels = Self.labels(of: call)
        return symbols.filter { symbol in
            guard let parameters = symbol.parameters else { return false }
            return SnippetLinks.call(labels, fits: parameters)
        }
    }

    /// The library type a bare name means here, if any.
    func libraryType(_ token: TokenSyntax) -> APIReference.Symbol? {
        guard case .identifier = token.tokenKind, !isShadowed(token) else { return nil }
        return index.types(named: token.text).first
    }

    override func visit(_ node: DeclReferenceExprSyntax) -> SyntaxVisitorContinueKind {
        guard case .identifier = node.baseName.tokenKind else { return .visitChildren }
        if let parent = node.parent {
            if let member = parent.as(MemberAccessExprSyntax.self), member.declName.id == node.id {
                return .visitChildren
            }
            if parent.is(KeyPathPropertyComponentSyntax.self) { return .visitChildren }
        }
        guard !isShadowed(node.baseName) else { return .visitChildren }
        let name = node.baseName.text
        let call = Self.call(of: node)
        if let type = index.types(named: name).first {
            let initializers = index.members(of: type.id).filter { $0.kind == "swift.init" }
            let fits = call.map { Self.fitting(initializers, call: $0) } ?? []
            link(node.baseName, to: fits.count == 1 ? fits[0] : type)
        } else {
            link(node.baseName, to: Self.fitting(index.globals(named: name), call: call).first)
        }
        return .visitChildren
    }

    override func visit(_ node: IdentifierTypeSyntax) -> SyntaxVisitorContinueKind {
        link(node.name, to: libraryType(node.name))
        return .visitChildren
    }

    override func visit(_ node: MemberTypeSyntax) -> SyntaxVisitorContinueKind {
        if let base = node.baseType.as(IdentifierTypeSyntax.self), let type = libraryType(base.name) {
            link(node.name, to: index.members(of: type.id, named: node.name.text).first { $0.isType })
        }
        return .visitChildren
    }

    /// Members of the standard library's collections, strings and numbers: on a value of unknown type, `.map` is
    /// far more likely `Array.map` than the library's one `map`.
    static let standardLibraryMembers: Set<String> = [
        "map", "compactMap", "flatMap", "filter", "reduce", "forEach", "count", "first", "last", "min", "max",
        "sorted", "sort", "reversed", "contains", "isEmpty", "append", "insert", "remove", "removeAll", "removeLast",
        "removeFirst", "joined", "split", "enumerated", "indices", "prefix", "suffix", "dropFirst", "dropLast",
        "description", "shuffled", "allSatisfy", "firstIndex", "lastIndex", "lowercased", "uppercased", "zip",
        "keys", "values", "squareRoot", "rounded", "magnitude", "sum", "mean", "startIndex", "endIndex", "index",
        "formatted", "init", "self", "hashValue", "randomElement", "lazy", "swapAt", "partition", "elementsEqual",
        "starts", "hasPrefix", "hasSuffix", "replacingOccurrences", "components", "trimmingCharacters", "utf8",
        "unicodeScalars", "rawValue",
    ]

    override func visit(_ node: MemberAccessExprSyntax) -> SyntaxVisitorContinueKind {
        let token = node.declName.baseName
        guard case .identifier = token.tokenKind else { return .visitChildren }
        let name = token.text
        let call = Self.call(of: node)
        var knownType: APIReference.Symbol?
        if let base = node.base?.as(DeclReferenceExprSyntax.self), case .identifier = base.baseName.tokenKind {
            if let type = libraryType(base.baseName) {
                knownType = type
            } else if let typeID = variableTypes[base.baseName.text], let type = index.symbol(typeID) {
                knownType = type
            }
        }
        if let knownType {
            link(token, to: Self.fitting(index.members(of: knownType.id, named: name), call: call).first)
        } else if !chapterMembers.contains(name), !Self.standardLibraryMembers.contains(name) {
            // A member of a value whose type is not known here: only a name the library uses once.
            let candidates = Self.fitting(index.members(named: name), call: call)
            if candidates.count == 1 { link(token, to: candidates[0]) }
        }
        return .visitChildren
    }
}
