// Fused single-head attention: O = A·V with A = softmax(scale·QKᵀ + masks) or A = relu(scale·QKᵀ)²/l,
// computed in tiles of BQ queries × BK keys so that the nq × nk matrix is never materialised.
//
// Versions: `attention` (K and V packed once into GEMM panels; per query block the score tile comes
// from the GEMM micro-kernel, softmax is online over key blocks (running max m, running sum l,
// O rescaled by e^{m_old − m_new}, the flash-attention recurrence), P is packed and multiplied into O
// by the micro-kernel again) and `attentionReference` (the full score matrix in Double).
//
// Masks: keys j ≥ keyLength are padding; `causal` allows key j for query i only when j ≤ i. Masked
// scores are −inf before the softmax (weight exactly 0) and 0 in relu² attention. A query row with no
// allowed key (keyLength == 0) gets O = 0 (documented, never NaN).
// Scales: `attentionScale(headDim:)` = 1/√d; `entropyInvariantScale(length:headDim:)` =
// log n / log 512 · 1/√d (Su, kexue.fm/archives/8823: equals the standard scale at n = 512).
// relu² (GAU, kexue.fm/archives/8934): A = relu(scale·QKᵀ)²/l, l = number of unpadded keys by
// default (bert4keras: at least 1); not normalised, so rows of A need not sum to 1.
// Determinism: every output row goes through the same key blocks in the same order whatever the
// query blocking or thread (fully masked blocks contribute exact zeros), so results do not depend
// on the thread count.
// Backward: not fused here; Kexue differentiates the unfused composition (GEMM, softmax, GEMM).

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The attention nonlinearity.
public enum AttentionKind: Sendable {
    /// softmax(scale·QKᵀ) row-wise.
    case softmax
    /// relu(scale·QKᵀ)² / l (GAU); l defaults to the number of unpadded keys.
    case reluSquared
}

/// 1/√d, the standard scale.
public func attentionScale(headDim d: Int) -> Float { Float(1 / Double(d).squareRoot()) }

/// log n / log 512 · 1/√d, the entropy-invariant scale of kexue.fm/archives/8823 (n = sequence length).
public func entropyInvariantScale(length n: Int, headDim d: Int) -> Float {
    Float(log(Double(n)) / log(512.0) / Double(d).squareRoot())
}

/// Queries per tile (multiple of the micro-kernel's 6 rows).
let attentionBQ = 48
/// Keys per tile (multiple of the micro-kernel's 16 columns).
let attentionBK = 256

/// O[nq, dv] = A·V, A = kind(scale·Q·Kᵀ) with masks, for Q [nq, d], K [nk, d], V [nk, dv] (row-major,
/// contiguous).
/// - Parameters:
///   - keyLength: keys at index ≥ keyLength are padding (default nk).
///   - causal: query i sees keys j ≤ i.
///   - reluNormalizer: l in relu²/l (default max(1, keyLength)); ignored for softmax.
///   - threads: `nil` → 2 when 4·nq·nk·d ≥ 4 MFLOP. Results do not depend on it.
public func attention(
    kind: AttentionKind = .softmax, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
    v: UnsafePointer<Float>, queries nq: Int, keys nk: Int, headDim d: Int, valueDim dv: Int,
    scale: Float, keyLength: Int? = nil, causal: Bool = false, reluNormalizer: Float? = nil,
    output o: UnsafeMutablePointer<Float>, threads: Int? = nil
) {
    precondition(
        nq >= 0 && nk >= 0 && d > 0 && dv > 0,
        "attention: bad shapes Q [\(nq), \(d)], K [\(nk), \(d)], V [\(nk), \(dv)]")
    let keyLimit = min(nk, max(0, keyLength ?? nk))
    let invL: Float = 1 / (reluNormalizer ?? Float(max(1, keyLimit)))
    let dvPad = roundUp(dv, gemmNR)
    let nkPad = roundUp(max(keyLimit, 1), gemmNR)
    let t = resolveThreads(threads, work: 4 * Double(nq) * Double(nk) * Double(d))
    ScratchPool.shared.withFloats(nkPad * d + nkPad * dvPad) { packed in
        let kPack = packed, vPack = packed + nkPad * d
        // Kᵀ as one B panel (d × keys): element (p, j) = K[j·d + p]; key block kb starts at kb·d.
        packB(k, rowStride: 1, colStride: d, k: d, n: keyLimit, into: kPack)
        // V as one B panel per key block (kbn × dv), block kb at kb·dvPad.
        var kb = 0
        while kb < keyLimit {
            let kbn = min(attentionBK, keyLimit - kb)
            packB(v + kb * dv, rowStride: dv, colStride: 1, k: kbn, n: dv, into: vPack + kb * dvPad)
            kb += attentionBK
        }
        // Split the query rows so both parts do similar work (causal rows grow linearly).
        let cut = t < 2 ? nq : min(nq, roundUp(Int(Double(nq) * (causal ? 0.7071 : 0.5)), gemmMR))
        runParts(threads: t) { part in
            let rows = part == 0 ? 0..<cut : cut..<nq
            if rows.isEmpty { return }
            attentionRows(
                kind: kind, rows: rows, q: q, kPack: kPack, vPack: vPack, keyLimit: keyLimit,
                d: d, dv: dv, dvPad: dvPad, scale: scale, causal: causal, invL: invL, o: o)
        }
    }
}

