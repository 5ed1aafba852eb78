// The BLIS-style core of SGEMM: panel packing, the 6×16 micro-kernel and the macro-kernel loop.
//
// Layout of packed panels (the micro-kernel reads both strictly sequentially):
// - A block (mc × kc) is cut into slivers of MR = 6 rows; sliver s is stored as [kc][6].
// - B panel (kc × nc) is cut into slivers of NR = 16 columns; sliver s is stored as [kc][16].
// Slivers are zero-padded to full width. Padding only ever feeds output rows/columns that are
// discarded, so it never changes a stored result.
//
// Register budget (16 ymm): 12 accumulators (6 rows × 2 vectors) + 2 B vectors + 1 broadcast.
// Per k step: 12 FMAs for 2 loads and 6 broadcasts, i.e. the 2 FMA pipes are the bottleneck.
//
// The C tile is prefetched before the k loop: between two visits of a tile the whole of C has been
// swept, so at 1024³ (C is 4 MB) every tile misses, and those misses, taken after the loop, cost
// about 13 % of the time (perf: the samples sat on the stores of C). Prefetched, they overlap the
// loop's ~1,500 cycles. Measured on this machine kind, interleaved in one process, 30 rounds:
// 1024³ 1.135× (interquartile 1.07-1.18) on one thread, 1.16× on two; 512³ 1.03×; 256³ 1.00×.

internal import CKernelsSupport

/// Rows of the micro-tile.
let gemmMR = 6
/// Columns of the micro-tile (two SIMD8 vectors).
let gemmNR = 16
/// Depth of a packed block: a B sliver (KC·16·4 = 16 KB) stays in L1 while A streams from L2.
let gemmKC = 256
/// Rows of a packed A block: MC·KC·4 = 144 KB, a good fraction of the 512 KB L2.
let gemmMC = 144
/// Columns of a packed B panel (lives in L3).
let gemmNC = 4080

@inline(__always)
func roundUp(_ x: Int, _ multiple: Int) -> Int {
    ((x &+ multiple &- 1) / multiple) &* multiple
}

// MARK: - Packing

/// Packs the m × k block of op(A) whose element (i, p) is `src[i·rowStride + p·colStride]` into
/// MR-row slivers at `dst` (size roundUp(m, 6) · k floats).
func packA(
    _ src: UnsafePointer<Float>, rowStride: Int, colStride: Int, m: Int, k: Int,
    into dst: UnsafeMutablePointer<Float>
) {
    var out = dst
    var i0 = 0
    while i0 < m {
        let rows = min(gemmMR, m &- i0)
        let base = src + i0 &* rowStride
        if colStride == 1 && rows == gemmMR {
            // A not transposed: six row streams, each read sequentially.
            let r0 = base, r1 = base + rowStride, r2 = base + 2 &* rowStride
            let r3 = base + 3 &* rowStride, r4 = base + 4 &* rowStride, r5 = base + 5 &* rowStride
            var p = 0
            while p < k {
                out[0] = r0[p]; out[1] = r1[p]; out[2] = r2[p]
                out[3] = r3[p]; out[4] = r4[p]; out[5] = r5[p]
                out += gemmMR
                p &+= 1
            }
        } else {
            var p = 0
            while p < k {
                let col = base + p &* colStride
                var i = 0
                while i < rows { out[i] = col[i &* rowStride]; i &+= 1 }
                while i < gemmMR { out[i] = 0; i &+= 1 }
                out += gemmMR
                p &+= 1
            }
        }
        i0 &+= gemmMR
    }
}

