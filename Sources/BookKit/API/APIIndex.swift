/// Where each symbol of an `APIReference` is documented in the site, and how names find symbols: the one
/// lookup table that the reference pages, the doc-comment links and the snippet links share.
///
/// Pages: `api.html` (the overview), `api.MODULE.html` (free functions, variables, operators and extensions of
/// other modules' types) and `api.MODULE.TYPE.html` per top-level type (its nested types and members). None can
/// be a chapter's page: slugs are lowercase letters, digits and `-`, and `api` is reserved.
/// Anchors are the symbol's path below its page (`init(hiddenSize:types:)`, `Config.poolSize`), with characters
/// other than letters, digits and `_:().` spelt as `-XX` (their code), and `-2`, `-3` for overloads that share a
/// title: unique on their page, the same from build to build.
public struct APIIndex: Sendable {
    public let reference: APIReference
    /// Symbol id → index in `reference.symbols`.
    private let byID: [String: Int]
    /// Symbol id → site path and anchor (nil for a type's own page).
    private let places: [String: (page: String, anchor: String?)]
    /// Top-level types by name, over both modules.
    private let typesByName: [String: [Int]]
    /// Top-level functions and variables by base name.
    private let globalsByName: [String: [Int]]
    /// Members (any depth) by base name.
    private let membersByName: [String: [Int]]
    /// Parent id → its members' indices.
    private let children: [String: [Int]]

    public static let overviewPage = "api.html"

    public init(_ reference: APIReference) {
        self.reference = reference
        var byID: [String: Int] = [:]
        var types: [String: [Int]] = [:], globals: [String: [Int]] = [:], members: [String: [Int]] = [:]
        var children: [String: [Int]] = [:]
        for (index, symbol) in reference.symbols.enumerated() {
            byID[symbol.id] = index
            if symbol.path.count == 1 {
                if symbol.isType {
                    types[symbol.title, default: []].append(index)
                } else if !symbol.isOperator {
                    globals[symbol.baseName, default: []].append(index)
                }
            } else {
                members[symbol.baseName, default: []].append(index)
            }
            if let parent = symbol.parent { children[parent, default: []].append(index) }
        }
        var topTypes: [String: APIReference.Symbol] = [:]
        for symbol in reference.symbols where symbol.path.count == 1 && symbol.isType {
            topTypes[symbol.module + "\u{0}" + symbol.title] = symbol
        }
        var places: [String: (page: String, anchor: String?)] = [:]
        var used: [String: Set<String>] = [:]
        for symbol in reference.symbols {
            let page: String
            var anchorPath: [String]
            let top = symbol.path.count > 1 ? topTypes[symbol.module + "\u{0}" + symbol.path[0]] : nil
            if symbol.path.count == 1, symbol.isType {
                places[symbol.id] = (Self.typePage(module: symbol.module, name: symbol.title), nil)
                continue
            } else if let top {
                page = Self.typePage(module: top.module, name: top.title)
                anchorPath = Array(symbol.path.dropFirst())
            } else {
                page = Self.modulePage(symbol.module)
                anchorPath = symbol.path
            }
            if anchorPath.isEmpty { anchorPath = [symbol.title] }
            let base = Self.anchor(anchorPath.joined(separator: "."))
            var anchor = base, n = 2
            while used[page, default: []].contains(anchor) { anchor = "\(base)-\(n)"; n += 1 }
            used[page, default: []].insert(anchor)
            places[symbol.id] = (page, anchor)
        }
        self.byID = byID
        self.places = places
        typesByName = types
        globalsByName = globals
        membersByName = members
        self.children = children
    }

    public static func typePage(module: String, name: String) -> String { "api.\(module).\(name).html" }
    public static func modulePage(_ module: String) -> String { "api.\(module).html" }

