import Testing

@testable import Kexue

@Suite struct EmbeddingTests {
    @Test func embeddingLookup() {
        var rng = SeededRNG(seed: 6)
        let e = Embedding(vocabularySize: 10, dimension: 4, rng: &rng)
        #expect(e.parameterCount == 40)
        let out = e([1, 2, 3, 1, 0, 9], shape: [2, 3])
        #expect(out.shape == [2, 3, 4])
        #expect(out.value[1, 0] == e.table.value[1])
        out.sum().backward()
        #expect(e.table.grad![1] == Tensor.full([4], 2))
    }
}