/// Packs the k × n block of op(B) whose element (p, j) is `src[p·rowStride + j·colStride]` into
/// NR-column slivers at `dst` (size k · roundUp(n, 16) floats).
func packB(
    _ src: UnsafePointer<Float>, rowStride: Int, colStride: Int, k: Int, n: Int,
    into dst: UnsafeMutablePointer<Float>
) {
    var out = dst
    var j0 = 0
    while j0 < n {
        let cols = min(gemmNR, n &- j0)
        let base = src + j0 &* colStride
        if colStride == 1 && cols == gemmNR {
            // B not transposed: copy 16 contiguous floats per row.
            var p = 0
            while p < k {
                let row = base + p &* rowStride
                store8(load8(row), out)
                store8(load8(row + 8), out + 8)
                out += gemmNR
                p &+= 1
            }
        } else if rowStride == 1 && cols == gemmNR {
            // B transposed (B is n × k row-major): 16 column streams, written with stride 16.
            var j = 0
            while j < gemmNR {
                let column = base + j &* colStride
                var o = out + j
                var p = 0
                while p < k { o[0] = column[p]; o += gemmNR; p &+= 1 }
                j &+= 1
            }
            out += k &* gemmNR
        } else {
            var p = 0
            while p < k {
                let row = base + p &* rowStride
                var j = 0
                while j < cols { out[j] = row[j &* colStride]; j &+= 1 }
                while j < gemmNR { out[j] = 0; j &+= 1 }
                out += gemmNR
                p &+= 1
            }
        }
        j0 &+= gemmNR
    }
}

// MARK: - Micro-kernel

/// C[0..<6, 0..<16] = alpha · Σ_p a[p][0..<6] ⊗ b[p][0..<16] + beta · C, with packed slivers `a`
/// ([kc][6]) and `b` ([kc][16]). C is not read when beta == 0. The result of every element depends
/// only on its own row of `a` and column of `b`, in the fixed order p = 0, 1, …, kc−1.
@inline(never)
func gemmMicroKernel(
    _ kc: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ alpha: Float, _ beta: Float
) {
    microKernelBody(kc, a, 1, gemmMR, b, gemmNR, c, ldc, alpha, beta)
}

/// The same micro-kernel reading A in place (element (i, p) at a[i·ars + p·acs]) and B rows at
/// b + p·bks (16 contiguous floats each): the unpacked path of small problems. Same arithmetic,
/// same order, so results are bit-identical to the packed path.
@inline(never)
func gemmMicroKernelStrided(
    _ kc: Int, _ a: UnsafePointer<Float>, _ ars: Int, _ acs: Int,
    _ b: UnsafePointer<Float>, _ bks: Int,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ alpha: Float, _ beta: Float
) {
    microKernelBody(kc, a, ars, acs, b, bks, c, ldc, alpha, beta)
}

@inline(__always)
func microKernelBody(
    _ kc: Int, _ a: UnsafePointer<Float>, _ ars: Int, _ acs: Int,
    _ b: UnsafePointer<Float>, _ bks: Int,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ alpha: Float, _ beta: Float
) {
    // A row of the tile is 64 bytes: one line if C is 64-byte aligned, else two (first and last float).
    var row = c
    for _ in 0..<gemmMR {
        kernels_prefetch_for_write(row)
        kernels_prefetch_for_write(row + (gemmNR - 1))
        row += ldc
    }
    var c00 = Vec8(), c01 = Vec8(), c10 = Vec8(), c11 = Vec8(), c20 = Vec8(), c21 = Vec8()
    var c30 = Vec8(), c31 = Vec8(), c40 = Vec8(), c41 = Vec8(), c50 = Vec8(), c51 = Vec8()
    let a0 = a, a1 = a + ars, a2 = a + 2 &* ars, a3 = a + 3 &* ars, a4 = a + 4 &* ars, a5 = a + 5 &* ars
    var bp = b
    var off = 0
    var p = 0
    while p < kc {
        let b0 = load8(bp), b1 = load8(bp + 8)
        var av = Vec8(repeating: a0[off])
        c00 = c00.addingProduct(av, b0); c01 = c01.addingProduct(av, b1)
        av = Vec8(repeating: a1[off])
        c10 = c10.addingProduct(av, b0); c11 = c11.addingProduct(av, b1)
        av = Vec8(repeating: a2[off])
        c20 = c20.addingProduct(av, b0); c21 = c21.addingProduct(av, b1)
        av = Vec8(repeating: a3[off])
        c30 = c30.addingProduct(av, b0); c31 = c31.addingProduct(av, b1)
        av = Vec8(repeating: a4[off])
        c40 = c40.addingProduct(av, b0); c41 = c41.addingProduct(av, b1)
        av = Vec8(repeating: a5[off])
        c50 = c50.addingProduct(av, b0); c51 = c51.addingProduct(av, b1)
        off &+= acs
        bp += bks
        p &+= 1
    }
    let va = Vec8(repeating: alpha)
    if beta == 0 {
        var r = c
        store8(c00 * va, r); store8(c01 * va, r + 8); r += ldc
        store8(c10 * va, r); store8(c11 * va, r + 8); r += ldc
        store8(c20 * va, r); store8(c21 * va, r + 8); r += ldc
        store8(c30 * va, r); store8(c31 * va, r + 8); r += ldc
        store8(c40 * va, r); store8(c41 * va, r + 8); r += ldc
        store8(c50 * va, r); store8(c51 * va, r + 8)
    } else {
        // alpha·acc + beta·C with one rounding of the sum (fma(beta, C, alpha·acc)).
        let vb = Vec8(repeating: beta)
        @inline(__always) func update(_ r: UnsafeMutablePointer<Float>, _ x0: Vec8, _ x1: Vec8) {
            store8((x0 * va).addingProduct(vb, load8(r)), r)
            store8((x1 * va).addingProduct(vb, load8(r + 8)), r + 8)
        }
        var r = c
        update(r, c00, c01); r += ldc
        update(r, c10, c11); r += ldc
        update(r, c20, c21); r += ldc
        update(r, c30, c31); r += ldc
        update(r, c40, c41); r += ldc
        update(r, c50, c51)
    }
}

