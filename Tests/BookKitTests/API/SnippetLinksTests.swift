import Foundation
import Testing

@testable import BookKit

/// Identifier links in snippets (`SnippetLinks` through `SwiftHighlighter`), against a small hand-made reference:
/// links where a name means the library's symbol, none for a local that shadows it, a string or a comment.
@Suite struct SnippetLinksTests {
    static func symbol(
        _ path: [String], kind: String, parent: String? = nil, parameters: [APIReference.Parameter]? = nil
    ) -> APIReference.Symbol {
        APIReference.Symbol(
            id: "s:" + path.joined(separator: "."), module: "Kexue", kind: kind, path: path, title: path.last!,
            declaration: [], doc: [APIReference.DocLine(text: "Doc.", place: nil)], docInherited: false,
            parameters: parameters, place: nil, parent: parent, parentName: nil)
    }

    static func p(_ label: String?, default hasDefault: Bool = false) -> APIReference.Parameter {
        APIReference.Parameter(label: label, name: label ?? "x", hasDefault: hasDefault)
    }

    static let index = APIIndex(
        APIReference(
            modules: ["Kexue"],
            symbols: [
                symbol(["GlobalPointer"], kind: "swift.class"),
                symbol(
                    ["GlobalPointer", "init(hiddenSize:types:headSize:rope:rng:)"], kind: "swift.init",
                    parent: "s:GlobalPointer",
                    parameters: [p("hiddenSize"), p("types"), p("headSize"), p("rope", default: true), p("rng")]),
                symbol(
                    ["GlobalPointer", "init(config:)"], kind: "swift.init", parent: "s:GlobalPointer",
                    parameters: [p("config")]),
                symbol(
                    ["GlobalPointer", "forward(_:)"], kind: "swift.method", parent: "s:GlobalPointer",
                    parameters: [p(nil)]),
                symbol(["GlobalPointer", "shape"], kind: "swift.property", parent: "s:GlobalPointer"),
                symbol(["Tensor"], kind: "swift.struct"),
                symbol(["Tensor", "shape"], kind: "swift.property", parent: "s:Tensor"),
                symbol(["Tensor", "zeros(_:)"], kind: "swift.type.method", parent: "s:Tensor", parameters: [p(nil)]),
                symbol(["Tensor", "sum()"], kind: "swift.method", parent: "s:Tensor", parameters: []),
                symbol(["softmax(_:)"], kind: "swift.func", parameters: [p(nil)]),
            ], conformances: [:]))

    static func snippets(_ codes: [String]) -> [Snippet] {
        codes.enumerated().map { index, code in
            Snippet(
                index: index, info: SnippetInfo(), code: code, fence: SourcePosition(file: "c.md", line: 1), endLine: 2)
        }
    }

    /// The linked identifiers of each snippet's page HTML, as `name→href`, in order.
    static func linked(_ codes: [String]) -> [[String]] {
        let snippets = snippets(codes)
        let links = SnippetLinks.links(for: snippets, index: index)
        return snippets.map { snippet in
            let html = SwiftHighlighter.html(snippet.code, links: links[snippet.index] ?? [:])
            var found: [String] = []
            var rest = Substring(html)
            while let open = rest.range(of: "<a class=\"api-link\" href=\"") {
                let afterHref = rest[open.upperBound...]
                let hrefEnd = afterHref.firstIndex(of: "\"")!
                let href = afterHref[..<hrefEnd]
                let close = afterHref.range(of: "</a>")!
                let inner = afterHref[afterHref.index(after: hrefEnd)..<close.lowerBound]
                let text = inner.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
                    .dropFirst()  // the `>` of the <a>
                found.append("\(text)→\(href)")
                rest = afterHref[close.upperBound...]
            }
            return found
        }
    }

    @Test func typesCallsAndMembersLink() {
        let found = Self.linked([
            "var rng = 1\nlet gp = GlobalPointer(hiddenSize: 4, types: 2, headSize: 2, rng: &rng)\nlet t: Tensor = .zeros(3)\nlet y = gp.forward(t)\nprint(softmax(y), Tensor.zeros(2), t.sum())"
        ])
        #expect(
            found[0] == [
                "GlobalPointer→api.Kexue.GlobalPointer.html#init(hiddenSize:types:headSize:rope:rng:)",
                "Tensor→api.Kexue.Tensor.html",
                "zeros→api.Kexue.Tensor.html#zeros(_:)",
                "forward→api.Kexue.GlobalPointer.html#forward(_:)",
                "softmax→api.Kexue.html#softmax(_:)",
                "Tensor→api.Kexue.Tensor.html",
                "zeros→api.Kexue.Tensor.html#zeros(_:)",
                "sum→api.Kexue.Tensor.html#sum()",
            ], "\(found[0])")
    }

    /// A call whose labels fit no initialiser links the type; a member of a value of unknown type links only
    /// when one symbol of the library has that name (`shape` is on two types).
    @Test func unresolvedInitialiserAndAmbiguousMember() {
        let found = Self.linked([
            "let a = GlobalPointer(width: 3)\nlet n = makeSomething().shape\nlet m = makeSomething().forward(1)\nlet s = a.shape"
        ])
        #expect(
            found[0] == [
                "GlobalPointer→api.Kexue.GlobalPointer.html",
                "forward→api.Kexue.GlobalPointer.html#forward(_:)",
                // `a` is bound to a GlobalPointer: its `shape` is that type's.
                "shape→api.Kexue.GlobalPointer.html#shape",
            ], "\(found[0])")
    }

    @Test func stringsAndCommentsNeverLink() {
        let found = Self.linked([
            "// GlobalPointer and softmax(x) in a comment\nprint(\"GlobalPointer softmax(x) \\(1)\")\n/* Tensor */ let s = \"\"\"\nTensor\n\"\"\""
        ])
        #expect(found[0].isEmpty, "\(found[0])")
    }

    /// Parameters, closure parameters, locals and a chapter's own declarations hide the library's names; an
    /// earlier snippet keeps its link when a later one declares the name.
    @Test func shadowedNamesDoNotLink() {
        let found = Self.linked([
            "print(softmax(1))",
            "func f(softmax: Int) -> Int { softmax }\nlet g = { (softmax: Int) in softmax }\nfunc h() { let softmax = 2; print(softmax) }",
            "let softmax = 3\nprint(softmax)",
            "print(softmax)\nstruct Tensor { var sum = 0 }\nlet t = Tensor()\nprint(t.sum)",
        ])
        #expect(found[0] == ["softmax→api.Kexue.html#softmax(_:)"], "\(found[0])")
        #expect(found[1].isEmpty, "\(found[1])")
        #expect(found[2].isEmpty, "\(found[2])")
        #expect(found[3].isEmpty, "\(found[3])")
    }
}
