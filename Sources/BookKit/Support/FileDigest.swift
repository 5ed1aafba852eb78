import CSystemSupport
import Foundation

/// The SHA-256 of a file's bytes, to verify a cached build artefact against the digest recorded when it
/// was made. A file that cannot be read has no digest (`nil`), which never matches a recorded one.
enum FileDigest {
    static func sha256(_ url: URL) -> String? {
        var digest = [UInt8](repeating: 0, count: 32)
        guard csys_sha256_file(url.path, &digest) == 0 else { return nil }
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