/// The micro-kernel on a partial tile (rows ≤ 6, cols ≤ 16): runs the full kernel on a local 6×16
/// copy of C so that every stored element goes through exactly the same arithmetic as in a full tile.
/// A and B must be readable for the full 6 × 16 tile (packed and zero-padded).
@inline(never)
func gemmMicroKernelEdge(
    _ kc: Int, _ a: UnsafePointer<Float>, _ ars: Int, _ acs: Int,
    _ b: UnsafePointer<Float>, _ bks: Int,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ alpha: Float, _ beta: Float,
    rows: Int, cols: Int
) {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: gemmMR * gemmNR) { tmp in
        let t = tmp.baseAddress!
        t.initialize(repeating: 0, count: gemmMR * gemmNR)
        if beta != 0 {
            for i in 0..<rows { for j in 0..<cols { t[i &* gemmNR &+ j] = c[i &* ldc &+ j] } }
        }
        gemmMicroKernelStrided(kc, a, ars, acs, b, bks, t, gemmNR, alpha, beta)
        for i in 0..<rows { for j in 0..<cols { c[i &* ldc &+ j] = t[i &* gemmNR &+ j] } }
    }
}

// MARK: - Macro-kernel

/// C[0..<mc, 0..<nc] = alpha · Apacked · Bpacked + beta · C for one packed A block and B panel.
/// Loop order jr (B sliver, kept in L1) outside ir (A slivers, streamed from L2).
/// `bSliverRows`: rows per B sliver in the packed panel when the panel was packed deeper than kc
/// (only the first kc rows of each sliver are used); default kc.
func gemmMacroKernel(
    mc: Int, nc: Int, kc: Int, packedA: UnsafePointer<Float>,
    packedB: UnsafePointer<Float>, bSliverRows: Int? = nil, c: UnsafeMutablePointer<Float>,
    ldc: Int, alpha: Float, beta: Float
) {
    let bStride = bSliverRows ?? kc
    var jr = 0
    while jr < nc {
        let cols = min(gemmNR, nc &- jr)
        let bSliver = packedB + jr &* bStride
        var ir = 0
        while ir < mc {
            let rows = min(gemmMR, mc &- ir)
            let aSliver = packedA + ir &* kc
            let cTile = c + (ir &* ldc &+ jr)
            if rows == gemmMR && cols == gemmNR {
                gemmMicroKernel(kc, aSliver, bSliver, cTile, ldc, alpha, beta)
            } else {
                gemmMicroKernelEdge(
                    kc, aSliver, 1, gemmMR, bSliver, gemmNR, cTile, ldc, alpha, beta,
                    rows: rows, cols: cols)
            }
            ir &+= gemmMR
        }
        jr &+= gemmNR
    }
}
