import Testing

@testable import Kexue

@Suite struct NumberFormatTests {
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
        #expect(NumberFormat.scientific(1_234_567) == "1.2346e+06")
        #expect(NumberFormat.scientific(-0.000123) == "-1.2300e-04")
        #expect(NumberFormat.scientific(9.99999e9) == "1.0000e+10")
        #expect(NumberFormat.scientific(0) == "0.0000e+00")
    }
}
