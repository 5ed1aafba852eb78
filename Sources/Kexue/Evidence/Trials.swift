#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a seeded experiment once per seed, on both cores, and returns the results in seed order.
///
/// ```swift
/// let runs = Trials(seeds: 8).run { seed in
///     var rng = SeededRNG(seed: seed)           // everything random comes from the seed
///     return (gp: train(.gp, &rng), egp: train(.egp, &rng))
/// }
/// print(runs.arm("GP") { $0.gp })
/// ```
///
/// Guarantees, when the trial is a function of its seed alone (its own `SeededRNG`, no shared mutable state):
/// - **The results do not depend on the thread count or the scheduling.** Result `i` is the trial of `seeds[i]`,
///   stored at index `i` whichever thread ran it and whenever; with `threads: 1` and `threads: 2` the results
///   are bit-identical (`TrialsTests` checks it on trials that call two-threaded kernels). The Kexue kernels a
///   trial calls give bit-identical results on one or two threads, so this holds for trials that train models.
/// - **No oversubscription.** The two threads are the caller and the kernels' one worker thread (`runParts`).
///   While the trials occupy it, the kernels inside a trial find the worker taken and run on their own thread,
///   so two parallel trials use two cores, never three threads. With `threads: 1` the trials run one after the
///   other on the caller and each may use both cores inside its kernels. Measured (4 seeds of chapter 6's GAU
///   training, d = 64 at length 64, whose products are above the kernels' two-thread threshold; 2 shared cores):
///   6.5-8.9 s with `threads: 1`, 3.6-4.0 s with `threads: 2`, and 4.5-5.2 s with two threads of our own whose
///   kernels also took the worker (three threads on two cores). At d = 32, length 32: 4.5-5.3, 2.1-2.2, 2.4-2.5 s.
///   Hence the default `threads: 2`.
/// - Seeds are handed out in order from a shared counter, so a slow seed does not hold up the others.
///
/// Not guaranteed: anything the trial itself makes depend on time or threads (a global counter, `Date()`,
/// `Float.random`); and a trial must not print, since the order of two threads' output is not fixed (return
/// the numbers and print after `run`). A trial that traps stops the program, as anywhere else.
public struct Trials: Sendable {
    /// The seeds, in the order of the results.
    public var seeds: [UInt64]
    /// 1 or 2 (the machine's cores; more is clamped to 2).
    public var threads: Int

    /// Seeds `first`, `first + 1`, ..., `count` of them.
    public init(seeds count: Int, from first: UInt64 = 0, threads: Int = 2) {
        require(count >= 1, "Trials: \(count) seeds; need at least one")
        self.init(seeds: (0..<UInt64(count)).map { first + $0 }, threads: threads)
    }

    /// Exactly these seeds, in this order.
    public init(seeds: [UInt64], threads: Int = 2) {
        require(!seeds.isEmpty, "Trials: no seeds")
        require(threads >= 1, "Trials: \(threads) threads; need at least one")
        self.seeds = seeds
        self.threads = Swift.min(threads, 2)
    }

    /// Calls `trial` once per seed, on up to `threads` threads, and returns the results in seed order.
    public func run<Result>(_ trial: (UInt64) -> Result) -> TrialRuns<Result> {
        let n = seeds.count
        let slots = UnsafeMutablePointer<Result>.allocate(capacity: n)
        defer { slots.deinitialize(count: n); slots.deallocate() }
        if threads < 2 || n < 2 {
            for i in 0..<n { (slots + i).initialize(to: trial(seeds[i])) }
        } else {
            let counter = SeedCounter()
            let seeds = self.seeds
            // Each part takes the next unclaimed index until none is left; slot i is written by exactly one
            // thread, and `runParts` returns only after both parts have finished (its mutex orders the writes).
            runParts(threads: 2) { _ in
                while let i = counter.next(below: n) { (slots + i).initialize(to: trial(seeds[i])) }
            }
        }
        return TrialRuns(seeds: seeds, results: Array(UnsafeBufferPointer(start: slots, count: n)))
    }
}

/// The next seed index, shared by the two parts of a run.
///
/// `@unchecked Sendable`: `value` is read and changed only with `mutex` held. (Synchronization's `Mutex`
/// would let the compiler check it, but it needs macOS 15; the package supports 13.)
final class SeedCounter: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var value = 0

    init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// The next index below `n`, or nil when all are taken.
    func next(below n: Int) -> Int? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard value < n else { return nil }
        value += 1
        return value - 1
    }
}
