import Testing

@testable import Kexue

@Suite struct FigureTests {
    /// A figure without bands prints exactly the text of the format before bands existed (chapters record it).
    @Test func textWithoutBandsUnchanged() {
        let figure = Figure.line(title: "Loss", x: "step", y: "loss", yLog: true).series(
            "GP", xs: [0, 1], ys: [2.5, 0.125])
        #expect(figure.text == "figure line\ntitle Loss\nx step\ny loss [log]\nseries GP\n0.0 2.5\n1.0 0.125\n")
    }

    @Test func meanBandAcrossSeeds() {
        let curves: [[Double]] = [[1, 4], [3, 6], [2, 8]]  // three seeds, two steps
        let sd = Figure.line(title: "t", x: "step", y: "v").meanBand(
            "GP", xs: [10, 20], curves: curves, spread: .standardDeviation)
        // Step 10: mean 2, sd 1. Step 20: mean 6, sd 2.
        #expect(
            sd.text
                == "figure line\ntitle t\nx step\ny v\nseries GP\n10.0 2.0\n20.0 6.0\nband GP\n10.0 1.0 3.0\n20.0 4.0 8.0\n"
        )
        let ci = Figure.line(title: "t", x: "step", y: "v").meanBand("GP", curves: curves)
        let step0 = ConfidenceInterval([1, 3, 2])
        #expect(ci.bands.count == 1 && ci.bands[0].xs == [0, 1])
        #expect(ci.bands[0].lower[0] == step0.lower && ci.bands[0].upper[0] == step0.upper)
        // One curve: the mean series alone.
        #expect(Figure.line(title: "t", x: "", y: "").meanBand("GP", curves: [[1, 2]]).bands.isEmpty)
    }
}
