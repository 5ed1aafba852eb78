import Foundation

/// The public API of the library (`Kernels`, `Kexue`) as the reference pages and the snippet links need it:
/// every public symbol the compiler declared from source, with its declaration, doc comment, parameters and
/// place, in a stable order.
///
/// Built from the toolchain's symbol graphs (`APIExtraction`); what it keeps is the whole input of the pages,
/// the links and the doc-comment audit, so a warm build reads this (cached as JSON) and nothing else.
/// Guarantees: symbols are sorted by module, then path; symbols the compiler synthesised (no source location:
/// `init(rawValue:)`, default implementations) are left out; every `parent` names a symbol of the reference or
/// a type of another module (`Array`), given in `parentName`.
public struct APIReference: Codable, Sendable, Equatable {
    public struct Fragment: Codable, Sendable, Equatable {
        public var kind: String
        public var spelling: String
        /// The precise identifier of the symbol a type name refers to (links in declarations).
        public var target: String?
    }

    /// A parameter as a call sees it.
    public struct Parameter: Codable, Sendable, Equatable {
        /// The argument label; nil for `_`.
        public var label: String?
        /// The name inside the function (what `- Parameter name:` documents).
        public var name: String
        public var hasDefault: Bool
    }

    /// A place in the package's sources: path relative to the package root, 1-based line and UTF-8 column.
    public struct Place: Codable, Sendable, Hashable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var column: Int
        public var description: String { "\(file):\(line):\(column)" }
    }

    public struct DocLine: Codable, Sendable, Equatable {
        public var text: String
        /// Where the line's text starts (nil when the graph does not say).
        public var place: Place?
    }

    public struct Symbol: Codable, Sendable, Equatable {
        public var id: String
        public var module: String
        /// `swift.struct`, `swift.init`, ...
        public var kind: String
        /// `["GlobalPointer", "init(hiddenSize:types:headSize:rope:triangleMask:rng:name:)"]`
        public var path: [String]
        public var title: String
        public var declaration: [Fragment]
        /// The doc comment written for this symbol or inherited from a protocol requirement; empty when none.
        public var doc: [DocLine]
        /// Whether `doc` was written in another module (a standard-library protocol's comment).
        public var docInherited: Bool
        /// For functions, initialisers and subscripts.
        public var parameters: [Parameter]?
        public var place: Place?
        /// The enclosing symbol (`memberOf`), if any.
        public var parent: String?
        /// The enclosing type's name when it belongs to another module (an extension of `Array`).
        public var parentName: String?

        /// The name without arguments: `init`, `forward`, `GlobalPointer`.
        public var baseName: String {
            guard let open = title.firstIndex(of: "("), !isOperator else { return title }
            return String(title[..<open])
        }
        public var isType: Bool {
            ["swift.struct", "swift.class", "swift.enum", "swift.protocol", "swift.typealias", "swift.actor"]
                .contains(kind)
        }
        public var isOperator: Bool { kind == "swift.func.op" }
        public var isCallable: Bool { parameters != nil }
        /// One word for the kind, as a reader says it.
        public var kindName: String {
            switch kind {
            case "swift.struct": "struct"
            case "swift.class": "class"
            case "swift.enum": "enum"
            case "swift.protocol": "protocol"
            case "swift.typealias": "typealias"
            case "swift.actor": "actor"
            case "swift.enum.case": "case"
            case "swift.init": "initializer"
            case "swift.method": "method"
            case "swift.type.method": "static method"
            case "swift.property": "property"
            case "swift.type.property": "static property"
            case "swift.func": "function"
            case "swift.func.op": "operator"
            case "swift.subscript": "subscript"
            case "swift.var": "variable"
            case "swift.associatedtype": "associated type"
            default: String(kind.split(separator: ".").last ?? "")
            }
        }
        /// The doc comment's text, lines joined.
        public var docText: String { doc.map(\.text).joined(separator: "\n") }
    }

    /// `conformsTo` and `inheritsFrom` of a type: type id → names, in graph order.
    public var conformances: [String: [String]]
    public var modules: [String]
    public var symbols: [Symbol]

    public init(modules: [String], symbols: [Symbol], conformances: [String: [String]]) {
        self.modules = modules
        self.symbols = symbols.sorted {
            ($0.module, $0.path.joined(separator: "\u{0}"), $0.id) < (
                $1.module, $1.path.joined(separator: "\u{0}"), $1.id
            )
        }
        self.conformances = conformances
    }

    /// Builds the reference from the graphs of the modules (`Kexue.symbols.json`, `Kexue@Swift.symbols.json`, ...).
    /// - Parameter packageRoot: paths in the graphs are made relative to it (after `/Sources/`, so a build
    ///   folder copied from another checkout still names this one's files).
    static func from(graphs: [SymbolGraph], modules: [String]) -> APIReference {
        var symbols: [Symbol] = []
        var conformances: [String: [String]] = [:]
        for graph in graphs {
            let module = modules.first { graph.module.name == $0 } ?? graph.module.name
            var parents: [String: String] = [:]
            var fallbackNames: [String: String] = [:]
            for relationship in graph.relationships {
                switch relationship.kind {
                case "memberOf", "requirementOf", "optionalRequirementOf":
                    parents[relationship.source] = relationship.target
                    if let name = relationship.targetFallback { fallbackNames[relationship.target] = name }
                case "conformsTo", "inheritsFrom":
                    let name =
                        relationship.targetFallback
                        ?? graph.symbols.first { $0.identifier.precise == relationship.target }?.names.title
                    if let name, !(conformances[relationship.source]?.contains(name) ?? false) {
                        conformances[relationship.source, default: []].append(name)
                    }
                default: break
                }
            }
            for symbol in graph.symbols {
                // Synthesised by the compiler (no place in the sources): nothing to document or audit.
                guard let location = symbol.location, !symbol.identifier.precise.contains("::SYNTHESIZED::") else {
                    continue
                }
                let fragments = symbol.declarationFragments ?? []
                let doc = symbol.docComment
                let docInherited = doc.map { ($0.module ?? module) != module } ?? false
                let docFile = doc?.uri.flatMap(Self.relativePath)
                let parent = parents[symbol.identifier.precise]
                symbols.append(
                    Symbol(
                        id: symbol.identifier.precise, module: module, kind: symbol.kind.identifier,
                        path: symbol.pathComponents, title: symbol.names.title,
                        declaration: fragments.map {
                            Fragment(kind: $0.kind, spelling: $0.spelling, target: $0.preciseIdentifier)
                        },
                        doc: (doc?.lines ?? []).map { line in
                            DocLine(
                                text: line.text,
                                place: Self.place(docInherited ? nil : docFile, line.range?.start))
                        },
                        docInherited: docInherited,
                        parameters: symbol.functionSignature.map {
                            Self.parameters(names: ($0.parameters ?? []).map(\.name), fragments: fragments)
                        },
                        place: Self.relativePath(location.uri).map {
                            Place(file: $0, line: location.position.line + 1, column: location.position.character + 1)
                        },
                        parent: parent, parentName: parent.flatMap { fallbackNames[$0] }))
            }
        }
        return APIReference(modules: modules, symbols: symbols, conformances: conformances)
    }

    static func place(_ file: String?, _ position: SymbolGraph.Symbol.Position?) -> Place? {
        guard let file, let position else { return nil }
        return Place(file: file, line: position.line + 1, column: position.character + 1)
    }

    /// `file:///x/y/Sources/Kexue/A.swift` → `Sources/Kexue/A.swift` (the last `/Sources/` in the path).
    static func relativePath(_ uri: String) -> String? {
        let path = uri.hasPrefix("file://") ? String(uri.dropFirst("file://".count)) : uri
        let decoded = path.removingPercentEncoding ?? path
        guard let range = decoded.range(of: "/Sources/", options: .backwards) else { return decoded }
        return String(decoded[decoded.index(after: range.lowerBound)...])
    }

    /// Labels and defaults from the declaration (`init(_ x: Int, scale: Double = 1)`): a parameter starts at
    /// an `externalParam` fragment, or at an `internalParam` with none before it; a `=` in the text after it,
    /// before the next parameter, is a default value.
    static func parameters(names: [String], fragments: [SymbolGraph.Fragment]) -> [Parameter] {
        var found: [Parameter] = []
        var depth = 0
        var pendingLabel: String??
        for fragment in fragments {
            if fragment.kind == "text" {
                var previous: Character = " "
                for character in fragment.spelling {
                    if "([<".contains(character) { depth += 1 }
                    // `->` in a closure type closes nothing.
                    if ")]".contains(character) || (character == ">" && previous != "-") { depth -= 1 }
                    if character == "=", depth == 1, !found.isEmpty { found[found.count - 1].hasDefault = true }
                    previous = character
                }
                continue
            }
            guard depth == 1 else { continue }
            if fragment.kind == "externalParam" {
                pendingLabel = .some(fragment.spelling == "_" ? nil : fragment.spelling)
                found.append(
                    Parameter(
                        label: fragment.spelling == "_" ? nil : fragment.spelling, name: fragment.spelling,
                        hasDefault: false))
            } else if fragment.kind == "internalParam" {
                if pendingLabel != nil {
                    found[found.count - 1].name = fragment.spelling
                } else {
                    // No label fragment before it: in a subscript the name is not a label.
                    found.append(Parameter(label: nil, name: fragment.spelling, hasDefault: false))
                }
                pendingLabel = nil
                continue
            }
            if fragment.kind != "externalParam" { pendingLabel = nil }
        }
        // The graph's own list is authoritative for the count; the fragments give labels and internal names.
        guard found.count == names.count else {
            return names.map { Parameter(label: $0, name: $0, hasDefault: false) }
        }
        return found
    }
}
