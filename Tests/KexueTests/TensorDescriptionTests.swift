import Testing
@testable import Kexue

@Suite struct TensorDescriptionTests {
    @Test func numberFormatting() {
        #expect(NumberFormat.fixed(1.5) == "1.5000")
        #expect(NumberFormat.fixed(-0.0) == "0.0000")
        #expect(NumberFormat.fixed(-0.00001) == "0.0000")
        #expect(NumberFormat.fixed(-0.00005) == "0.0000")  // Float(5e-5) = 4.99999987e-5, below the tie
        #expect(NumberFormat.fixed(-0.00006) == "-0.0001")
        #expect(NumberFormat.fixed(2.5, decimals: 0) == "2")  // half to even
        #expect(NumberFormat.fixed(123456.789, decimals: 2) == "123456.79")
        #expect(NumberFormat.fixed(.nan) == "nan")
        #expect(NumberFormat.fixed(-.infinity) == "-inf")
        #expect(NumberFormat.scientific(1234567) == "1.2346e+06")
        #expect(NumberFormat.scientific(-0.000123) == "-1.2300e-04")
        #expect(NumberFormat.scientific(9.99999e9) == "1.0000e+10")
        #expect(NumberFormat.scientific(0) == "0.0000e+00")
    }

    @Test func matrixLayout() {
        let t = Tensor([[1, -2.5, 3], [0, 10, -0.0]])
        #expect(t.description == """
            [[ 1.0000, -2.5000,  3.0000],
             [ 0.0000, 10.0000,  0.0000]]
            """)
        #expect(Tensor(scalar: 3).description == "3.0000")
        #expect(Tensor([1, 2]).formatted(decimals: 1) == "[1.0, 2.0]")
        #expect(Tensor.zeros([0]).description == "[]")
    }

    @Test func threeDimensionsSeparateBlocksByABlankLine() {
        let t = Tensor.arange(8).reshaped([2, 2, 2])
        #expect(t.formatted(decimals: 0) == """
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
