import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Kexue

@Suite struct TensorUnaryTests {    @Test func unaryFunctions() {
        let x = Tensor([-2, 0, 3])
        #expect(x.relu().scalars == [0, 0, 3])
        #expect(x.squared().scalars == [4, 0, 9])
        #expect(x.abs().scalars == [2, 0, 3])
        #expect(abs(x.sigmoid().scalars[2] - 0.95257413) < 1e-6)
        #expect(abs(x.swish().scalars[0] - (-2 * 0.11920292)) < 1e-6)
        #expect(abs(x.tanh().scalars[2] - 0.99505475) < 1e-6)
        #expect(Tensor([4]).sqrt().scalars == [2])
        #expect(abs(Tensor([1]).exp().log().scalars[0] - 1) < 1e-6)
        // The stable sigmoid neither overflows nor returns NaN at extreme inputs.
        #expect(Tensor([-1e4, 1e4]).sigmoid().scalars == [0, 1])
        #expect(Tensor([-1e4]).swish().scalars == [-0])
    }
    /// The 8-lane exp, sigmoid, swish and tanh against libm in Double, over a grid crossing the tanh branch point
    /// and the overflow thresholds; bound: a few Float ulps relative, plus 1e-7 absolute near zero.
    @Test func vectorFunctionsMatchLibm() {
        let grid = Tensor.linspace(from: -30, to: 30, count: 6001) // step 0.01, odd count: exercises the tail
        let cases: [(String, Tensor, (Double) -> Double)] = [
            ("exp", grid.exp(), { Glibc.exp($0) }),
            ("tanh", grid.tanh(), { Glibc.tanh($0) }),
            ("sigmoid", grid.sigmoid(), { 1 / (1 + Glibc.exp(-$0)) }),
            ("swish", grid.swish(), { $0 / (1 + Glibc.exp(-$0)) }),
        ]
        for (name, got, f) in cases {
            var worst = 0.0, at = 0
            for i in 0..<grid.count {
                let ref = f(Double(grid.scalars[i]))
                let err = abs(Double(got.scalars[i]) - ref) / (1e-7 + abs(ref))
                if err > worst { worst = err; at = i }
            }
            #expect(worst < 1e-6, "\(name): worst relative error \(worst) at x = \(grid.scalars[at])")
        }
        #expect(Tensor([-.infinity, .infinity, .nan]).tanh().scalars[0..<2] == [-1, 1])
        #expect(Tensor([.nan, -1, 0, 2]).relu().scalars[1...] == [0, 0, 2])
        #expect(Tensor([.nan]).relu().scalars[0].isNaN)
    }
}
