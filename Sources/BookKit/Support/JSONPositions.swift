/// Where each value of a JSON text starts, by its path (`chapters.2.file`), so that a manifest error can
/// point at the line and column of the offending value rather than at `book.json:1:1`.
///
/// Meant for text `JSONDecoder` already accepted: it is lenient and never fails; on malformed input some
/// paths are simply missing. Lines and columns are 1-based, columns count UTF-8 bytes (as cmark's do).
struct JSONPositions {
    private let bytes: [UInt8]
    private var index = 0
    private var offsets: [String: Int] = [:]

    init(_ text: [UInt8]) {
        bytes = text
        value(path: "")
    }

    /// The position of the value at `path` (object keys and array indices joined by `.`), if present.
    func position(of path: String, file: String) -> SourcePosition? {
        guard let offset = offsets[path] else { return nil }
        var line = 1, lineStart = 0
        for i in 0..<offset where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        return SourcePosition(file: file, line: line, column: offset - lineStart + 1)
    }

    private mutating func value(path: String) {
        skipSpace()
        guard index < bytes.count else { return }
        offsets[path] = index
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { break }
                let key = string()
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: ":") { index += 1 }
                value(path: path.isEmpty ? key : path + "." + key)
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { break }
                index += 1
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1 }
        case UInt8(ascii: "["):
            index += 1
            var element = 0
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] != UInt8(ascii: "]") else { break }
                value(path: path.isEmpty ? "\(element)" : "\(path).\(element)")
                element += 1
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { break }
                index += 1
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1 }
        case UInt8(ascii: "\""):
            _ = string()
        default:
            while index < bytes.count, !",}] \t\r\n".utf8.contains(bytes[index]) { index += 1 }
        }
    }

    /// Reads a string token and returns its raw text (escapes kept except `\"` and `\\`; keys never need more).
    private mutating func string() -> String {
        index += 1
        var raw: [UInt8] = []
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                index += 1
            }
            raw.append(bytes[index])
            index += 1
        }
        index += 1
        return String(decoding: raw, as: UTF8.self)
    }

    private mutating func skipSpace() {
        while index < bytes.count, " \t\r\n".utf8.contains(bytes[index]) { index += 1 }
    }
}
