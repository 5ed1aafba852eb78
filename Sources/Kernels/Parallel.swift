// Two-thread execution and reusable scratch memory for the kernels.
//
// The machine has two cores. `DispatchQueue.concurrentPerform` costs tens of µs per call
// (cpu-performance.md, pitfall 8), so one persistent worker thread (polling for ≈ 1 ms after each
// job, then sleeping on a condition variable) runs part 1 of a job while the calling thread runs
// part 0. Every kernel splits its work into two parts whose per-element arithmetic does not depend on
// the split (rows or column blocks, never the reduction axis), so running both parts on the caller
// (when the worker is busy with another caller, or `threads == 1`) gives bit-identical results.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Work (in floating-point operations) above which the kernels use two threads by default. Below
/// about 4 MFLOP (≈ 40 µs on one core) the hand-over to the worker costs more than it saves
/// (measured: 128³ SGEMM 186 GFLOP/s on two threads vs 103 on one; 64³ is faster on one).
public let parallelWorkThreshold: Double = 4e6

/// Resolves a kernel's `threads:` argument: `nil` means 2 when `work` (FLOP or comparable units) is
/// above `parallelWorkThreshold`, else 1; explicit values are clamped to 1...2.
@inline(__always)
func resolveThreads(_ threads: Int?, work: Double) -> Int {
    if let t = threads { return t >= 2 ? 2 : 1 }
    return work >= parallelWorkThreshold ? 2 : 1
}

/// Runs `body(0)` and `body(1)`, on two threads when `threads == 2` and the worker is free,
/// sequentially on the caller otherwise. Returns after both parts have finished.
///
/// Public for Kexue's `Trials`, which runs whole seeds as the two parts. Calls nested inside a part
/// (a trial's own matrix products) find the worker taken and run both of their parts on their own
/// thread: while trials occupy both cores, no kernel starts a third thread.
public func runParts(threads: Int, _ body: (Int) -> Void) {
    if threads < 2 {
        body(0)
        body(1)
        return
    }
    TwoThreadRunner.shared.run(body)
}

/// A single persistent worker thread driven by a mutex, trylock polling and two condition variables.
///
/// `@unchecked Sendable` because the compiler cannot see which lock guards which field: `job` and `done`
/// are read and written only with `mutex` held (`pollLocked` reads them under a successful trylock);
/// `busy` admits one caller at a time; the pthread objects are set up in `init` and never freed (the
/// runner lives as long as the process). Synchronization's `Mutex` would be checked, but it has no
/// condition variables or trylock, and needs macOS 15 where the package supports 13.
final class TwoThreadRunner: @unchecked Sendable {
    static let shared = TwoThreadRunner()
    /// Polls before blocking (≈ 80 ns each, so ≈ 1 ms of spinning after a job).
    static let spinLimit = 12_000

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let busy = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let workReady = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let workDone = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var job: ((Int) -> Void)?
    private var done = true

    private init() {
        pthread_mutex_init(mutex, nil)
        pthread_mutex_init(busy, nil)
        pthread_cond_init(workReady, nil)
        pthread_cond_init(workDone, nil)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(
            &thread, nil,
            { context in
                let runner = Unmanaged<TwoThreadRunner>.fromOpaque(context!).takeUnretainedValue()
                runner.workerLoop()
                return nil
            }, context)
        precondition(rc == 0, "Kernels: cannot start the worker thread (pthread_create returned \(rc))")
        pthread_detach(thread)
    }

    private func workerLoop() {
        while true {
            runNextJob()
            // The job closure must be released before `done` is published: `run` checks in
            // `withoutActuallyEscaping` that no copy of it outlives the call.
            pthread_mutex_lock(mutex)
            job = nil
            done = true
            pthread_cond_signal(workDone)
            pthread_mutex_unlock(mutex)
        }
    }

