import Foundation

/// A package's `Sources/Kernels` and `Sources/Kexue` that build in seconds: `kernelScale()` (2.0), which Kexue
/// re-exports. Scratch package roots link it instead of the real library, so that editing or damaging
/// the library is cheap and never touches this package's.
public enum TinyLibrary {
    /// Not inlinable across modules (it reads a private global), so the programs really link the library's
    /// archive and a broken archive shows. A `var`, which the optimiser cannot fold as it would a `let`;
    /// `nonisolated(unsafe)` because the library builds in Swift 6 mode, safe because nothing writes it. Documented,
    /// so the build's doc-comment audit has nothing to say about it.
    public static let kernels =
        "nonisolated(unsafe) private var base = 2.0\n/// The factor the tests' programs print.\n@inline(never) public func kernelScale() -> Double { base }\n"

    public static func write(in folder: ScratchFolder) throws {
        try folder.write("Sources/Kernels/Scale.swift", kernels)
        try folder.write("Sources/Kexue/Kexue.swift", "@_exported import Kernels\n")
    }
}