/// One thread's query rows, tiled by BQ.
private func attentionRows(
    kind: AttentionKind, rows: Range<Int>, q: UnsafePointer<Float>,
    kPack: UnsafePointer<Float>, vPack: UnsafePointer<Float>, keyLimit: Int,
    d: Int, dv: Int, dvPad: Int, scale: Float, causal: Bool, invL: Float,
    o: UnsafeMutablePointer<Float>
) {
    let bq = attentionBQ, bk = attentionBK
    let sizes = (q: roundUp(bq, gemmMR) * d, s: bq * bk, p: roundUp(bq, gemmMR) * bk)
    ScratchPool.shared.withFloats(sizes.q + sizes.s + sizes.p + 2 * bq) { scratch in
        let qPack = scratch, sTile = qPack + sizes.q, pPack = sTile + sizes.s
        let runMax = pPack + sizes.p, runSum = runMax + bq
        var i0 = rows.lowerBound
        while i0 < rows.upperBound {
            let m = min(bq, rows.upperBound - i0)
            let oBlock = o + i0 * dv
            oBlock.update(repeating: 0, count: m * dv)
            runMax.update(repeating: -.infinity, count: m)
            runSum.update(repeating: 0, count: m)
            packA(q + i0 * d, rowStride: d, colStride: 1, m: m, k: d, into: qPack)
            let keyEnd = causal ? min(keyLimit, i0 + m) : keyLimit
            var kb = 0
            while kb < keyEnd {
                let n = min(bk, keyEnd - kb)
                // S = scale · Q_blk · K_blkᵀ  (m × n, row stride bk).
                gemmMacroKernel(
                    mc: m, nc: n, kc: d, packedA: qPack, packedB: kPack + kb * d,
                    c: sTile, ldc: bk, alpha: scale, beta: 0)
                for r in 0..<m {
                    let s = sTile + r * bk
                    // Allowed keys of this row inside the tile: [0, valid).
                    let valid = causal ? max(0, min(n, i0 + r + 1 - kb)) : n
                    if kind == .softmax {
                        softmaxTileRow(
                            s, n: n, valid: valid, runMax: runMax + r, runSum: runSum + r,
                            o: oBlock + r * dv, dv: dv)
                    } else {
                        reluSquaredTileRow(s, n: n, valid: valid, invL: invL)
                    }
                }
                // O_blk += P · V_blk.
                packA(sTile, rowStride: bk, colStride: 1, m: m, k: n, into: pPack)
                // The V panel of this key block was packed with all its rows (a causal block may
                // use fewer): its slivers are `panelRows` deep.
                let panelRows = min(bk, keyLimit - kb)
                gemmMacroKernel(
                    mc: m, nc: dv, kc: n, packedA: pPack, packedB: vPack + kb * dvPad,
                    bSliverRows: panelRows, c: oBlock, ldc: dv, alpha: 1, beta: 1)
                kb += bk
            }
            if kind == .softmax {
                for r in 0..<m {
                    // l == 0: no allowed key at all; the row stays 0.
                    let inv: Float = runSum[r] > 0 ? 1 / runSum[r] : 0
                    scaleRow(oBlock + r * dv, dv, inv)
                }
            }
            i0 += bq
        }
    }
}