    /// Waits for a job and runs its part 1; the local reference dies when this returns.
    @inline(never)
    private func runNextJob() {
        // Poll with trylock for ≈ 1 ms before sleeping: a sleeping worker is woken by the scheduler's
        // wake-affine rule onto the caller's CPU when another process ran on ours recently, and then
        // both halves share one core (measured: 2-thread SGEMM at 1-thread speed in interleaved
        // benchmark rounds). trylock never sleeps, and the pause between polls leaves the mutex free
        // for the caller most of the time.
        if !pollLocked({ self.job != nil }) {
            pthread_mutex_lock(mutex)
            while job == nil { pthread_cond_wait(workReady, mutex) }
        }
        let body = job!
        pthread_mutex_unlock(mutex)
        body(1)
    }

    /// Polls `condition` under the mutex (trylock) up to `spinLimit` times with a short pause in
    /// between. Returns true with the mutex held when the condition became true, false (mutex not
    /// held) when the polls ran out.
    private func pollLocked(_ condition: () -> Bool) -> Bool {
        var spins = 0
        while spins < TwoThreadRunner.spinLimit {
            if pthread_mutex_trylock(mutex) == 0 {
                if condition() { return true }
                pthread_mutex_unlock(mutex)
            }
            cpuPause(spins)
            spins &+= 1
        }
        return false
    }

    func run(_ body: (Int) -> Void) {
        // Another caller owns the worker: run both parts here. Same results, by construction.
        guard pthread_mutex_trylock(busy) == 0 else {
            body(0)
            body(1)
            return
        }
        withoutActuallyEscaping(body) { escaping in
            pthread_mutex_lock(mutex)
            job = escaping
            done = false
            pthread_cond_signal(workReady)
            pthread_mutex_unlock(mutex)
            escaping(0)
            // The other half is about as long as ours: poll before sleeping (see `runNextJob`).
            if !pollLocked({ self.done }) {
                pthread_mutex_lock(mutex)
                while !done { pthread_cond_wait(workDone, mutex) }
            }
            pthread_mutex_unlock(mutex)
        }
        pthread_mutex_unlock(busy)
    }
}

/// A pause of ≈ 60 ns that touches no memory (a dependent multiply chain the optimiser keeps).
@inline(never)
func cpuPause(_ seed: Int) {
    var x = seed
    for _ in 0..<48 { x = x &* 1_103_515_245 &+ 12_345 }
    if x == 42 { pauseSink &+= 1 }
}
/// Written only if a pause ever ends at 42, which no seed below 200 000 does (`spinLimit` is 12 000):
/// the store never runs, so the two threads never race on it. It is there only so that the optimiser
/// cannot prove `cpuPause` free of effects and delete it.
nonisolated(unsafe) var pauseSink = 0

// MARK: - Scratch memory

/// A pool of 64-byte aligned float buffers reused across calls, so that packing buffers of a few
/// hundred KB do not cost fresh page faults on every GEMM.
///
/// `@unchecked Sendable`: `free` is read and changed only with `mutex` held, and a buffer taken from it
/// belongs to one caller until it is put back. (Synchronization's `Mutex` needs macOS 15; the package
/// supports 13.)
final class ScratchPool: @unchecked Sendable {
    static let shared = ScratchPool()
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var free: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []
    /// Buffers larger than this are released instead of pooled.
    private let maxPooledBytes = 64 << 20

    private init() { pthread_mutex_init(mutex, nil) }

    /// Calls `body` with an uninitialised buffer of at least `count` floats.
    func withFloats<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let bytes = max(64, ((count &* 4) &+ 63) & ~63)
        var taken: (pointer: UnsafeMutableRawPointer, bytes: Int)?
        pthread_mutex_lock(mutex)
        if let index = free.firstIndex(where: { $0.bytes >= bytes }) {
            taken = free.remove(at: index)
        }
        pthread_mutex_unlock(mutex)
        let buffer = taken ?? (UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64), bytes)
        defer {
            if buffer.bytes > maxPooledBytes {
                buffer.pointer.deallocate()
            } else {
                pthread_mutex_lock(mutex)
                free.append(buffer)
                // Keep the small ones first so a small request does not take a big buffer.
                free.sort { $0.bytes < $1.bytes }
                pthread_mutex_unlock(mutex)
            }
        }
        return try body(buffer.pointer.bindMemory(to: Float.self, capacity: buffer.bytes / 4))
    }
}
