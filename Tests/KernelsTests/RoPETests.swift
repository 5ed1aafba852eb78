import Foundation
import Testing

@testable import Kernels

@Test func ropeMatchesTwinAndInverts() {
    var rng = SplitMix64(seed: 41)
    for (positions, groups, dim, start) in [(1, 1, 2, 0), (7, 3, 6, 5), (33, 2, 64, 0), (129, 1, 18, 1000)] {
        let table = RoPETable(positions: positions, dim: dim, start: start)
        let x = rng.array(positions * groups * dim, -2, 2)
        var y = [Float](repeating: 0, count: x.count), yRef = y, back = y
        rope(x, output: &y, positions: positions, groups: groups, table: table)
        ropeReference(x, output: &yRef, positions: positions, groups: groups, dim: dim, start: start)
        // cos and sin are rounded to fp32 (u each), the product/fma adds 2u: |Δy| ≤ 4u·(|x0| + |x1|).
        let pairSum: (Int) -> Double = { i in
            let p = i & ~1; return abs(Double(x[p])) + abs(Double(x[p + 1]))
        }
        let r = compareTwins(y, yRef) { 4 * u32 * pairSum($0) }
        #expect(r.ok, "rope [\(positions), \(groups), \(dim)] start \(start): \(r)")
        // Inverse after forward: two such errors.
        rope(y, output: &back, positions: positions, groups: groups, table: table, inverse: true)
        let ri = compareTwins(back, x) { 10 * u32 * pairSum($0) }
        #expect(ri.ok, "rope inverse [\(positions), \(groups), \(dim)]: \(ri)")
    }
}

@Test func ropeRelativePositionProperty() {
    // (R_m q)·(R_n k) = q·(R_{n−m} k): the score depends on n − m only (Su, eq. of the post).
    var rng = SplitMix64(seed: 43)
    let dim = 16
    let table = RoPETable(positions: 20, dim: dim)
    let q = rng.array(dim), k = rng.array(dim)
    func score(_ m: Int, _ n: Int) -> Float {
        var qs = [Float](repeating: 0, count: 20 * dim), ks = qs
        for p in 0..<20 { for j in 0..<dim { qs[p * dim + j] = q[j]; ks[p * dim + j] = k[j] } }
        var qr = qs, kr = ks
        rope(qs, output: &qr, positions: 20, table: table)
        rope(ks, output: &kr, positions: 20, table: table)
        return (0..<dim).reduce(0) { $0 + qr[m * dim + $1] * kr[n * dim + $1] }
    }
    #expect(abs(score(3, 7) - score(10, 14)) < 1e-5)
    #expect(abs(score(0, 0) - (0..<dim).reduce(0) { $0 + q[$1] * k[$1] }) < 1e-6)
}
