import Foundation
import Testing

@testable import Kernels

@Test func vexpErrorBound() {
    // Documented bound: relative error ≤ 2.4e-7 (2 ulp) over [−86.6, 88.72]; special values exact.
    var worst = 0.0, worstX: Float = 0
    var x: Float = -86.6
    while x < 88.72 {
        let got = Double(vexpScalar(x)), want = exp(Double(x))
        let rel = abs(got - want) / want
        if rel > worst { worst = rel; worstX = x }
        x += 0.00731
    }
    #expect(worst <= 2.4e-7, "vexp worst relative error \(worst) at x = \(worstX)")
    #expect(vexpScalar(0) == 1)
    #expect(vexpScalar(-.infinity) == 0)
    #expect(vexpScalar(-1000) == 0)
    #expect(vexpScalar(-86.7) == 0)
    #expect(vexpScalar(89) == .infinity)
    #expect(vexpScalar(.infinity) == .infinity)
    #expect(vexpScalar(.nan).isNaN)
    #expect(vexpScalar(88.7).isFinite)
}

@Test func horizontalReductions() {
    let v = Vec8(3, -1, 7, 2, -9, 7.5, 0, 1)
    #expect(hsum(v) == 10.5)
    #expect(hmax(v) == 7.5)
    #expect(hmax(Vec8(repeating: -.infinity)) == -.infinity)
}

@Test func vexpNonPositiveMatchesVexp() {
    // Same algorithm on x ≤ 0: identical to `vexp` up to the final scaling order (≤ 1 ulp apart).
    var x: Float = -90
    while x <= 0 {
        let a = vexpNonPositive(Vec8(repeating: x))[0], b = vexpScalar(x)
        #expect(abs(a - b) <= b.ulp, "x = \(x): \(a) vs \(b)")
        x += 0.0173
    }
    #expect(vexpNonPositive(Vec8(repeating: -.infinity))[0] == 0)
    #expect(vexpNonPositive(Vec8(repeating: .nan))[0].isNaN)
    #expect(vexpNonPositive(Vec8(repeating: 0))[0] == 1)
}
