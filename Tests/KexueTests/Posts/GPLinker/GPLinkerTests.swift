import Testing

@testable import Kexue

/// Chapter 2 (kexue.fm/archives/8888): the GPLinker heads, their labels, loss and gradients.
@Suite struct GPLinkerTests {
    /// Three triples over an 8-token sentence ([CLS] at 0, [SEP] at 7): a nested subject (1...2 and 1...1 share
    /// their first token), a shared object (4...5 for two subjects), and a subject after its object (6 → 1...2).
    let triples = [
        RelationTriple(subject: 1...2, predicate: 0, object: 4...5),
        RelationTriple(subject: 1...1, predicate: 1, object: 4...5),
        RelationTriple(subject: 6...6, predicate: 1, object: 1...2),
    ]

    @Test func parameterCountsMatchTheFormulasAndTheBuiltHeads() {
        // The post's setting: BERT-base D = 768, d = 64, P = 49 predicates of LIC2019.
        let standard = GPLinker.parameterCount(hiddenSize: 768, predicates: 49, headSize: 64, kind: .standard)
        let efficient = GPLinker.parameterCount(hiddenSize: 768, predicates: 49, headSize: 64, kind: .efficient)
        #expect(standard == 769 * 128 * (2 + 2 * 49))  // 9,843,200: "about 10 million"
        #expect(efficient == 3 * 769 * 128 + 129 * 2 * (2 + 2 * 49))  // 321,096: "about 300 thousand"
        #expect(standard == 9_843_200 && efficient == 321_096)
        var rng = SeededRNG(seed: 8888)
        for kind in GPLinker.HeadKind.allCases {
            let linker = GPLinker(hiddenSize: 12, predicates: 5, headSize: 4, kind: kind, rng: &rng)
            #expect(
                linker.parameterCount
                    == GPLinker.parameterCount(hiddenSize: 12, predicates: 5, headSize: 4, kind: kind))
        }
    }

    /// The reference's configuration: entity head with RoPE and the triangle mask, relation heads with neither.
    @Test func headsAreConfiguredAsTheReference() {
        var rng = SeededRNG(seed: 1)
        let linker = GPLinker(hiddenSize: 8, predicates: 3, headSize: 4, kind: .standard, rng: &rng)
        guard case .standard(let e) = linker.entity, case .standard(let h) = linker.head,
            case .standard(let t) = linker.tail
        else { Issue.record("wrong head kind"); return }
        #expect(e.types == 2 && e.useRoPE && e.triangleMask)
        #expect(h.types == 3 && !h.useRoPE && !h.triangleMask)
        #expect(t.types == 3 && !t.useRoPE && !t.triangleMask)
        let efficient = GPLinker(hiddenSize: 8, predicates: 3, headSize: 4, kind: .efficient, rng: &rng)
        guard case .efficient(let ee) = efficient.entity, case .efficient(let eh) = efficient.head else {
            Issue.record("wrong head kind"); return
        }
        #expect(ee.useRoPE && ee.triangleMask && !eh.useRoPE && !eh.triangleMask)

        // Shapes, and which cells are masked: the entity table below its diagonal and on padding, the relation
        // tables only on padding (a subject may come after its object).
        let x = Variable(randomTensor([2, 6, 8], seed: 2))
        let mask = [[Bool](repeating: true, count: 6), [true, true, true, true, false, false]]
        let s = linker(x, mask: mask)
        #expect(s.entity.shape == [2, 2, 6, 6] && s.head.shape == [2, 3, 6, 6] && s.tail.shape == [2, 3, 6, 6])
        #expect(s.entity.value[0][0][3][1].scalar == -.infinity)
        #expect(s.head.value[0][0][3][1].scalar.isFinite && s.tail.value[0][2][5][0].scalar.isFinite)
        #expect(s.head.value[1][0][4][1].scalar == -.infinity && s.tail.value[1][0][1][5].scalar == -.infinity)
        #expect(s.head.value[1][0][3][1].scalar.isFinite)
    }

    @Test func labelsFollowTheReference() {
        let labels = GPLinker.labels(triples + [triples[0]])  // a duplicate triple adds no cell
        #expect(
            labels.entity == [
                LabeledSpan(type: 0, start: 1, end: 1), LabeledSpan(type: 0, start: 1, end: 2),
                LabeledSpan(type: 1, start: 1, end: 2), LabeledSpan(type: 1, start: 4, end: 5),
                LabeledSpan(type: 0, start: 6, end: 6),
            ])
        // head: (s_h, o_h) per predicate; the nested subjects share cell (1, 4) but under different predicates.
        #expect(
            labels.head == [
                LabeledSpan(type: 0, start: 1, end: 4), LabeledSpan(type: 1, start: 1, end: 4),
                LabeledSpan(type: 1, start: 6, end: 1),
            ])
        #expect(
            labels.tail == [
                LabeledSpan(type: 1, start: 1, end: 5), LabeledSpan(type: 0, start: 2, end: 5),
                LabeledSpan(type: 1, start: 6, end: 2),
            ])
    }

    /// The GPLinker loss is the sum of three sparse losses; each equals the dense multilabel CE (mean over
    /// batch·types) times the number of types, once cell (0, 0), which `maskZero` drops, is masked in the dense twin.
    @Test func lossEqualsTheDenseLossOfTheThreeHeads() {
        var rng = SeededRNG(seed: 3)
        let linker = GPLinker(hiddenSize: 8, predicates: 3, headSize: 4, kind: .efficient, rng: &rng)
        let x = Variable(randomTensor([2, 8, 8], seed: 4, std: 2))
        let mask = [[Bool](repeating: true, count: 8), [Bool](repeating: true, count: 7) + [false]]
        let gold = [triples, [triples[0]]]
        let s = linker(x, mask: mask)
        let sparse = Double(GPLinker.loss(s, gold: gold).value.scalar)
        let labels = gold.map(GPLinker.labels)
        var dense = 0.0, bound = 0.0
        for (scores, spans) in [
            (s.entity, labels.map(\.entity)), (s.head, labels.map(\.head)),
            (s.tail, labels.map(\.tail)),
        ] {
            let (b, m, n) = (scores.shape[0], scores.shape[1], scores.shape[2])
            var v = scores.value
            v.withUnsafeMutableBufferPointer { p in for r in 0..<(b * m) { p[r * n * n] = -.infinity } }
            let y = Loss.globalPointerDenseLabels(spans, types: m, length: n)
            let l = Loss.multilabelCategoricalCrossEntropy(
                scores: Variable(v.reshaped([b * m, n * n])),
                labels: y.reshaped([b * m, n * n]))
            dense += Double(l.value.scalar) * Double(m)
            // Each table's sparse and dense losses differ by the conditioned logsumexp bound of the sparse form
            // (`SparseMultilabelLossTests.sparseVersusDenseBound`), weighted as the tables are summed.
            let flatLabels = y.reshaped([b * m, n * n])
            let rows = (0..<(b * m)).map { Array(v.scalars[($0 * n * n)..<(($0 + 1) * n * n)]) }
            let positives = (0..<(b * m)).map { r in (0..<(n * n)).filter { flatLabels.scalars[r * n * n + $0] != 0 } }
            bound += Double(m) * SparseMultilabelLossTests().sparseVersusDenseBound(rows, positives: positives)
        }
        #expect(abs(sparse - dense) <= bound, "sparse \(sparse) vs dense \(dense), bound \(bound)")
    }

    /// Finite differences of the GPLinker loss through all three heads: with respect to the encoder output, and
    /// with respect to every head parameter, for both head kinds. The batch has a padded sentence, so −∞ cells are
    /// in every table; their gradient must be 0, never NaN.
    @Test(arguments: GPLinker.HeadKind.allCases)
    func lossGradientsMatchFiniteDifferences(kind: GPLinker.HeadKind) {
        var rng = SeededRNG(seed: 5)
        let linker = GPLinker(hiddenSize: 6, predicates: 2, headSize: 4, kind: kind, rng: &rng)
        let mask = [[Bool](repeating: true, count: 8), [Bool](repeating: true, count: 7) + [false]]
        let gold = [triples, [triples[2]]]
        let x = randomTensor([2, 8, 6], seed: 6)
        // With respect to the input of the heads (the shared encoder output).
        let r = checkGradients([x]) { v in GPLinker.loss(linker(v[0], mask: mask), gold: gold) }
        #expect(r.ok, "\(kind), input: \(r.message)")

        // With respect to each head parameter: central differences on the parameter values in place.
        linker.zeroGrad()
        GPLinker.loss(linker(Variable(x), mask: mask), gold: gold).backward()
        let h: Float = 1e-2
        for p in linker.parameters {
            let analytic = p.grad ?? Tensor.zeros(p.shape)
            let finite = analytic.scalars.allSatisfy { $0.isFinite }
            #expect(finite, "\(p.name): non-finite gradient")
            for j in stride(from: 0, to: p.value.count, by: max(1, p.value.count / 12)) {
                let saved = p.value.scalars[j]
                p.value.withUnsafeMutableBufferPointer { $0[j] = saved + h }
                let plus = Double(GPLinker.loss(linker(Variable(x), mask: mask), gold: gold).value.scalar)
                p.value.withUnsafeMutableBufferPointer { $0[j] = saved - h }
                let minus = Double(GPLinker.loss(linker(Variable(x), mask: mask), gold: gold).value.scalar)
                p.value.withUnsafeMutableBufferPointer { $0[j] = saved }
                let numeric = (plus - minus) / Double(2 * h), a = Double(analytic.scalars[j])
                // The same bound as `checkGradients` (Float forward, h = 1e-2).
                #expect(
                    abs(a - numeric) <= 2e-3 + 1e-2 * max(abs(a), abs(numeric)),
                    "\(kind) \(p.name)[\(j)]: analytic \(a), numeric \(numeric)")
            }
        }
    }

    /// Scores that agree with the labels decode to exactly the gold triples.
    @Test func perfectScoresDecodeToTheGoldTriples() {
        let n = 8
        let labels = GPLinker.labels(triples)
        func table(_ m: Int, _ spans: [LabeledSpan]) -> Variable {
            var t = Tensor.full([1, m, n, n], -5)
            t.withUnsafeMutableBufferPointer { p in for s in spans { p[(s.type * n + s.start) * n + s.end] = 5 } }
            return Variable(t)
        }
        let scores = GPLinker.Scores(
            entity: table(2, labels.entity), head: table(2, labels.head),
            tail: table(2, labels.tail))
        #expect(GPLinker.decodeBatch(scores, lengths: [n]) == [triples.sorted()])
    }

    /// In a batch, each item is decoded from its own slice with its own length: a gold-looking cell in the padding
    /// of a shorter item, or on its [SEP], is never read.
    @Test func batchItemsDecodeWithTheirOwnLengths() {
        let n = 8
        let first = [RelationTriple(subject: 1...2, predicate: 1, object: 4...4)]
        let second = [RelationTriple(subject: 3...3, predicate: 0, object: 1...1)]
        // Ends on item 1's [SEP] (5), in padding.
        let ghost = RelationTriple(subject: 2...2, predicate: 0, object: 5...6)
        func table(_ m: Int, _ lists: [[LabeledSpan]]) -> Variable {
            var t = Tensor.full([2, m, n, n], -3)
            t.withUnsafeMutableBufferPointer { p in
                for (b, spans) in lists.enumerated() {
                    for s in spans { p[((b * m + s.type) * n + s.start) * n + s.end] = 3 }
                }
            }
            return Variable(t)
        }
        let l0 = GPLinker.labels(first), l1 = GPLinker.labels(second + [ghost])
        let scores = GPLinker.Scores(
            entity: table(2, [l0.entity, l1.entity]), head: table(2, [l0.head, l1.head]),
            tail: table(2, [l0.tail, l1.tail]))
        #expect(GPLinker.decodeBatch(scores, lengths: [n, 6]) == [first, second])
        #expect(GPLinker.decode(scores, item: 1, length: n).triples == (second + [ghost]).sorted())
    }
}
