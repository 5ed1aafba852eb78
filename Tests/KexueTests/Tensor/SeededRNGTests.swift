import Testing

@testable import Kexue

@Suite struct SeededRNGTests {
    // Golden values computed independently (a Python transcription of the reference C of SplitMix64 and
    // xoshiro256**); seed 0's first output 0x99ec5f36cb75f2b4 is also the commonly published value.
    @Test func goldenStreamSeed0() {
        var rng = SeededRNG(seed: 0)
        #expect(rng.next() == 0x99ec_5f36_cb75_f2b4)
        #expect(rng.next() == 0xbf6e_1f78_4956_452a)
        #expect(rng.next() == 0x1a5f_849d_4933_e6e0)
        #expect(rng.next() == 0x6aa5_94f1_262d_2d2c)
    }

    @Test func goldenStreamSeed42() {
        var rng = SeededRNG(seed: 42)
        #expect(rng.next() == 0x1578_0b2e_0c2e_c716)
        #expect(rng.next() == 0x6104_d986_6d11_3a7e)
    }

    @Test func goldenUniformAndNormal() {
        var rng = SeededRNG(seed: 0)
        #expect(rng.uniformFloat() == 0.6012629866600037)
        #expect(rng.uniformFloat() == 0.747774064540863)
        var d = SeededRNG(seed: 0)
        #expect(d.uniformDouble() == 0.6012629994179048)
        var n = SeededRNG(seed: 0)
        // Box-Muller r·cos(2πu₂) in Double, r = √(−2 log u₁) ≤ 4 for these draws; another libm may differ by its
        // error in log, sqrt and cos (`elementaryULPs` each, relative) and r·2π·u in the angle.
        let expected = [-0.01410679738124918, -1.845895087695827, 0.7881791614487657]
        let platform = 4 * (2 * Double.pi + 3 * Tolerance.elementaryULPs) * Tolerance.double
        for e in expected { #expect(abs(n.normalDouble() - e) <= platform) }
    }

    @Test func uniformMomentsAndRange() {
        var rng = SeededRNG(seed: 1)
        let n = 100_000
        var s = 0.0, s2 = 0.0
        for _ in 0..<n {
            let u = Double(rng.uniformFloat())
            #expect(u >= 0 && u < 1)
            s += u; s2 += u * u
        }
        let mean = s / Double(n), variance = s2 / Double(n) - mean * mean
        // Five standard errors: U(0,1) has sd √(1/12); (u − ½)² has sd √(1/80 − 1/144) = √(1/180).
        #expect(abs(mean - 0.5) <= Tolerance.standardErrors(5, deviation: (1.0 / 12).squareRoot(), samples: n))
        #expect(
            abs(variance - 1.0 / 12) <= Tolerance.standardErrors(5, deviation: (1.0 / 180).squareRoot(), samples: n))
    }

    @Test func normalMoments() {
        var rng = SeededRNG(seed: 2)
        let n = 100_000
        var s = 0.0, s2 = 0.0
        for _ in 0..<n { let z = Double(rng.normal()); s += z; s2 += z * z }
        let mean = s / Double(n), variance = s2 / Double(n) - mean * mean
        // Five standard errors: z has sd 1, z² has sd √2.
        #expect(abs(mean) <= Tolerance.standardErrors(5, deviation: 1, samples: n))
        #expect(abs(variance - 1) <= Tolerance.standardErrors(5, deviation: 2.0.squareRoot(), samples: n))
    }

    @Test func truncatedNormalStaysInsideTwoStd() {
        var rng = SeededRNG(seed: 3)
        var s2 = 0.0
        let n = 50_000
        for _ in 0..<n {
            let z = rng.truncatedNormal(mean: 1, std: 0.5)
            #expect(z >= 0 && z <= 2)
            s2 += Double((z - 1) * (z - 1))
        }
        // The std of N(0,1) truncated at ±2 is 0.87962566. w = (z − 1)/0.5 has E w² = 0.7737 and E w⁴ = 1.4161
        // (truncated-normal moments), so (z − 1)² = w²/4 has sd √(1.4161 − 0.7737²)/4 = 0.226, and the sample std
        // √(mean) has standard error 0.226/√n / (2·0.4398); five of them.
        let sd = 0.5 * 0.87962566103423978
        let fiveSE =
            Tolerance.standardErrors(5, deviation: (1.4161 - 0.7737 * 0.7737).squareRoot() / 4, samples: n) / (2 * sd)
        #expect(abs((s2 / Double(n)).squareRoot() - sd) <= fiveSE)
    }

    @Test func uniformIntIsInRangeAndCoversIt() {
        var rng = SeededRNG(seed: 4)
        var seen = Set<Int>()
        for _ in 0..<1000 {
            let k = rng.uniformInt(below: 7)
            #expect((0..<7).contains(k))
            seen.insert(k)
        }
        #expect(seen.count == 7)
    }

    @Test func shuffleIsAPermutationAndDeterministic() {
        var a = SeededRNG(seed: 5), b = SeededRNG(seed: 5)
        let x = a.shuffled(Array(0..<20))
        #expect(x == b.shuffled(Array(0..<20)))
        #expect(x.sorted() == Array(0..<20))
        #expect(x != Array(0..<20))
    }

    @Test func copiesForkIdenticalStreams() {
        var a = SeededRNG(seed: 9)
        _ = a.next()
        var b = a
        #expect(a.next() == b.next())
    }
}
