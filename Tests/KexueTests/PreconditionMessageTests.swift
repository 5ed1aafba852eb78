import Testing
@testable import Kexue

/// Pins the user-facing text of shape errors: each names the operation and both shapes.
@Suite struct PreconditionMessageTests {
    @Test func matmulInnerDimensions() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.matmul(Tensor.zeros([3, 4]), Tensor.zeros([5, 6]))
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("matmul: [3, 4] and [5, 6]: inner dimensions 4 and 5 differ"), "\(stderr)")
    }

    @Test func broadcastMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("add: [2, 3] and [4]: cannot broadcast, dimensions 3 and 4 differ at axis -1"),
                "\(stderr)")
    }
}
