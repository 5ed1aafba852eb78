import Foundation

/// The list of a library build's artefacts with the SHA-256 of each, written as `complete` in the build's
/// folder when the build succeeded, and checked before every reuse.
///
/// Guarantees: `verified` is true only when the manifest decodes, its checksum (over the fingerprint and
/// every name and digest) matches, it names the expected fingerprint, the folder holds exactly the listed
/// artefacts besides the manifest, and each artefact hashes to its recorded digest. A truncated
/// `libKexue.a`, a garbled `.swiftmodule`, a missing or an extra file each make it false, and the library is
/// rebuilt instead of being linked into every chapter program.
struct LibraryManifest: Codable, Equatable {
    static let fileName = "complete"

    var fingerprint: String
    /// Artefact file name → SHA-256 of its bytes.
    var artefacts: [String: String]
    var checksum: String

    /// Hashes every file of a finished build folder.
    static func record(_ directory: URL, fingerprint: String) throws -> LibraryManifest {
        var artefacts: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name != fileName {
            guard let digest = FileDigest.sha256(directory.appendingPathComponent(name)) else {
                throw CocoaError(
                    .fileReadUnknown, userInfo: [NSFilePathErrorKey: directory.appendingPathComponent(name).path])
            }
            artefacts[name] = digest
        }
        return LibraryManifest(
            fingerprint: fingerprint, artefacts: artefacts,
            checksum: checksum(fingerprint: fingerprint, artefacts: artefacts))
    }

    func write(in directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(self).write(to: directory.appendingPathComponent(Self.fileName), options: .atomic)
    }

    static func verified(in directory: URL, fingerprint: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(fileName).path),
            let manifest = try? JSONDecoder().decode(LibraryManifest.self, from: data),
            manifest.fingerprint == fingerprint, !manifest.artefacts.isEmpty,
            manifest.checksum == checksum(fingerprint: manifest.fingerprint, artefacts: manifest.artefacts),
            let present = try? FileManager.default.contentsOfDirectory(atPath: directory.path),
            Set(present.filter { $0 != fileName }) == Set(manifest.artefacts.keys)
        else { return false }
        // `.build/book/lib/<fingerprint>/` → `.build/book/`, where the witnesses of verified files live.
        let verified = VerifiedFiles(bookCache: directory.deletingLastPathComponent().deletingLastPathComponent())
        return manifest.artefacts.allSatisfy { name, digest in
            verified.matches(directory.appendingPathComponent(name), digest: digest)
        }
    }

    static func checksum(fingerprint: String, artefacts: [String: String]) -> String {
        var hash = SHA256()
        hash.update("library-manifest-1\u{0}\(fingerprint)\u{0}")
        for (name, digest) in artefacts.sorted(by: { $0.key < $1.key }) { hash.update("\(name)\u{0}\(digest)\u{0}") }
        return hash.hexDigest()
    }
}
