import Testing

@testable import Kexue

/// Pins the user-facing text of shape errors: each names the operation and both shapes. Each case runs in a child
/// process (an exit test); `require` must print under `-O`, where a failed `precondition` would not.
@Suite struct RequireMessageTests {
    @Test func matmulInnerDimensions() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.matmul(Tensor.zeros([3, 4]), Tensor.zeros([5, 6]))
        }
        expectStandardError(r, contains: "matmul: [3, 4] and [5, 6]: inner dimensions 4 and 5 differ")
    }

    @Test func matmulBatchDimensions() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.matmul(Tensor.zeros([2, 3, 4]), Tensor.zeros([5, 4, 2]))
        }
        expectStandardError(r, contains: "matmul: [2, 3, 4] and [5, 4, 2]: batch dimensions [2] and [5] differ")
    }

    @Test func broadcastMismatch() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
        }
        expectStandardError(r, contains: "add: [2, 3] and [4]: cannot broadcast, dimensions 3 and 4 differ at axis -1")
    }

    @Test func reshapeCounts() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).reshaped([4, 2])
        }
        expectStandardError(r, contains: "reshape: [2, 3] to [4, 2]: element counts 6 and 8 differ")
    }

    @Test func concatenateOtherAxes() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.concatenate([Tensor.zeros([2, 3]), Tensor.zeros([3, 3])])
        }
        expectStandardError(r, contains: "concatenate: [2, 3] and [3, 3]: dimensions other than axis 1 differ")
    }

    @Test func denseInputWidth() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var rng = SeededRNG(seed: 0)
            _ = Dense(inputSize: 4, outputSize: 3, rng: &rng)(Variable(Tensor.zeros([2, 5])))
        }
        expectStandardError(r, contains: "Dense: input [2, 5] and weight [4, 3]: last dimension must be 4")
    }
}

/// Expects the exit test's captured standard error to contain `message`.
func expectStandardError(
    _ result: ExitTest.Result?, contains message: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(stderr.contains(message), "stderr: \(stderr)", sourceLocation: sourceLocation)
}
