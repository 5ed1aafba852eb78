import Foundation

/// Fault-injection points for the tests: `BOOK_TEST_PAUSE_AT=STAGE` makes the build announce
/// `book: paused at STAGE (pid N)` on standard error and sleep there (`BOOK_TEST_PAUSE_SECONDS`, default 30),
/// so that a test can `kill -9` it at that exact point and check what survives.
///
/// The stages, in order: `load` (manifest and chapters read), `library` (core library built), `chapters`
/// (every chapter checked, `--fix` written), `render` (pages rendered, nothing of the site written yet),
/// `write` (the staging folder half written), `print` (`--pdf`: the staged site whole, Chromium running with the
/// print page loaded), `swap` (staging complete, before the exchange) and `retire`
/// (the new site in place, the old one not yet deleted). Without the variable this does nothing.
enum TestHook {
    static func pause(at stage: String) {
        let environment = ProcessInfo.processInfo.environment
        var seconds: Double?
        if environment["BOOK_TEST_PAUSE_AT"] == stage {
            seconds = environment["BOOK_TEST_PAUSE_SECONDS"].flatMap(Double.init) ?? 30
        } else if stage == "swap" {
            // The older hook, kept for the tests that use it.
            seconds = environment["BOOK_TEST_PAUSE_BEFORE_SWAP"].flatMap(Double.init)
        }
        guard let seconds else { return }
        FileHandle.standardError.write(Data("book: paused at \(stage) (pid \(getpid()))\n".utf8))
        Thread.sleep(forTimeInterval: seconds)
    }
}
