import Foundation
import Testing

@testable import Kernels

/// Runs fused attention and its twin; bound per output row i, derived: a score has absolute error
/// e_ij ≤ (d + 2)·u·scale·Σ_p|q_ip||k_jp|. Softmax weights then carry ≤ 2·max_j e_ij + (nk/8 + 10)·u
/// relative error and the P·V sum (nk + 2)·u, so |ΔO_ic| ≤ (2·max e + (nk + 20)·u)·max|v|.
/// relu²: a_ij = s²/l has error (2|s|·e + 4u·s²)/l, so |ΔO_ic| ≤ max|v|·Σ_j (2|s|e + (nk + 6)u·s²)/l.
private func checkAttention(
    kind: AttentionKind, nq: Int, nk: Int, d: Int, dv: Int, keyLength: Int?, causal: Bool,
    seed: UInt64, threads: Int? = nil
) -> (TwinReport, [Float]) {
    var rng = SplitMix64(seed: seed)
    let q = rng.array(nq * d, -1, 1), k = rng.array(nk * d, -1, 1), v = rng.array(nk * dv, -1, 1)
    let scale = kind == .softmax ? entropyInvariantScale(length: nk, headDim: d) * 4 : attentionScale(headDim: d)
    var o = [Float](repeating: .nan, count: nq * dv), oRef = o
    attention(
        kind: kind, q: q, k: k, v: v, queries: nq, keys: nk, headDim: d, valueDim: dv, scale: scale,
        keyLength: keyLength, causal: causal, output: &o, threads: threads)
    attentionReference(
        kind: kind, q: q, k: k, v: v, queries: nq, keys: nk, headDim: d, valueDim: dv, scale: scale,
        keyLength: keyLength, causal: causal, output: &oRef)
    let vMax = Double(v.map { abs($0) }.max() ?? 0)
    let l = Double(max(1, min(nk, keyLength ?? nk)))
    var rowBound = [Double](repeating: 0, count: nq)
    for i in 0..<nq {
        var maxE = 0.0, relu = 0.0
        for j in 0..<nk {
            var dot = 0.0, absDot = 0.0
            for p in 0..<d {
                dot += Double(q[i * d + p]) * Double(k[j * d + p]);
                absDot += abs(Double(q[i * d + p]) * Double(k[j * d + p]))
            }
            let s = Double(scale) * dot, e = Double(d + 2) * u32 * Double(scale) * absDot
            maxE = max(maxE, e)
            if s > 0 { relu += (2 * s * e + Double(nk + 6) * u32 * s * s) / l }
        }
        rowBound[i] = kind == .softmax ? (2 * maxE + Double(nk + 20) * u32) * vMax + 1e-30 : vMax * relu + 1e-30
    }
    return (compareTwins(o, oRef) { rowBound[$0 / dv] }, o)
}

@Test func attentionMatchesTwin() {
    let cases: [(Int, Int, Int, Int, Int?, Bool)] = [
        (1, 1, 1, 1, nil, false), (7, 5, 3, 17, nil, false), (50, 130, 16, 16, nil, false),
        (49, 49, 64, 64, nil, true), (61, 300, 33, 20, 257, false), (130, 130, 8, 24, 100, true),
    ]
    for kind in [AttentionKind.softmax, .reluSquared] {
        for (index, (nq, nk, d, dv, keyLength, causal)) in cases.enumerated() {
            let (r, _) = checkAttention(
                kind: kind, nq: nq, nk: nk, d: d, dv: dv, keyLength: keyLength,
                causal: causal, seed: UInt64(index))
            #expect(
                r.ok,
                "attention \(kind) nq=\(nq) nk=\(nk) d=\(d) dv=\(dv) len=\(String(describing: keyLength)) causal=\(causal): \(r)"
            )
        }
    }
}

@Test func attentionThreadsAndEdgeCases() {
    for kind in [AttentionKind.softmax, .reluSquared] {
        for causal in [false, true] {
            let (_, one) = checkAttention(
                kind: kind, nq: 200, nk: 170, d: 32, dv: 40, keyLength: 150, causal: causal, seed: 3, threads: 1)
            let (r, two) = checkAttention(
                kind: kind, nq: 200, nk: 170, d: 32, dv: 40, keyLength: 150, causal: causal, seed: 3, threads: 2)
            #expect(r.ok, "2 threads \(kind) causal \(causal): \(r)")
            #expect(one == two, "attention \(kind) causal \(causal): 1 vs 2 threads differ")
        }
    }
    // keyLength 0: every key is padding, O = 0 for both kinds (never NaN).
    for kind in [AttentionKind.softmax, .reluSquared] {
        let (_, o) = checkAttention(kind: kind, nq: 5, nk: 9, d: 4, dv: 3, keyLength: 0, causal: false, seed: 1)
        #expect(o.allSatisfy { $0 == 0 }, "\(kind) with keyLength 0")
    }
    // Entropy-invariant scale equals the standard one at n = 512.
    #expect(abs(entropyInvariantScale(length: 512, headDim: 64) - attentionScale(headDim: 64)) < 1e-7)
}
