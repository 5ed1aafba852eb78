// swift-tools-version: 6.0
//
// An executable book in Swift: the toolkit (BookKit, `book`), the numerical library the chapters
// import (Kexue over Kernels), and the benchmarks against the peers (`bench`).
import PackageDescription

/// Code generation for the numerical targets. Without a target CPU every `addingProduct` lowers to a
/// per-lane libm `fmaf` call (see shared/reference/cpu-performance.md, pitfall 1). BookKit compiles the
/// chapter programs and its own release copy of Kernels and Kexue with the same flags
/// (`LibraryBuild.codegenFlags`; `LibraryBuildTests` checks that the two lists agree).
let numericFlags: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell"]),
    // Kernels run thousands of times slower unoptimised; keep them optimised in debug builds too so that
    // `swift test` exercises the code that ships, at a usable speed.
    .unsafeFlags(["-O"], .when(configuration: .debug)),
]

/// The book tool is what an author waits for on every `swift run book build`: optimised in debug builds too.
/// With the parses remembered (`SyntaxMemo`) and verified artefacts not hashed again (`VerifiedFiles`), what
/// a warm build has left is BookKit's own code (rendering, the search index, checking outputs); measured on
/// two cores, a warm no-op of the book went from 3.9 s to 0.42 s with all three. The price is BookKit's clean
/// debug compile, 15 s → 49 s. `-enable-testing` still applies, so `@testable import BookKit` works.
let toolSpeedFlags: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "KexueBook",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "book", targets: ["book"]),
        .executable(name: "bench", targets: ["bench"]),
        .library(name: "Kexue", targets: ["Kexue"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        // Parses snippets (syntax problems, file-scope names) and finds what a name refers to (shadowing).
        .package(url: "https://github.com/swiftlang/swift-syntax", exact: "602.0.0"),
    ],
    targets: [
        // MARK: Numerics
        // A software prefetch (header-only C): the GEMM micro-kernel asks for its C tile early.
        .systemLibrary(name: "CKernelsSupport"),
        .target(name: "Kernels", dependencies: ["CKernelsSupport"], swiftSettings: numericFlags),
        .target(name: "Kexue", dependencies: ["Kernels"], swiftSettings: numericFlags),

        // MARK: The toolkit
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // Linux system calls Swift cannot import (variadic or _GNU_SOURCE-only): renameat2, pipe2, and the
        // snippet supervisor's prctl/fork/exec.
        .target(
            name: "CSystemSupport",
            // It hashes every cached executable and library artefact on every build (`FileDigest`).
            cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]
        ),
        .target(
            name: "BookKit",
            dependencies: [
                "CCmarkGFM", "CSystemSupport",
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftParser", package: "swift-syntax"),
                .product(name: "SwiftParserDiagnostics", package: "swift-syntax"),
                .product(name: "SwiftDiagnostics", package: "swift-syntax"),
                .product(name: "SwiftLexicalLookup", package: "swift-syntax"),
            ],
            // The stylesheet and scripts as real CSS and JavaScript files (`BookResources`).
            resources: [.copy("Resources")],
            swiftSettings: toolSpeedFlags
        ),
        .executableTarget(
            name: "book",
            dependencies: [
                "BookKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "FlyingFox", package: "FlyingFox"),
            ]
        ),
        .executableTarget(
            name: "bench",
            // BookKit: `bench build --large` times its stages in process.
            dependencies: [
                "Kernels", "Kexue", "BookKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: numericFlags
        ),

        // MARK: Tests
        .testTarget(name: "KernelsTests", dependencies: ["Kernels"], swiftSettings: numericFlags),
        .testTarget(name: "KexueTests", dependencies: ["Kexue"], swiftSettings: numericFlags),
        // BookKitTests depends on `book` so that the command-line contract tests (exit codes, kills, signals)
        // can run the real executable (`Fixtures.bookExecutable`).
        // What the BookKit tests share (fixtures and goldens, scratch books, the toolchain and library, the `book`
        // executable): a regular target, as swift-numerics' `_TestSupport`, so that no test file keeps a copy.
        .target(name: "BookTestSupport", dependencies: ["BookKit"], path: "Tests/BookTestSupport"),
        .testTarget(name: "BookKitTests", dependencies: ["BookKit", "BookTestSupport", "book"], exclude: ["Fixtures"]),
        .testTarget(name: "ChapterTests", dependencies: ["BookKit"]),
    ],
    swiftLanguageModes: [.v6]
)
