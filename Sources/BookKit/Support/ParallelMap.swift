import Foundation

/// Maps over items on up to `jobs` threads, returning results in input order.
///
/// `completed` is called on the results in input order as soon as each one and all before it are done,
/// so progress output is deterministic whatever finishes first.
///
/// The workers are threads of their own, not Dispatch's pool: they block (on `WorkSlots`, file locks,
/// child processes), and a map may run inside another's worker (a chapter's programs inside the map over
/// chapters), which must not wait for a pool thread its parent map holds.
enum ParallelMap {
    static func run<Item: Sendable, Output>(_ items: [Item], jobs: Int, _ body: @escaping (Item) -> Output,
                                            completed: @escaping (Output) -> Void = { _ in }) -> [Output] {
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
        let group = DispatchGroup()
        for _ in 1..<threads {
            group.enter()
            let thread = Thread { work(); group.leave() }
            // The main thread's size: rendering a chapter recurses through its Markdown tree.
            thread.stackSize = 8 << 20
            thread.start()
        }
        work()
        // The state is under `lock` and the workers are done after this, so the closures need not be @Sendable.
        group.wait()
        return results.map { $0! }
    }
}