    static func anchor(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if (scalar.properties.isAlphabetic && scalar.isASCII) || ("0"..."9").contains(scalar)
                || "_:().".unicodeScalars.contains(scalar)
            {
                result.unicodeScalars.append(scalar)
            } else {
                result += "-" + String(scalar.value, radix: 16, uppercase: true)
            }
        }
        return result
    }

    public func symbol(_ id: String) -> APIReference.Symbol? { byID[id].map { reference.symbols[$0] } }

    /// `api.Kexue.GlobalPointer.html#init(hiddenSize:types:)`, relative to the site's top.
    public func href(_ id: String) -> String? {
        guard let place = places[id] else { return nil }
        return place.page + (place.anchor.map { "#" + $0 } ?? "")
    }

    public func page(of id: String) -> String? { places[id]?.page }
    public func anchor(of id: String) -> String? { places[id]?.anchor }

    /// Every page the reference has (overview first).
    public var pages: [String] {
        [Self.overviewPage] + reference.modules.map(Self.modulePage)
            + topLevelTypes.map { Self.typePage(module: $0.module, name: $0.title) }
    }

    public var topLevelTypes: [APIReference.Symbol] { reference.symbols.filter { $0.path.count == 1 && $0.isType } }

    public func members(of id: String) -> [APIReference.Symbol] {
        (children[id] ?? []).map { reference.symbols[$0] }
    }

    public func types(named name: String) -> [APIReference.Symbol] {
        (typesByName[name] ?? []).map { reference.symbols[$0] }
    }

    public func globals(named name: String) -> [APIReference.Symbol] {
        (globalsByName[name] ?? []).map { reference.symbols[$0] }
    }

    /// Members of any type with this base name.
    public func members(named name: String) -> [APIReference.Symbol] {
        (membersByName[name] ?? []).map { reference.symbols[$0] }
    }

    /// Members of the type `id` (or of a type it conforms to in the reference) with this base name.
    public func members(of id: String, named name: String) -> [APIReference.Symbol] {
        var found = members(of: id).filter { $0.baseName == name }
        if found.isEmpty, let type = symbol(id) {
            for conformance in reference.conformances[id] ?? [] {
                for protocolType in types(named: conformance) where protocolType.id != type.id {
                    found += members(of: protocolType.id).filter { $0.baseName == name }
                }
            }
        }
        return found
    }

    /// The symbol a documentation link names (``GlobalPointer``, ``Tensor/shape``, ``Kexue/softmax(_:)``,
    /// and `Tensor.shape` in code voice), looked up as DocC does: from the scope of `context` outwards
    /// (its own members, its parent's, ... the module's), then from the top of either module.
    public func resolve(_ link: String, from context: APIReference.Symbol?) -> APIReference.Symbol? {
        var components = Self.linkComponents(link)
        guard !components.isEmpty else { return nil }
        if components.count > 1, reference.modules.contains(components[0]) { components.removeFirst() }
        var scopes: [[String]] = []
        if let context {
            var path = context.path
            // A function's own scope holds nothing nameable; start at the symbol itself for types.
            if !context.isType { path.removeLast() }
            while true {
                scopes.append(path)
                if path.isEmpty { break }
                path.removeLast()
            }
        } else {
            scopes = [[]]
        }
        for scope in scopes {
            if let found = lookup(scope + components) { return found }
        }
        return nil
    }

    private func lookup(_ path: [String]) -> APIReference.Symbol? {
        guard let last = path.last else { return nil }
        let candidates: [APIReference.Symbol] =
            path.count == 1 ? types(named: last) + globals(named: Self.base(last)) : members(named: Self.base(last))
        return candidates.first { symbol in
            symbol.path.count == path.count && zip(symbol.path.dropLast(), path.dropLast()).allSatisfy(==)
                && (symbol.title == last || (!last.contains("(") && symbol.baseName == last))
        }
            ?? candidates.first { symbol in
                // An operator or a title spelt with its disambiguation (`init(_:)-3fa2`).
                symbol.path.count == path.count && zip(symbol.path.dropLast(), path.dropLast()).allSatisfy(==)
                    && last.hasPrefix(symbol.title)
            }
    }

    private static func base(_ name: String) -> String {
        name.firstIndex(of: "(").map { String(name[..<$0]) } ?? name
    }

    /// `Tensor/shape` and `Tensor.shape` → ["Tensor", "shape"]; dots inside parentheses stay.
    static func linkComponents(_ link: String) -> [String] {
        var components: [String] = []
        var current = ""
        var depth = 0
        for character in link {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if depth == 0, character == "/" || character == "." {
                components.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        components.append(current)
        return components.filter { !$0.isEmpty }
    }
}
