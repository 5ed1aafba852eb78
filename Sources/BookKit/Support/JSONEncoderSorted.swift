import Foundation

/// JSON with sorted keys, so that the index is byte-identical between builds.
enum JSONEncoderSorted {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
