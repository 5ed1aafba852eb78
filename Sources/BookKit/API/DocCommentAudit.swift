import Foundation

/// A problem with the library's documentation: not fatal, listed in the build's summary.
public struct DocWarning: Sendable, Hashable, CustomStringConvertible {
    public var place: APIReference.Place?
    public var message: String

    /// `Sources/Kexue/A.swift:12:5: warning: ...`, control characters escaped like errors.
    public var description: String {
        BookError.escapingControls((place.map { "\($0): " } ?? "") + "warning: " + message)
    }
}

/// Checks the doc comments of the library's public API (`APIReference`): what a reader of the reference pages
/// would find missing or wrong.
///
/// Reported, one warning each, at the symbol's or the comment's place:
/// - a public symbol with no doc comment (one inherited from a protocol requirement counts as documented);
/// - `- Parameter x:`, or `x:` in a `- Parameters:` list, where the symbol has no parameter named `x` (neither
///   its argument label nor its internal name);
/// - a ``Symbol`` link that names no symbol of the library (resolved as `APIIndex.resolve` does, from the
///   commented symbol's scope outwards).
/// Code blocks in comments (fenced or indented by four) are not read.
public enum DocCommentAudit {
    public static func warnings(_ index: APIIndex) -> [DocWarning] {
        var warnings: [DocWarning] = []
        for symbol in index.reference.symbols {
            let name = symbol.path.joined(separator: ".")
            if symbol.doc.allSatisfy({ $0.text.trimmingCharacters(in: .whitespaces).isEmpty }) {
                warnings.append(
                    DocWarning(
                        place: symbol.place,
                        message: "public \(symbol.kindName) '\(name)' has no doc comment"))
                continue
            }
            guard !symbol.docInherited else { continue }
            let parameterNames = Set(
                (symbol.parameters ?? []).flatMap { [$0.name] + ($0.label.map { [$0] } ?? []) })
            for (line, column, documented) in documentedParameters(symbol.doc)
            where !parameterNames.contains(documented) {
                let known = (symbol.parameters ?? []).map(\.name)
                warnings.append(
                    DocWarning(
                        place: line.place.map {
                            APIReference.Place(file: $0.file, line: $0.line, column: $0.column + column)
                        },
                        message:
                            "the doc comment of '\(name)' documents a parameter '\(documented)' that it does not have"
                            + (known.isEmpty
                                ? " (it takes none)" : " (its parameters: \(known.joined(separator: ", ")))")))
            }
            for (line, column, link) in symbolLinks(symbol.doc) where index.resolve(link, from: symbol) == nil {
                warnings.append(
                    DocWarning(
                        place: line.place.map {
                            APIReference.Place(file: $0.file, line: $0.line, column: $0.column + column)
                        },
                        message: "the doc comment of '\(name)' links ``\(link)``, which names no symbol of the library")
                )
            }
        }
        return warnings.sorted {
            ($0.place?.file ?? "", $0.place?.line ?? 0, $0.place?.column ?? 0, $0.message)
                < ($1.place?.file ?? "", $1.place?.line ?? 0, $1.place?.column ?? 0, $1.message)
        }
    }

    /// The lines outside code blocks.
    static func proseLines(_ doc: [APIReference.DocLine]) -> [APIReference.DocLine] {
        var inFence = false
        var result: [APIReference.DocLine] = []
        for line in doc {
            let trimmed = line.text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inFence.toggle()
                continue
            }
            if inFence || line.text.hasPrefix("    ") && !trimmed.hasPrefix("-") && !trimmed.hasPrefix("*") {
                continue
            }
            result.append(line)
        }
        return result
    }

    /// Each documented parameter name with its line and its 0-based UTF-8 offset in the line.
    static func documentedParameters(_ doc: [APIReference.DocLine]) -> [(APIReference.DocLine, Int, String)] {
        var found: [(APIReference.DocLine, Int, String)] = []
        var listIndent: Int?
        for line in proseLines(doc) {
            let text = line.text
            let indent = text.prefix { $0 == " " }.count
            let rest = text.dropFirst(indent)
            guard let marker = rest.first, "-*+".contains(marker), rest.dropFirst().first == " " else {
                if !text.trimmingCharacters(in: .whitespaces).isEmpty, indent <= (listIndent ?? -1) { listIndent = nil }
                continue
            }
            let item = rest.dropFirst(2)
            let itemOffset = text.utf8.count - item.utf8.count
            if let listIndent, indent > listIndent {
                // An item of a `- Parameters:` list: `- name: text`.
                if let colon = item.firstIndex(of: ":"), !item[..<colon].contains(" "), !item[..<colon].isEmpty {
                    found.append((line, itemOffset, String(item[..<colon])))
                }
                continue
            }
            listIndent = nil
            let lowered = item.lowercased()
            if lowered.hasPrefix("parameters:") {
                listIndent = indent
            } else if lowered.hasPrefix("parameter ") {
                let afterWord = item.dropFirst("parameter ".count)
                let name = afterWord.prefix { $0 != ":" }.trimmingCharacters(in: .whitespaces)
                if !name.isEmpty, !name.contains(" ") {
                    let offset = text.utf8.count - afterWord.utf8.count
                    found.append((line, offset, name))
                }
            }
        }
        return found
    }

    /// Each ``link`` (exactly two backticks on each side) with its line and 0-based UTF-8 offset of its text.
    /// Other code spans (`x`, ```x```) are skipped whole, as Markdown reads them.
    static func symbolLinks(_ doc: [APIReference.DocLine]) -> [(APIReference.DocLine, Int, String)] {
        var found: [(APIReference.DocLine, Int, String)] = []
        for line in proseLines(doc) {
            let bytes = Array(line.text.utf8)
            var i = 0
            while i < bytes.count {
                guard bytes[i] == UInt8(ascii: "`") else { i += 1; continue }
                var run = 0
                while i + run < bytes.count, bytes[i + run] == UInt8(ascii: "`") { run += 1 }
                let contentStart = i + run
                // The closing run of the same length.
                var j = contentStart
                var close: Int?
                while j < bytes.count {
                    if bytes[j] == UInt8(ascii: "`") {
                        var closing = 0
                        while j + closing < bytes.count, bytes[j + closing] == UInt8(ascii: "`") { closing += 1 }
                        if closing == run { close = j; break }
                        j += closing
                    } else {
                        j += 1
                    }
                }
                guard let close else { i = contentStart; continue }
                if run == 2 {
                    let text = String(decoding: bytes[contentStart..<close], as: UTF8.self)
                    found.append((line, contentStart, text))
                }
                i = close + run
            }
        }
        return found
    }
}
