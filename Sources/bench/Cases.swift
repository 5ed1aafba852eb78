// The benchmark cases: for each kernel and shape, our call and the equivalent numpy op.

import Kernels

struct BenchCase {
    let kernel: String
    let shape: String
    let threads: Int
    let unit: String
    /// Units of work per call (FLOP, elements or bytes), so throughput = work / seconds / 1e9.
    let work: Double
    let peerOp: String
    let peerShape: String
    let run: () -> Void
}

/// Random fp32 buffer (LCG, fixed seed; values in [−1, 1)); never freed (bench lifetime).
func buffer(_ count: Int, seed: UInt64 = 1) -> UnsafeMutablePointer<Float> {
    let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
    var s = seed
    for i in 0..<count {
        s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        p[i] = Float(s >> 40) * 0x1p-23 - 1
    }
    return p
}

/// `threads` is the most threads a kernel may use, as OPENBLAS_NUM_THREADS is for the peer: with 2 our
/// kernels run with their default policy (two threads only above their work threshold).
func makeCases(threadCounts: [Int]) -> [BenchCase] {
    var cases: [BenchCase] = []
    for maxThreads in threadCounts {
        let t: Int? = maxThreads == 1 ? 1 : nil
        // SGEMM, square and book shapes (dense layers, QKᵀ, weight gradients, small).
        let gemms: [(Bool, Bool, Int, Int, Int)] = [
            (false, false, 256, 256, 256), (false, false, 512, 512, 512), (false, false, 1024, 1024, 1024),
            (false, false, 64, 64, 64), (false, false, 128, 128, 128),
            (false, false, 512, 512, 768), (false, false, 512, 512, 64), (false, false, 128, 512, 768),
            (false, true, 512, 512, 64), (false, true, 256, 512, 768), (true, false, 512, 512, 256),
            (true, false, 768, 512, 128),
        ]
        for (ta, tb, m, n, k) in gemms {
            let a = buffer(m * k), b = buffer(k * n, seed: 2), c = buffer(m * n, seed: 3)
            let form = (ta ? "T" : "N") + (tb ? "T" : "N")
            cases.append(
                BenchCase(
                    kernel: "sgemm \(form)", shape: "\(m)x\(n)x\(k)", threads: maxThreads, unit: "GFLOP/s",
                    work: 2 * Double(m * n * k), peerOp: "gemm",
                    peerShape: "[\(ta), \(tb), \(m), \(n), \(k)]".lowercased(),
                    run: {
                        sgemm(
                            transA: ta, transB: tb, m: m, n: n, k: k, a: a, lda: ta ? m : k, b: b, ldb: tb ? k : n,
                            c: c, ldc: n, threads: t)
                    }))
        }
        // Batched token-pair scores bmd,bnd->bmn.
        for (bt, m, n, d) in [(8, 128, 128, 64), (2, 512, 512, 64)] {
            let q = buffer(bt * m * d), k = buffer(bt * n * d, seed: 2), c = buffer(bt * m * n, seed: 3)
            cases.append(
                BenchCase(
                    kernel: "bmd,bnd->bmn", shape: "\(bt)x\(m)x\(n)x\(d)", threads: maxThreads, unit: "GFLOP/s",
                    work: 2 * Double(bt * m * n * d), peerOp: "bgemm", peerShape: "[\(bt), \(m), \(n), \(d)]",
                    run: {
                        sgemmBatched(
                            transB: true, batch: bt, m: m, n: n, k: d, a: q, lda: d, strideA: m * d,
                            b: k, ldb: d, strideB: n * d, c: c, ldc: n, strideC: m * n, threads: t)
                    }))
        }
        // Row softmax.
        for (r, c) in [(4096, 512), (512, 512), (64, 64)] {
            let x = buffer(r * c), y = buffer(r * c, seed: 2)
            cases.append(
                BenchCase(
                    kernel: "softmax rows", shape: "\(r)x\(c)", threads: maxThreads, unit: "Gelem/s",
                    work: Double(r * c),
                    peerOp: "softmax", peerShape: "[\(r), \(c)]",
                    run: { softmaxRows(x, rows: r, cols: c, output: y, threads: t) }))
        }
        // Fused attention, one head, d = 64 (numpy peer: unfused matmul, softmax / relu², matmul).
        for kind in [AttentionKind.softmax, .reluSquared] {
            for (n, causal) in [(512, false), (128, false), (512, true)] {
                let d = 64
                let q = buffer(n * d), k = buffer(n * d, seed: 2), v = buffer(n * d, seed: 3),
                    o = buffer(n * d, seed: 4)
                let name = kind == .softmax ? "softmax" : "relu2"
                cases.append(
                    BenchCase(
                        kernel: "attention \(name)\(causal ? " causal" : "")", shape: "N=\(n) d=\(d)",
                        threads: maxThreads,
                        unit: "GFLOP/s", work: 4 * Double(n * n * d) * (causal ? 0.5 : 1),
                        peerOp: "attention",
                        peerShape: "[\"\(kind == .softmax ? "softmax" : "relu2")\", \(n), \(d), \(causal)]",
                        run: {
                            attention(
                                kind: kind, q: q, k: k, v: v, queries: n, keys: n, headDim: d, valueDim: d,
                                scale: attentionScale(headDim: d), causal: causal, output: o, threads: t)
                        }))
            }
        }
        // Multilabel categorical CE (GlobalPointer-like rows of n² cells).
        for (r, c) in [(16, 16384), (256, 1024)] {
            let s = buffer(r * c), y = UnsafeMutablePointer<Float>.allocate(capacity: r * c), loss = buffer(r)
            for i in 0..<(r * c) { y[i] = s[i] > 0.9 ? 1 : 0 }
            cases.append(
                BenchCase(
                    kernel: "multilabel CE", shape: "\(r)x\(c)", threads: maxThreads, unit: "Gelem/s",
                    work: Double(r * c),
                    peerOp: "ce", peerShape: "[\(r), \(c)]",
                    run: { multilabelCrossEntropy(scores: s, labels: y, rows: r, classes: c, loss: loss, threads: t) }))
        }
        // RoPE on [positions, heads, dim] = 512 × 8 × 64 (torch figure: 1×8×512×64).
        do {
            let (n, h, d) = (512, 8, 64)
            let table = RoPETable(positions: n, dim: d)
            let x = buffer(n * h * d), y = buffer(n * h * d, seed: 2)
            cases.append(
                BenchCase(
                    kernel: "rope", shape: "\(n)x\(h)x\(d)", threads: maxThreads, unit: "Gelem/s",
                    work: Double(n * h * d),
                    peerOp: "rope", peerShape: "[\(n), \(h), \(d)]",
                    run: { rope(x, output: y, positions: n, groups: h, table: table, threads: t) }))
        }
        // Norms: GB/s counts the row read and the output write (8 bytes per element).
        for (r, d) in [(512, 768), (64, 768)] {
            let x = buffer(r * d), y = buffer(r * d, seed: 2), g = buffer(d, seed: 3), b = buffer(d, seed: 4)
            cases.append(
                BenchCase(
                    kernel: "layer norm", shape: "\(r)x\(d)", threads: maxThreads, unit: "GB/s",
                    work: 8 * Double(r * d),
                    peerOp: "layernorm", peerShape: "[\(r), \(d)]",
                    run: { layerNorm(x, rows: r, dim: d, gain: g, bias: b, output: y, threads: t) }))
            cases.append(
                BenchCase(
                    kernel: "rms norm", shape: "\(r)x\(d)", threads: maxThreads, unit: "GB/s", work: 8 * Double(r * d),
                    peerOp: "rmsnorm", peerShape: "[\(r), \(d)]",
                    run: { rmsNorm(x, rows: r, dim: d, gain: g, output: y, threads: t) }))
        }
    }
    return cases
}
