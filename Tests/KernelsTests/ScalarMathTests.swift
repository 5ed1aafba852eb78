import Foundation
import Testing

@testable import Kernels

@Test func scalarLogErrorBound() {
    // Documented bound: relative error ≤ 2.4e-7 for normal positive x; special values exact.
    var worst = 0.0, worstX: Float = 0
    var x: Float = 1e-37
    while x < 3e38 {
        let got = Double(ScalarMath.log(x)), want = Foundation.log(Double(x))
        // Relative to |ln x|, except near x = 1 where ln x → 0: there the bound is on the absolute error
        // relative to the size of f = x − 1 (ln x ≈ f), which is what a Float can hold.
        let scale = max(abs(want), abs(Double(x) - 1) > 0 ? abs(Double(x) - 1) * 0.5 : 1e-30)
        let rel = abs(got - want) / scale
        if rel > worst { worst = rel; worstX = x }
        x *= 1.000731
    }
    #expect(worst <= 2.4e-7, "log worst relative error \(worst) at x = \(worstX)")
    var near: Float = 0.5
    while near < 2 {
        let got = Double(ScalarMath.log(near)), want = Foundation.log(Double(near))
        #expect(abs(got - want) <= 2.4e-7 * max(abs(want), 1e-7) + 1e-9, "log(\(near))")
        near += 0.000317
    }
    #expect(ScalarMath.log(1) == 0)
    #expect(ScalarMath.log(0) == -.infinity)
    #expect(ScalarMath.log(.infinity) == .infinity)
    #expect(ScalarMath.log(-1).isNaN)
    #expect(ScalarMath.log(.nan).isNaN)
    let subnormal = Float.leastNonzeroMagnitude * 1000
    #expect(abs(Double(ScalarMath.log(subnormal)) - Foundation.log(Double(subnormal))) < 1e-5)
    #expect(ScalarMath.exp(ScalarMath.log(7)) == vexpScalar(ScalarMath.log(7)))
}
