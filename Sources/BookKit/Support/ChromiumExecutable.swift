import Foundation

/// Finds the Chromium that prints the book's PDF (`book build --pdf`) and renders pages in the browser tests.
///
/// Guarantees: `$BOOK_CHROMIUM`, when set and not empty, is the only candidate (so a test can point it at
/// nothing); otherwise the first of `chromium`, `chromium-browser`, `google-chrome` found on `PATH`. What is not
/// an executable file is never returned. Not found is an environment error naming what was looked for, where,
/// and how to install it.
public enum ChromiumExecutable {
    /// The names searched on `PATH`, in order: Debian's package, other distributions', Google's build.
    static let names = ["chromium", "chromium-browser", "google-chrome"]

    /// The path of the Chromium to start, or nil (the tests skip their browser suites then).
    public static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        try? locate(environment: environment)
    }

    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(BookError)
        -> String
    {
        if let explicit = environment["BOOK_CHROMIUM"], !explicit.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: explicit) else {
                throw BookError(
                    .environment, at: nil, "BOOK_CHROMIUM names \(explicit), which is not an executable",
                    hint: "unset BOOK_CHROMIUM to use the chromium on PATH, or point it at a Chromium or Chrome")
            }
            return explicit
        }
        let path = environment["PATH"] ?? "/usr/bin"
        for name in names {
            for directory in path.split(separator: ":") where !directory.isEmpty {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        throw BookError(
            .environment, at: nil,
            "--pdf needs a headless Chromium, and none was found: looked for \(names.joined(separator: ", ")) on PATH (\(path))",
            hint:
                "install it with `.ci/deps --tests` (the Debian package `chromium`), or set BOOK_CHROMIUM to its path")
    }
}
