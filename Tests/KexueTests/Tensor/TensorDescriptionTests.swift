import Testing

@testable import Kexue

@Suite struct TensorDescriptionTests {
    @Test func matrixLayout() {
        let t = Tensor([[1, -2.5, 3], [0, 10, -0.0]])
        #expect(
            t.description == """
                [[ 1.0000, -2.5000,  3.0000],
                 [ 0.0000, 10.0000,  0.0000]]
                """)
        #expect(Tensor(scalar: 3).description == "3.0000")
        #expect(Tensor([1, 2]).formatted(decimals: 1) == "[1.0, 2.0]")
        #expect(Tensor.zeros([0]).description == "[]")
    }
    @Test func threeDimensionsSeparateBlocksByABlankLine() {
        let t = Tensor.arange(8).reshaped([2, 2, 2])
        #expect(
            t.formatted(decimals: 0) == """
                [[[0, 1],
                  [2, 3]],

                 [[4, 5],
                  [6, 7]]]
                """)
    }
    @Test func largeTensorsAreSummarised() {
        let t = Tensor.arange(2000).reshaped([100, 20])
        let lines = t.formatted(decimals: 0).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 7)
        #expect(lines[0] == "[[   0,    1,    2, ...,   17,   18,   19],")
        #expect(lines[3] == " ...,")
        #expect(lines[6] == " [1980, 1981, 1982, ..., 1997, 1998, 1999]]")
    }
    @Test func scientificWhenLarge() {
        #expect(Tensor([1e7, 1]).description == "[1.0000e+07, 1.0000e+00]")
        #expect(Tensor([.nan, 1]).description == "[   nan, 1.0000]")
    }
}

@Suite struct GoldenRandomTensorTests {
    /// What a reader sees for the first normal tensor of seed 0, pinned; the values were computed independently
    /// (a Python transcription of SplitMix64, xoshiro256** and the Box-Muller rule in `SeededRNG`).
    @Test func seedZeroNormalPrintsTheSameEverywhere() {
        var rng = SeededRNG(seed: 0)
        #expect(
            Tensor.normal([2, 3], rng: &rng).description == """
                [[-0.0141, -1.8459,  0.7882],
                 [-1.2804,  0.4876,  1.8997]]
                """)
    }
}
