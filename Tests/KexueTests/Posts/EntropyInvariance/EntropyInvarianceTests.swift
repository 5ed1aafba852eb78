import Testing

@testable import Kexue

#if canImport(Glibc)
    import Glibc
#endif

/// Chapter 8 (kexue.fm/archives/9034): softmax entropy, its exact decomposition, the lower bound, κ and the scale.
@Suite struct EntropyInvarianceTests {
    /// A row of n scores: normal with the given spread around an offset (the offset checks shift handling).
    func row(_ n: Int, spread: Double, offset: Double = 0, rng: inout SeededRNG) -> [Double] {
        (0..<n).map { _ in offset + spread * rng.normalDouble() }
    }

    /// Rounding bound for comparing two evaluations of H on one row.
    ///
    /// Both evaluations add n terms whose magnitudes are at most C = log n + |λ|·(max |sᵢ|) + log Z (log Z ≤ log n):
    /// each logit zᵢ − m, each log pᵢ, and the partial sums stay within C, and the decomposition's
    /// `m + log Z − log n` and `Σ pᵢ zᵢ` cancel up to |m| ≤ C. Recursive summation of n terms errs by at most
    /// n·ε·C per sum (Higham, ch. 4), plus a few ulps for exp and log; two such sums per evaluation and two
    /// evaluations give 4·n·ε·C, and we allow 8·(n + 4)·ε·C to cover exp/log and short rows.
    func tolerance(_ s: [Double], _ lambda: Double) -> Double {
        let n = Double(s.count)
        let c = 2 * log(n) + abs(lambda) * s.map(abs).max()! + 1
        return 8 * (n + 4) * Double.ulpOfOne * c
    }

