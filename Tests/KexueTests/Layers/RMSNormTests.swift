import Testing
@testable import Kexue

@Suite struct RMSNormTests {
    @Test func countsAndUnitRMS() {
        let rms = RMSNorm(dimension: 6)
        #expect(rms.parameterCount == 6)
        #expect(RMSNorm(dimension: 6, scale: false).parameterCount == 0)
        let x = randomTensor([3, 6], seed: 7, std: 3) + 2
        let z = rms(Variable(x)).value
        for r in 0..<3 { #expect(abs(z[r].squared().mean() - 1) < 1e-4) }
    }
}
