import Testing

@testable import Kexue

@Suite struct TensorTests {
    @Test func elementAccess() {
        var t = Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])
        #expect(t[at: 1, 2] == 5)
        t[at: 0, 1] = 9
        #expect(t.scalars == [0, 9, 2, 3, 4, 5])
        #expect(t.strides == [3, 1])
    }
}
