import Testing

@testable import Kexue

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct TensorUnaryTests {
    @Test func unaryFunctions() {
        let x = Tensor([-2, 0, 3])
        #expect(x.relu().scalars == [0, 0, 3])
        #expect(x.squared().scalars == [4, 0, 9])
        #expect(x.abs().scalars == [2, 0, 3])
        // Against libm in Double: one exp, then at most 1 + e^{−x} (a rounding), the division, and swish's product.
        let sigmoid3 = 1 / (1 + Glibc.exp(-3.0)), swish2 = -2 / (1 + Glibc.exp(2.0)), tanh3 = Glibc.tanh(3.0)
        #expect(
            abs(Double(x.sigmoid().scalars[2]) - sigmoid3) <= Tolerance.relative(sigmoid3, roundings: 2, elementary: 1))
        #expect(abs(Double(x.swish().scalars[0]) - swish2) <= Tolerance.relative(swish2, roundings: 3, elementary: 1))
        // tanh = 1 − 2/(e^{2x} + 1) for |x| above the branch point: the exp, three roundings.
        #expect(abs(Double(x.tanh().scalars[2]) - tanh3) <= Tolerance.relative(tanh3, roundings: 3, elementary: 1))
        #expect(Tensor([4]).sqrt().scalars == [2])
        // log(e): e carries exp's error ε relative, log turns it into ε absolute, plus log's own.
        #expect(
            abs(Double(Tensor([1]).exp().log().scalars[0]) - 1) <= Tolerance.relative(1, roundings: 1, elementary: 2))
        // The stable sigmoid neither overflows nor returns NaN at extreme inputs.
        #expect(Tensor([-1e4, 1e4]).sigmoid().scalars == [0, 1])
        #expect(Tensor([-1e4]).swish().scalars == [-0])
    }
    /// The 8-lane exp, sigmoid, swish and tanh against libm in Double, over a grid crossing the tanh branch point
    /// and the overflow thresholds. Bound, relative, derived per function: exp is `vexp` (`elementaryULPs`);
    /// sigmoid and swish add 1 + e^{−x} and one division, and e^{−x}'s error reaches them scaled by
    /// e^{−x}/(1 + e^{−x}) ≤ 1; tanh's large branch 1 − q, q = 2/(e^{2|x|} + 1) ≤ 0.46 for |x| ≥ 0.625, carries
    /// (6u·q + u)/(1 − q) ≤ 7u, and its odd polynomial (Cephes tanhf, Horner with FMA) stays within 2 ulp, so
    /// 8u covers both branches. Below Float's smallest normal, relative error is measured against 2^-126.
    @Test func vectorFunctionsMatchLibm() {
        let grid = Tensor.linspace(from: -30, to: 30, count: 6001)  // step 0.01, odd count: exercises the tail
        let cases: [(String, Tensor, (Double) -> Double, Double)] = [
            ("exp", grid.exp(), { Glibc.exp($0) }, Tolerance.relative(1, roundings: 0, elementary: 1)),
            ("tanh", grid.tanh(), { Glibc.tanh($0) }, Tolerance.relative(1, roundings: 4, elementary: 1)),
            (
                "sigmoid", grid.sigmoid(), { 1 / (1 + Glibc.exp(-$0)) },
                Tolerance.relative(1, roundings: 2, elementary: 1)
            ),
            ("swish", grid.swish(), { $0 / (1 + Glibc.exp(-$0)) }, Tolerance.relative(1, roundings: 2, elementary: 1)),
        ]
        let floor = Double(Float.leastNormalMagnitude)
        for (name, got, f, bound) in cases {
            var worst = 0.0, at = 0
            for i in 0..<grid.count {
                let ref = f(Double(grid.scalars[i]))
                let err = abs(Double(got.scalars[i]) - ref) / max(floor, abs(ref))
                if err > worst { worst = err; at = i }
            }
            #expect(worst <= bound, "\(name): worst relative error \(worst) > \(bound) at x = \(grid.scalars[at])")
        }
        #expect(Tensor([-.infinity, .infinity, .nan]).tanh().scalars[0..<2] == [-1, 1])
        #expect(Tensor([.nan, -1, 0, 2]).relu().scalars[1...] == [0, 0, 2])
        #expect(Tensor([.nan]).relu().scalars[0].isNaN)
    }
}