/// Online-softmax step for one row of a score tile: masks keys ≥ valid, updates the running max and
/// sum, rescales the row's output accumulator, and leaves P = e^{s − m_new} in `s`.
@inline(__always)
private func softmaxTileRow(
    _ s: UnsafeMutablePointer<Float>, n: Int, valid: Int,
    runMax: UnsafeMutablePointer<Float>, runSum: UnsafeMutablePointer<Float>,
    o: UnsafeMutablePointer<Float>, dv: Int
) {
    var j = valid
    while j < n { s[j] = -.infinity; j += 1 }
    let tileMax = rowMax(s, nil, n, 1)
    let mOld = runMax.pointee
    let mNew = max(mOld, tileMax)
    if mNew == -.infinity {
        // Nothing allowed yet: P = 0 and no rescale (avoids −inf − (−inf)).
        s.update(repeating: 0, count: n)
        return
    }
    let sum = rowExpSum(s, nil, n, 1, shift: mNew, out: s)
    let alpha = vexpScalar(mOld - mNew)  // 0 when mOld = −inf, 1 when the max did not move
    runSum.pointee = runSum.pointee * alpha + sum
    runMax.pointee = mNew
    if alpha != 1 { scaleRow(o, dv, alpha) }
}

/// relu² step for one row of a score tile: P = relu(s)²/l, masked keys 0.
@inline(__always)
private func reluSquaredTileRow(_ s: UnsafeMutablePointer<Float>, n: Int, valid: Int, invL: Float) {
    let l8 = Vec8(repeating: invL), zero = Vec8()
    var j = 0
    while j + 8 <= valid {
        let x = vmax(load8(s + j), zero)
        store8(x * x * l8, s + j)
        j += 8
    }
    while j < valid { let x = max(s[j], 0); s[j] = x * x * invL; j += 1 }
    while j < n { s[j] = 0; j += 1 }
}

@inline(__always)
func scaleRow(_ x: UnsafeMutablePointer<Float>, _ n: Int, _ factor: Float) {
    let f = Vec8(repeating: factor)
    var j = 0
    while j + 8 <= n { store8(load8(x + j) * f, x + j); j += 8 }
    while j < n { x[j] *= factor; j += 1 }
}

// MARK: - Reference twin

/// Algorithmic reference for `attention`: the full nq × nk score matrix in Double, then softmax (or
/// relu²/l) and A·V in Double. Same masks and conventions.
public func attentionReference(
    kind: AttentionKind = .softmax, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
    v: UnsafePointer<Float>, queries nq: Int, keys nk: Int, headDim d: Int,
    valueDim dv: Int, scale: Float, keyLength: Int? = nil, causal: Bool = false,
    reluNormalizer: Float? = nil, output o: UnsafeMutablePointer<Float>
) {
    let keyLimit = min(nk, max(0, keyLength ?? nk))
    let l = Double(reluNormalizer ?? Float(max(1, keyLimit)))
    for i in 0..<nq {
        var a = [Double](repeating: 0, count: nk)
        var allowed = [Bool](repeating: false, count: nk)
        for j in 0..<nk {
            allowed[j] = j < keyLimit && (!causal || j <= i)
            var dot = 0.0
            for p in 0..<d { dot += Double(q[i * d + p]) * Double(k[j * d + p]) }
            a[j] = Double(scale) * dot
        }
        if kind == .softmax {
            let m = (0..<nk).filter { allowed[$0] }.map { a[$0] }.max() ?? -.infinity
            var total = 0.0
            for j in 0..<nk { a[j] = allowed[j] ? exp(a[j] - m) : 0; total += a[j] }
            for j in 0..<nk { a[j] = total > 0 ? a[j] / total : 0 }
        } else {
            for j in 0..<nk { a[j] = allowed[j] ? max(a[j], 0) * max(a[j], 0) / l : 0 }
        }
        for c in 0..<dv {
            var s = 0.0
            for j in 0..<nk { s += a[j] * Double(v[j * dv + c]) }
            o[i * dv + c] = Float(s)
        }
    }
}
