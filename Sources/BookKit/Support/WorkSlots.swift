import Foundation

/// A book-wide limit on the heavy work running at once: every compile and every program run of every
/// chapter takes a slot for its duration, so `--jobs N` means at most N compilers and programs at a
/// time however many chapters and programs are in flight. Snippet time limits are wall-clock: a build
/// that ran more programs than cores would eat its own programs' time.
///
/// Only leaf work takes a slot (never while holding one), so waiting for a slot cannot deadlock.
final class WorkSlots: Sendable {
    private let semaphore: DispatchSemaphore
    let count: Int

    /// One slot per core, for work started outside a `BookBuilder.build()` (which has its own `--jobs`).
    static let processWide = WorkSlots(ProcessInfo.processInfo.activeProcessorCount)

    init(_ count: Int) {
        self.count = max(1, count)
        semaphore = DispatchSemaphore(value: self.count)
    }

    /// Runs `body` once a slot is free, and frees it after.
    func run<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        semaphore.wait()
        defer { semaphore.signal() }
        return try body()
    }
}
