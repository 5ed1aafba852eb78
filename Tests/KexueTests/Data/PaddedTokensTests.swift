import Testing

@testable import Kexue

@Suite struct PaddedTokensTests {
    @Test func padsToTheLongestOrTheGivenLength() {
        let p = PaddedTokens([[5, 6, 7], [8]], padding: 0)
        #expect(p.ids == [5, 6, 7, 8, 0, 0])
        #expect(p.count == 2 && p.length == 3)
        #expect(p.mask == [[true, true, true], [true, false, false]])
        let q = PaddedTokens([[1, 2]], padding: 9, length: 4)
        #expect(q.ids == [1, 2, 9, 9] && q.mask == [[true, true, false, false]])
        #expect(PaddedTokens([], padding: 0).ids.isEmpty)
    }
}
