import Testing

@testable import Kexue

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct TrialsTests {
    /// A trial that draws from its own generator and multiplies 160×160 matrices (≈ 8 MFLOP, above the kernels'
    /// two-thread threshold), so that both the trial scheduling and the kernels' threading are exercised.
    static func trial(seed: UInt64) -> (loss: Double, curve: [Double]) {
        var rng = SeededRNG(seed: seed)
        let n = 160
        let a = Tensor(shape: [n, n], scalars: (0..<(n * n)).map { _ in rng.normal() })
        let b = Tensor(shape: [n, n], scalars: (0..<(n * n)).map { _ in rng.normal() })
        let c = Tensor.matmul(a, b)
        let curve = (0..<5).map { step in Double(c.scalars[step * 997 % c.scalars.count]) }
        return (c.scalars.reduce(0) { $0 + Double($1) * Double($1) } / Double(n * n), curve)
    }

    /// Results in seed order, bit for bit the same on one thread and on two (and in a different seed order).
    @Test func independentOfThreadCount() {
        let one = Trials(seeds: 7, from: 100, threads: 1).run(Self.trial)
        // Other tests may hold the kernels' worker, and then a two-thread run falls back to the caller alone:
        // repeat until a run really used two threads, so the comparison below is between 1 and 2 threads.
        var two = Trials(seeds: 7, from: 100, threads: 2).run(Self.trial)
        var usedTwoThreads = false
        for _ in 0..<50 where !usedTwoThreads {
            let runs = Trials(seeds: 7, from: 100, threads: 2).run { seed in
                (result: Self.trial(seed: seed), thread: pthread_self())
            }
            usedTwoThreads = Set(runs.results.map { UInt($0.thread) }).count == 2
            two = TrialRuns(seeds: runs.seeds, results: runs.results.map(\.result))
        }
        #expect(usedTwoThreads, "no run got the worker thread in 50 attempts")
        #expect(one.seeds == Array(100..<107))
        #expect(one.results.map(\.loss.bitPattern) == two.results.map(\.loss.bitPattern))
        #expect(one.results.map { $0.curve.map(\.bitPattern) } == two.results.map { $0.curve.map(\.bitPattern) })
        // Each result is its own seed's: the same as running that seed alone.
        let alone = Self.trial(seed: 104)
        #expect(two.results[4].loss.bitPattern == alone.loss.bitPattern)
        let shuffled = Trials(seeds: [106, 100, 103], threads: 2).run(Self.trial)
        #expect(shuffled.results.map(\.loss.bitPattern) == [6, 0, 3].map { one.results[$0].loss.bitPattern })
        // Different seeds give different values (the test would pass vacuously on a constant trial).
        #expect(Set(one.results.map(\.loss)).count == 7)
    }

    /// Both threads take seeds when the worker is free (it may not be, if another test holds it: then all run
    /// on the caller, with the same results; so this only checks that every seed ran exactly once).
    @Test func everySeedRunsOnce() {
        let runs = Trials(seeds: 33, threads: 2).run { seed in seed * seed }
        #expect(runs.results == (0..<33).map { UInt64($0) * UInt64($0) })
        #expect(Trials(seeds: 1).run { $0 + 1 }.results == [1])
    }

    @Test func armsFromRuns() {
        let runs = Trials(seeds: 4).run { seed in (a: Double(seed), b: Double(seed) / 2) }
        let a = runs.arm("A") { $0.a }, b = runs.arm("B") { $0.b }
        #expect(a.seeds == [0, 1, 2, 3] && a.values == [0, 1, 2, 3])
        #expect(a.versus(b).description.hasSuffix("A ahead on 3 of 4, 1 tie"))
        let single = Trials(seeds: 3).run { Double($0) }.arm("x")
        #expect(single.mean == 1)
    }
}
