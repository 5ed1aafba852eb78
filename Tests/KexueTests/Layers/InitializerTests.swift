import Testing

@testable import Kexue

@Suite struct InitializerTests {
    func moments(_ t: Tensor) -> (mean: Double, std: Double) {
        let n = Double(t.count)
        let mean = t.sumDouble() / n
        let variance = t.squaredNorm() / n - mean * mean
        return (mean, variance.squareRoot())
    }

    @Test func fansFollowKerasConvention() {
        #expect(Initializer.fans(of: [3, 5]) == (3, 5))
        #expect(Initializer.fans(of: [7]) == (7, 7))
        #expect(Initializer.fans(of: [2, 3, 4, 5]) == (24, 30))
    }

    @Test func glorotUniformBoundAndVariance() {
        var rng = SeededRNG(seed: 10)
        let w = Tensor([200, 300], initializer: .glorotUniform, rng: &rng)
        let a = Float((6.0 / 500).squareRoot())
        #expect(w.max() < a && w.min() >= -a)
        // Var of U(-a, a) is a²/3 = 2/(fanIn + fanOut).
        #expect(abs(moments(w).std - (2.0 / 500).squareRoot()) < 0.002)
    }

    @Test func normalInitialisersHaveTheirStd() {
        var rng = SeededRNG(seed: 11)
        let shape = [256, 384]
        let cases: [(Initializer, Double)] = [
            (.glorotNormal, (2.0 / 640).squareRoot()),
            (.lecunNormal, (1.0 / 256).squareRoot()),  // Keras-corrected: actual std exactly 1/√fanIn
            (.heNormal, (2.0 / 256).squareRoot()),
            (.deepNet(beta: 0.5), 0.5 * (2.0 / 640).squareRoot()),
            (.scaled(.glorotNormal, by: 0.25), 0.25 * (2.0 / 640).squareRoot()),
            (.truncatedNormal(std: 0.02), 0.02 * 0.87962566103423978),
        ]
        for (initializer, expected) in cases {
            let m = moments(initializer.make(shape, rng: &rng))
            // ~98k samples: relative standard error of the std ≈ 0.23%; allow 2%.
            #expect(abs(m.std - expected) < 0.02 * expected, "\(initializer): std \(m.std) vs \(expected)")
            #expect(abs(m.mean) < 0.02 * expected * 10)
        }
    }

    @Test func lecunNormalIsTruncated() {
        var rng = SeededRNG(seed: 12)
        let w = Initializer.lecunNormal.make([100, 50], rng: &rng)
        let bound = Float(2 * 0.1 / 0.87962566103423978)
        #expect(w.max() <= bound && w.min() >= -bound)
    }

    @Test func deterministicForASeed() {
        var a = SeededRNG(seed: 13), b = SeededRNG(seed: 13)
        #expect(Initializer.glorotUniform.make([4, 4], rng: &a) == Initializer.glorotUniform.make([4, 4], rng: &b))
    }

    @Test func constantsAndScale() {
        var rng = SeededRNG(seed: 0)
        #expect(Initializer.constant(3).make([2, 2], rng: &rng) == Tensor.full([2, 2], 3))
        #expect(Initializer.ones.make([3], rng: &rng) == Tensor.ones([3]))
        // β·√(2/(fanIn + fanOut)) = 2·√½, computed in Float: the division, the root and the product round once each.
        let scale = 2 * 0.5.squareRoot()
        #expect(
            abs(Double(Initializer.deepNet(beta: 2).scale(for: [2, 2])) - scale)
                <= Tolerance.relative(scale, roundings: 3))
    }
}
