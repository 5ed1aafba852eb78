import Foundation

/// Maps over items on up to `jobs` threads, returning results in input order.
///
/// `completed` is called on the results in input order as soon as each one and all before it are done,
/// so progress output is deterministic whatever finishes first.
enum ParallelMap {
    static func run<Item: Sendable, Output>(_ items: [Item], jobs: Int, _ body: @escaping (Item) -> Output,
                                            completed: @escaping (Output) -> Void) -> [Output] {
        let lock = NSLock()
        var results = [Output?](repeating: nil, count: items.count)
        var next = 0, reported = 0
        func work() {
            while true {
                lock.lock()
                let index = next
                next += 1
                lock.unlock()
                guard index < items.count else { return }
                let output = body(items[index])
                lock.lock()
                results[index] = output
                while reported < items.count, let done = results[reported] {
                    completed(done)
                    reported += 1
                }
                lock.unlock()
            }
        }
        let threads = max(1, min(jobs, items.count))
        if threads == 1 {
            work()
        } else {
            // Blocks until every worker is done; its closure need not be @Sendable (the state is under `lock`).
            DispatchQueue.concurrentPerform(iterations: threads) { _ in work() }
        }
        return results.map { $0! }
    }
}
