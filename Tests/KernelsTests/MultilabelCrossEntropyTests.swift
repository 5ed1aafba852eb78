import Foundation
import Testing

@testable import Kernels

/// The post's formula evaluated literally in Double (for finite differences).
private func zlprLoss(_ s: [Double], _ y: [Float]) -> Double {
    var neg: [Double] = [0], pos: [Double] = [0]
    for (v, label) in zip(s, y) { if label > 0.5 { pos.append(-v) } else { neg.append(v) } }
    return referenceLogSumExp(neg) + referenceLogSumExp(pos)
}

@Test func multilabelCrossEntropyMatchesTwin() {
    var rng = SplitMix64(seed: 31)
    for (rows, classes, scale) in [(1, 1, Float(1)), (2, 7, 3), (3, 100, 10), (5, 1031, 4), (2, 64, 1e4)] {
        let s = rng.array(rows * classes, -scale, scale)
        let y = (0..<rows * classes).map { _ in rng.unit() < 0.1 ? Float(1) : 0 }
        let dl = rng.array(rows, 0.5, 2)
        var loss = [Float](repeating: 0, count: rows), lossRef = loss
        var grad = [Float](repeating: 0, count: rows * classes), gradRef = grad
        multilabelCrossEntropy(scores: s, labels: y, rows: rows, classes: classes, loss: &loss)
        multilabelCrossEntropyReference(scores: s, labels: y, rows: rows, classes: classes, loss: &lossRef)
        multilabelCrossEntropyBackward(scores: s, labels: y, rows: rows, classes: classes, dLoss: dl, grad: &grad)
        multilabelCrossEntropyBackwardReference(
            scores: s, labels: y, rows: rows, classes: classes, dLoss: dl,
            grad: &gradRef)
        // Each side is a logsumexp with the appended 0: shifted arguments cost u·(|t| + |max|) each,
        // exp 4u, the 8-lane sum (n/8 + 3)·u relative; the loss adds two of them and a final rounding.
        let tMax = Double(s.map { abs($0) }.max() ?? 0)
        let lr = compareTwins(loss, lossRef) { i in
            u32 * (20 + Double(classes) / 4 + 8 * tMax + 2 * abs(Double(lossRef[i])))
        }
        #expect(lr.ok, "CE loss [\(rows), \(classes)] scale \(scale): \(lr)")
        // A gradient element is a softmax weight times dLoss: relative u·(10 + n/8 + 4·2·max|t|).
        let gr = compareTwins(grad, gradRef) { i in
            abs(Double(gradRef[i])) * u32 * (12 + Double(classes) / 8 + 8 * tMax) + 0x1p-124
        }
        #expect(gr.ok, "CE grad [\(rows), \(classes)] scale \(scale): \(gr)")
    }
}

@Test func multilabelCrossEntropyEdgeCases() {
    // Masked (−inf) negatives contribute nothing; ±1e4 scores stay finite; −inf on a positive → +inf.
    let s: [Float] = [-.infinity, 2, -1e4, 1e4, -.infinity, 0, 0, 0]
    let y: [Float] = [0, 1, 0, 1, 1, 0, 0, 0]
    var loss = [Float](repeating: 0, count: 2)
    multilabelCrossEntropy(scores: s, labels: y, rows: 2, classes: 4, loss: &loss)
    // Row 0: log(1 + e^{−1e4}) + log(1 + e^{−2} + e^{−1e4}) = log(1 + e^{−2}).
    #expect(abs(Double(loss[0]) - log(1 + exp(-2.0))) < 1e-6)
    #expect(loss[1] == .infinity)
    var grad = [Float](repeating: 9, count: 8)
    multilabelCrossEntropyBackward(scores: s, labels: y, rows: 1, classes: 4, grad: &grad)
    #expect(grad[0] == 0 && grad[2] == 0 && grad[3] == 0 && grad[1] < 0)
    // All labels negative and all scores −inf: loss 0 (only the appended zero remains).
    let allMasked = [Float](repeating: -.infinity, count: 9), none = [Float](repeating: 0, count: 9)
    var l1: [Float] = [7]
    multilabelCrossEntropy(scores: allMasked, labels: none, rows: 1, classes: 9, loss: &l1)
    #expect(l1[0] == 0)
}

@Test func multilabelCrossEntropyGradientMatchesFiniteDifferences() {
    // Central differences in Double, h = 1e-5 (truncation ~h² = 1e-10): fp32 gradient within 1e-5.
    var rng = SplitMix64(seed: 77)
    let classes = 19
    let s = rng.array(classes, -3, 3)
    let y = (0..<classes).map { Float($0 % 4 == 1 ? 1 : 0) }
    var grad = [Float](repeating: 0, count: classes)
    multilabelCrossEntropyBackward(scores: s, labels: y, rows: 1, classes: classes, grad: &grad)
    for i in 0..<classes {
        var sp = s.map(Double.init), sm = sp
        sp[i] += 1e-5; sm[i] -= 1e-5
        let fd = (zlprLoss(sp, y) - zlprLoss(sm, y)) / 2e-5
        #expect(abs(fd - Double(grad[i])) < 1e-5, "CE grad [\(i)]: \(grad[i]) vs fd \(fd)")
    }
}
