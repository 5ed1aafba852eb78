import Testing

@testable import Kexue

@Suite struct StudentTTests {
    /// (p, ν, t_{p,ν}) from SciPy 1.17.1, `scipy.stats.t.ppf(p, df)` printed with `repr` (17 digits).
    static let reference: [(p: Double, nu: Double, t: Double)] = [
        (0.975, 1, 12.706204736174694),
        (0.975, 2, 4.302652729749462),
        (0.975, 7, 2.364624251592784),
        (0.975, 9, 2.262157162798205),
        (0.975, 30, 2.0422724563012378),
        (0.975, 100, 1.9839715185235518),
        (0.975, .infinity, 1.9599639845400538),
        (0.995, 3, 5.840909309733355),
        (0.9, 5, 1.4758840488244815),
        (0.6, 4, 0.2707222947075976),
        (0.999, 1, 318.30883898555015),
        (0.95, 2.5, 2.5582186141359355),
        (0.975, 9999, 1.960201263621357),  // last ν of the Newton branch
        (0.975, 10000, 1.960201239890626),  // first ν of the Cornish-Fisher branch
        (0.975, 1e6, 1.959966356814107),
        (0.995, 20000, 2.576075153017255),
        (0.025, 7, -2.3646242515927844),
        (1e-10, 5, -156.82559270889433),
        (0.9999999, 40, 6.265672024995904),
    ]

    @Test func quantilesMatchSciPy() {
        for (p, nu, t) in Self.reference {
            let got = StudentT.quantile(p, degreesOfFreedom: nu)
            let relative = abs(got - t) / abs(t)
            // The accuracy `StudentT` documents, its contract: Newton stops at 4 ulp, but the tail's continued
            // fraction stops at 1e-16 relative and the quantile's condition p/(t·f(t)) reaches ~10³ in the far tails.
            #expect(relative <= 1e-12, "t_{\(p), \(nu)}: \(got) vs SciPy \(t), relative error \(relative)")
        }
    }

    /// The values the book quotes (the brief's table, to 1e-6 relative, as printed in statistics tables).
    @Test func quantilesOfTheTables() {
        let table: [(Double, Double)] = [
            (1, 12.7062047), (2, 4.30265273), (7, 2.36462425), (9, 2.26215716),
            (30, 2.04227246), (100, 1.98397152), (.infinity, 1.95996398),
        ]
        for (nu, t) in table {
            let got = StudentT.quantile(0.975, degreesOfFreedom: nu)
            // The tables print 9 significant digits: half a unit in the 9th digit is < 5e-9·10 relative; 1e-6 is
            // the brief's own precision for these quoted values.
            #expect(abs(got - t) / t <= 1e-6, "t_{0.975, \(nu)} = \(got), table \(t)")
        }
    }

    /// SciPy `t.cdf(t, df)`; the distribution function and the quantile invert each other.
    @Test func distributionFunction() {
        let reference: [(t: Double, nu: Double, p: Double)] = [
            (2.0, 3, 0.9303370157205785), (-1.0, 10, 0.17044656615103), (0.5, 1, 0.6475836176504333),
            (4.0, 7.5, 0.9977469448249074),
        ]
        for (t, nu, p) in reference {
            let got = StudentT.cdf(t, degreesOfFreedom: nu)
            // The continued fraction stops at 1e-16 relative on the tail (`StudentT`), times the ~10 terms and
            // the final ½·I_x and 1 − tail roundings: ≤ 1e-14 absolute on a probability.
            #expect(abs(got - p) <= 1e-14, "F(\(t); \(nu)) = \(got), SciPy \(p)")
        }
        for nu in [1.0, 3, 8, 57, 400] {
            for p in [0.01, 0.3, 0.77, 0.999] {
                let back = StudentT.cdf(StudentT.quantile(p, degreesOfFreedom: nu), degreesOfFreedom: nu)
                // Newton solves F(t) = p on this same F and stops within 4 ulp of t, so F(t) is off by at most
                // f(t)·4·ulp(t) ≤ 4·2.2e-16·max t·f(t) ≈ 2.2e-16 (t·f(t) ≤ 0.25), plus the rounding noise of the
                // continued fraction (a few hundred u at most); 1e-13 relative to the larger tail covers both.
                #expect(abs(back - p) <= 1e-13 * max(p, 1 - p), "ν \(nu), p \(p): round trip \(back)")
            }
        }
    }

    @Test func symmetryAndMedian() {
        for nu in [1.0, 2, 5, 33, 1e5, .infinity] {
            #expect(StudentT.quantile(0.5, degreesOfFreedom: nu) == 0)
            // 1 − 0.75 and 1 − 0.9375 are exact, so the two halves see the same tail probability.
            #expect(StudentT.quantile(0.25, degreesOfFreedom: nu) == -StudentT.quantile(0.75, degreesOfFreedom: nu))
            #expect(StudentT.quantile(0.0625, degreesOfFreedom: nu) == -StudentT.quantile(0.9375, degreesOfFreedom: nu))
        }
        // The quantile falls towards the normal one as ν grows.
        let ts = [1.0, 2, 3, 10, 100, 1e4, 1e8].map { StudentT.quantile(0.975, degreesOfFreedom: $0) }
        #expect(zip(ts, ts.dropFirst()).allSatisfy { $0 > $1 })
        #expect(ts.last! > StudentT.quantile(0.975, degreesOfFreedom: .infinity))
    }
}
