import Foundation
import Synchronization

/// Maps over items on up to `jobs` threads, returning results in input order.
///
/// `completed` is called on the results in input order as soon as each one and all before it are done,
/// so progress output is deterministic whatever finishes first. Its calls never overlap (they run under
/// the map's lock), but they may come from any of the workers.
///
/// The workers are threads of their own, not Dispatch's pool: they block (on `WorkSlots`, file locks,
/// child processes), and a map may run inside another's worker (a chapter's programs inside the map over
/// chapters), which must not wait for a pool thread its parent map holds.
enum ParallelMap {
    static func run<Item: Sendable, Output: Sendable>(
        _ items: [Item], jobs: Int, _ body: @escaping @Sendable (Item) -> Output,
        completed: @escaping @Sendable (Output) -> Void = { _ in }
    ) -> [Output] {
        let progress = Progress<Output>(count: items.count)
        @Sendable func work() {
            while let index = progress.claim() {
                progress.finish(index, with: body(items[index]), completed: completed)
            }
        }
        let threads = max(1, min(jobs, items.count))
        let group = DispatchGroup()
        for _ in 1..<threads {
            group.enter()
            let thread = Thread {
                work(); group.leave()
            }
            // The main thread's size: rendering a chapter recurses through its Markdown tree.
            thread.stackSize = 8 << 20
            thread.start()
        }
        work()
        group.wait()
        return progress.results()
    }

    /// The shared state of one map: the next item to claim, the results so far, and how many have been
    /// reported to `completed`.
    private final class Progress<Output: Sendable>: Sendable {
        private struct State {
            var results: [Output?]
            var next = 0
            var reported = 0
        }
        private let state: Mutex<State>

        init(count: Int) { state = Mutex(State(results: Array(repeating: nil, count: count))) }

        /// The next unclaimed index, or nil when every item is taken.
        func claim() -> Int? {
            state.withLock { state in
                guard state.next < state.results.count else { return nil }
                state.next += 1
                return state.next - 1
            }
        }

        /// Stores item `index`'s output and reports, in order, every result that is now preceded only by
        /// reported ones.
        func finish(_ index: Int, with output: Output, completed: (Output) -> Void) {
            state.withLock { state in
                state.results[index] = output
                while state.reported < state.results.count, let done = state.results[state.reported] {
                    completed(done)
                    state.reported += 1
                }
            }
        }

        /// Every output, in input order; call once every item is finished.
        func results() -> [Output] {
            state.withLock { state in state.results.map { $0! } }
        }
    }
}
