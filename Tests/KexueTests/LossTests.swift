import Testing
@testable import Kexue
#if canImport(Glibc)
import Glibc
#endif

@Suite struct LossTests {
    @Test func meanSquaredError() {
        let p = randomTensor([3, 4], seed: 1), t = randomTensor([3, 4], seed: 2)
        let value = Loss.meanSquaredError(Variable(p), t).value.scalar
        let literal = zip(p.scalars, t.scalars).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +) / 12
        #expect(abs(Double(value) - literal) < 1e-6)
        let r = checkGradients([p]) { Loss.meanSquaredError($0[0], t) }
        #expect(r.ok, "\(r.message)")
    }

    @Test func softmaxCrossEntropy() {
        let logits = randomTensor([2, 3, 5], seed: 3, std: 2)
        let labels = [0, 4, 2, 2, 1, 3]
        let value = Loss.softmaxCrossEntropy(logits: Variable(logits), labels: labels).value.scalar
        var literal = 0.0
        let rows = logits.reshaped([6, 5])
        for (r, y) in labels.enumerated() {
            let z = rows[r].scalars.map { Glibc.exp(Double($0)) }.reduce(0, +)
            literal += -Glibc.log(Glibc.exp(Double(rows[at: r, y])) / z)
        }
        #expect(abs(Double(value) - literal / 6) < 1e-5)
        let g = checkGradients([logits]) { Loss.softmaxCrossEntropy(logits: $0[0], labels: labels) }
        #expect(g.ok, "\(g.message)")
    }

    @Test func crossEntropyIsStableForHugeLogits() {
        let logits = Tensor([[1e4, -1e4, 0]])
        let v = Variable(logits, requiresGrad: true)
        let loss = Loss.softmaxCrossEntropy(logits: v, labels: [1])
        #expect(loss.value.scalar == 2e4)
        loss.backward()
        #expect(v.grad!.scalars == [1, -1, 0])
    }
}
