// The machine's limits, measured in the same run: fp32 FMA peak and STREAM-triad memory bandwidth.

import Foundation
import Kernels

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// 12 independent FMA chains on SIMD8 (Zen 3: 2 pipes × 4 cycles latency need ≥ 8 in flight).
@inline(never)
func fmaLoop(_ iterations: Int, _ seed: Float) -> Float {
    var a0 = Vec8(repeating: seed), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5
    var a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11
    let x = Vec8(repeating: 0.999999), y = Vec8(repeating: 1e-7)
    var i = 0
    while i < iterations {
        a0 = a0.addingProduct(a0, x); a1 = a1.addingProduct(a1, x); a2 = a2.addingProduct(a2, x)
        a3 = a3.addingProduct(a3, x); a4 = a4.addingProduct(a4, x); a5 = a5.addingProduct(a5, x)
        a6 = a6.addingProduct(a6, x); a7 = a7.addingProduct(a7, x); a8 = a8.addingProduct(a8, x)
        a9 = a9.addingProduct(a9, x); a10 = a10.addingProduct(a10, x); a11 = a11.addingProduct(a11, x)
        i &+= 1
    }
    let s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)) + y
    return hsum(s)
}

/// Runs `body(part)` for parts 0..<threads on that many threads (bench-only; the kernels use their
/// own persistent worker).
func onThreads(_ threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
    if threads == 1 { body(0); return }
    DispatchQueue.concurrentPerform(iterations: threads) { body($0) }
}

/// Median fp32 FMA throughput in GFLOP/s.
func measurePeak(threads: Int, rounds: Int) -> Double {
    let iterations = 20_000_000
    var samples: [Double] = []
    for _ in 0..<rounds {
        let t0 = now()
        onThreads(threads) { part in _ = fmaLoop(iterations, Float(part) * 1e-3) }
        samples.append(Double(threads) * Double(iterations) * 12 * 16 / (now() - t0) / 1e9)
    }
    return median(samples)
}

/// Median STREAM triad a = b + s·c bandwidth in GB/s (12 bytes per element, arrays of 16M floats
/// = 64 MB each, far beyond the 32 MB L3).
func measureTriad(threads: Int, rounds: Int) -> Double {
    let n = 16 << 20
    let a = UnsafeMutablePointer<Float>.allocate(capacity: n), b = UnsafeMutablePointer<Float>.allocate(capacity: n)
    let c = UnsafeMutablePointer<Float>.allocate(capacity: n)
    defer { a.deallocate(); b.deallocate(); c.deallocate() }
    a.initialize(repeating: 0, count: n); b.initialize(repeating: 1, count: n); c.initialize(repeating: 2, count: n)
    let pa = UInt(bitPattern: a), pb = UInt(bitPattern: b), pc = UInt(bitPattern: c)
    var samples: [Double] = []
    for _ in 0..<rounds {
        let t0 = now()
        onThreads(threads) { part in
            let a = UnsafeMutablePointer<Float>(bitPattern: pa)!, b = UnsafePointer<Float>(bitPattern: pb)!
            let c = UnsafePointer<Float>(bitPattern: pc)!
            let lo = n / threads * part, hi = n / threads * (part + 1)
            let s = Vec8(repeating: 3)
            var i = lo
            while i < hi { store8(load8(b + i).addingProduct(s, load8(c + i)), a + i); i &+= 8 }
        }
        samples.append(Double(n) * 12 / (now() - t0) / 1e9)
    }
    return median(samples)
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    if s.isEmpty { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
