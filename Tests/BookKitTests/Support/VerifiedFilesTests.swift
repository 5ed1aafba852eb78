import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// `VerifiedFiles` skips the hash of an unchanged file, never of a changed one: not even one changed in place,
/// with its size and modification time put back.
@Suite struct VerifiedFilesTests {
    @Test func aFileChangedInPlaceWithItsTimesRestoredIsHashedAgain() throws {
        let folder = try ScratchFolder("verified-files")
        defer { folder.remove() }
        try folder.write("program", String(repeating: "executable bytes ", count: 1000))
        let file = folder.root.appendingPathComponent("program")
        let digest = try #require(FileDigest.sha256(file))
        let verified = VerifiedFiles(bookCache: folder.root.appendingPathComponent(".build/book"))
        #expect(verified.matches(file, digest: digest))
        #expect(try FileManager.default.contentsOfDirectory(atPath: verified.directory.path).count == 1)
        #expect(verified.matches(file, digest: digest), "unchanged: the witness answers")
        #expect(!verified.matches(file, digest: String(repeating: "0", count: 64)), "another digest is hashed")

        // One byte flipped in place (same inode, same size), the modification time set back.
        let modified = try #require(
            try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date)
        let handle = try FileHandle(forUpdating: file)
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data("X".utf8))
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: file.path)
        #expect(!verified.matches(file, digest: digest), "the ctime moved: hashed, and the hash differs")

        // A damaged witness costs a hash, never a wrong answer.
        let restored = try #require(FileDigest.sha256(file))
        #expect(verified.matches(file, digest: restored))
        let witness = try #require(
            try FileManager.default.contentsOfDirectory(at: verified.directory, includingPropertiesForKeys: nil).first)
        try "forged".write(to: witness, atomically: true, encoding: .utf8)
        #expect(!verified.matches(file, digest: digest))
        #expect(verified.matches(file, digest: restored))
    }
}