    @Test func identityHoldsOnSeededRandomInputs() {
        var rng = SeededRNG(seed: 9034)
        var worst = 0.0
        for n in [1, 2, 7, 64, 513, 4096] {
            for lambda in [0.0, 0.125, 1, 3, 40] {
                for spread in [0.1, 1, 8] {
                    let s = row(n, spread: spread, offset: 5 * rng.normalDouble(), rng: &rng)
                    let h = softmaxEntropy(s, temperature: lambda)
                    let parts = softmaxEntropyDecomposition(s, temperature: lambda)
                    let gap = abs(parts.entropy - h)
                    #expect(gap <= tolerance(s, lambda), "n \(n) λ \(lambda) spread \(spread): gap \(gap)")
                    #expect(
                        h >= -tolerance(s, lambda) && h <= log(Double(n)) + tolerance(s, lambda),
                        "H \(h) outside [0, log \(n)]")
                    worst = max(worst, gap)
                }
            }
        }
        // A regression guard below the per-row bounds (which reach ~1e-9 for n = 4096, λ = 40): the largest gap
        // measured over these inputs is printed on failure; 1e-10 flags a loss of accuracy before the bound would.
        #expect(worst < 1e-10, "worst gap \(worst)")
    }

    /// softmaxEntropy against the definition −Σ p log p written out naively (safe for small λ·s).
    @Test func entropyMatchesLiteralDefinition() {
        var rng = SeededRNG(seed: 1)
        let s = row(10, spread: 1, rng: &rng)
        let e = s.map { exp(0.7 * $0) }
        let z = e.reduce(0, +)
        let literal = -e.map { $0 / z * log($0 / z) }.reduce(0, +)
        #expect(abs(softmaxEntropy(s, temperature: 0.7) - literal) <= tolerance(s, 0.7))
    }

    @Test func uniformAndDegenerateCases() {
        // Equal logits: z − m = 0, e⁰ = 1 and p = ¼ are exact, so only log ¼ rounds (`elementaryULPs`); with
        // p = ⅓ rounded, the three terms' products and sum add four roundings.
        #expect(
            abs(softmaxEntropy([3, 3, 3, 3], temperature: 5) - log(4.0))
                <= Tolerance.relative(log(4.0), roundings: 0, elementary: 1, unit: Tolerance.double))
        #expect(
            abs(softmaxEntropy([1, -2, 7], temperature: 0) - log(3.0))
                <= Tolerance.relative(log(3.0), roundings: 4, elementary: 1, unit: Tolerance.double))
        #expect(softmaxEntropy([42]) == 0)
        // One score far above the rest: weights underflow to 0 and H is 0, never NaN.
        let peaked = softmaxEntropy([1e6, 0, 0, -1e6], temperature: 1)
        #expect(peaked == 0)
        let parts = softmaxEntropyDecomposition([1e6, 0, 0, -1e6], temperature: 1)
        #expect(parts.logMeanExp.isFinite && abs(parts.entropy) <= tolerance([1e6, 0, 0, -1e6], 1))
        #expect(softmaxEntropyLowerBound([2, 2, 2], temperature: 3) == log(3.0))
    }

    /// log n − λ(s_max − s̄) ≤ H for every row and λ ≥ 0. The rows mix spreads, lengths and one-peak rows (where the
    /// bound is most negative) and near-constant rows (where it is tight); allowed slack: the rounding bound above.
    @Test func lowerBoundHoldsOverManyRandomInputs() {
        var rng = SeededRNG(seed: 512)
        var tightest = Double.infinity
        for trial in 0..<3000 {
            let n = 1 + rng.uniformInt(below: 300)
            let lambda = [0, 0.01, 0.3, 1, 5][trial % 5] * 2 * rng.uniformDouble()
            var s = row(n, spread: [1e-3, 0.5, 3][trial % 3], offset: rng.normalDouble(), rng: &rng)
            if trial % 7 == 0 { s[rng.uniformInt(below: n)] += 20 }
            let h = softmaxEntropy(s, temperature: lambda)
            let bound = softmaxEntropyLowerBound(s, temperature: lambda)
            #expect(bound <= h + tolerance(s, lambda), "trial \(trial): bound \(bound) > H \(h) (n \(n), λ \(lambda))")
            // The decomposition's two inequalities, separately.
            let parts = softmaxEntropyDecomposition(s, temperature: lambda)
            let mean = s.reduce(0, +) / Double(n)
            #expect(parts.logMeanExp >= lambda * mean - tolerance(s, lambda))
            #expect(parts.weightedScore <= lambda * s.max()! + tolerance(s, lambda))
            tightest = min(tightest, h - bound)
        }
        #expect(tightest < 1e-3)  // near-constant rows at small λ come close: the bound is attained in the limit
    }

    // MARK: κ and the scale

    @Test func kappaMatchesLiteralFormula() {
        #expect(entropyInvariantKappa(headDim: 64) == 64.0.squareRoot() / log(512.0))
        #expect(entropyInvariantKappa(headDim: 128) == 128.0.squareRoot() / log(512.0))
        // The digest's values (B4, "our computation"), to their printed precision.
        #expect(abs(entropyInvariantKappa(headDim: 64) - 1.282396) < 5e-7)
        #expect(abs(entropyInvariantKappa(headDim: 128) - 1.813581) < 5e-7)
    }

    /// κ·log n / d (the post's form) and log₅₁₂(n)/√d (the implementation's form) agree, and equal 1/√d at n = 512.
    @Test func scaleEqualsStandardAt512AndMatchesKappaForm() {
        for d in [1, 16, 64, 100, 128, 256] {
            let standard = 1 / Double(d).squareRoot()
            #expect(abs(entropyInvariantAttentionScale(length: 512, headDim: d) - standard) <= 4 * standard.ulp)
            for n in [17, 100, 512, 1000, 4096, 100_000] {
                let kappaForm = entropyInvariantKappa(headDim: d) * log(Double(n)) / Double(d)
                let scale = entropyInvariantAttentionScale(length: n, headDim: d)
                #expect(abs(scale - kappaForm) <= 8 * scale.ulp, "d \(d) n \(n): \(scale) vs \(kappaForm)")
                #expect((scale < standard) == (n < 512) && (scale > standard) == (n > 512))
            }
        }
    }

    /// bert4keras clamps the length to at least 16 before the log; minimumLength 1 is the unclamped 2022 code.
    @Test func shortSequencesAreClamped() {
        let clamped = log(16.0) / log(512.0) / 8
        for n in 1...16 {
            #expect(entropyInvariantAttentionScale(length: n, headDim: 64) == clamped)
        }
        // log 16/log 512 = 4/9 exactly; in Double two logs (`elementaryULPs` each) and two divisions round.
        #expect(
            abs(clamped - 4.0 / 9.0 / 8)
                <= Tolerance.relative(4.0 / 9.0 / 8, roundings: 2, elementary: 2, unit: Tolerance.double))
        #expect(entropyInvariantAttentionScale(length: 17, headDim: 64) > clamped)
        #expect(entropyInvariantAttentionScale(length: 1, headDim: 64, minimumLength: 1) == 0)
        #expect(entropyInvariantAttentionScale(length: 4, headDim: 64, minimumLength: 1) == log(4.0) / log(512.0) / 8)
        // Kernels' Float scale is the unclamped formula.
        // The same Double formula rounded once to Float (plus Double-level differences in its evaluation).
        let scale1000 = entropyInvariantAttentionScale(length: 1000, headDim: 64)
        #expect(
            abs(Double(entropyInvariantScale(length: 1000, headDim: 64)) - scale1000)
                <= Tolerance.relative(scale1000, roundings: 1)
                + Tolerance.relative(scale1000, roundings: 4, elementary: 2, unit: Tolerance.double))
    }
}
