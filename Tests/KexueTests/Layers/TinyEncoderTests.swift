import Testing

@testable import Kexue

@Suite struct TinyEncoderTests {
    @Test func shapesAndParameterCount() {
        var rng = SeededRNG(seed: 1)
        let enc = TinyEncoder(vocabularySize: 11, hiddenSize: 8, heads: 2, layers: 2, ffnSize: 12, rng: &rng)
        let h = enc(Array(0..<10), batch: 2, length: 5)
        #expect(h.shape == [2, 5, 8])
        let (v, d, f) = (11, 8, 12)
        #expect(enc.parameterCount == v * d + 2 * (4 * d * d + 4 * d + 2 * d * f + f + d + 4 * d) + 2 * d)
    }

    @Test func paddingDoesNotLeakIntoRealTokens() {
        var rng = SeededRNG(seed: 2)
        let enc = TinyEncoder(vocabularySize: 9, hiddenSize: 8, heads: 2, layers: 2, rng: &rng)
        let mask = [[true, true, true, false, false]]
        let a = enc([1, 2, 3, 0, 0], batch: 1, length: 5, mask: mask).value
        let b = enc([1, 2, 3, 7, 8], batch: 1, length: 5, mask: mask).value
        // Padded keys get weight exactly 0 (e^{−∞}) and 0·v = 0, so the real tokens' arithmetic is identical.
        for i in 0..<3 { #expect(a[0][i] == b[0][i]) }
        #expect(a.scalars.allSatisfy { $0.isFinite })
    }

    @Test func gradientsOfEveryParameter() {
        var rng = SeededRNG(seed: 3)
        let enc = TinyEncoder(vocabularySize: 5, hiddenSize: 4, heads: 2, layers: 1, ffnSize: 6, rng: &rng)
        // Perturb the norms' gains and biases off their initial 1 and 0 so every path is exercised.
        for p in enc.parameters { p.value = p.value + randomTensor(p.shape, seed: 4, std: 0.1) }
        let r = checkParameterGradients(enc.parameters) {
            enc([1, 2, 3, 4, 0, 1], batch: 2, length: 3, mask: [[true, true, true], [true, true, false]])
        }
        #expect(r.ok, "\(r.message)")
    }
}
