/// The parts of a symbol graph file (`swift-symbolgraph-extract`, format 0.6) that the API reference reads.
///
/// Our own `Codable` mirror, not a dependency on `SymbolKit`: only the fields below are decoded and every one
/// but the symbol's kind, identifier, path and names is optional, so a newer format that adds fields still
/// decodes.
struct SymbolGraph: Decodable {
    struct Module: Decodable {
        var name: String
    }

    struct Symbol: Decodable {
        struct Kind: Decodable {
            /// `swift.struct`, `swift.init`, `swift.method`, `swift.func.op`, ...
            var identifier: String
        }

        struct Identifier: Decodable {
            var precise: String
        }

        struct Names: Decodable {
            var title: String
        }

        struct Position: Decodable {
            /// 0-based.
            var line: Int
            /// 0-based, in UTF-8 bytes.
            var character: Int
        }

        struct Location: Decodable {
            var uri: String
            var position: Position
        }

        struct DocComment: Decodable {
            struct Line: Decodable {
                struct Range: Decodable {
                    var start: Position
                }
                var text: String
                var range: Range?
            }
            var uri: String?
            /// The module the comment was written in: another module's (`Swift`) for an inherited comment.
            var module: String?
            var lines: [Line]
        }

        struct FunctionSignature: Decodable {
            struct Parameter: Decodable {
                /// The internal name.
                var name: String
            }
            var parameters: [Parameter]?
        }

        struct Extension: Decodable {
            var extendedModule: String
        }

        var kind: Kind
        var identifier: Identifier
        var pathComponents: [String]
        var names: Names
        var declarationFragments: [Fragment]?
        var docComment: DocComment?
        var functionSignature: FunctionSignature?
        var location: Location?
        var swiftExtension: Extension?
    }

    struct Fragment: Decodable {
        /// `keyword`, `identifier`, `typeIdentifier`, `externalParam`, `internalParam`, `text`, ...
        var kind: String
        var spelling: String
        var preciseIdentifier: String?
    }

    struct Relationship: Decodable {
        /// `memberOf`, `conformsTo`, `requirementOf`, `inheritsFrom`, ...
        var kind: String
        var source: String
        var target: String
        /// The target's name when it is not in this graph (`Sendable`, `Array`).
        var targetFallback: String?
    }

    var module: Module
    var symbols: [Symbol]
    var relationships: [Relationship]
}
