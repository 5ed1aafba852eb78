import Testing

@testable import Kexue

/// Chapter 2: the GPLinker decoder, case by case, and against brute force over every quintuple.
@Suite struct GPLinkerDecodingTests {
    /// Hand-built tables: everything −1 except the cells set to +1.
    struct Tables {
        var n: Int, predicates: Int
        var entity: Tensor, head: Tensor, tail: Tensor
        init(n: Int, predicates: Int) {
            self.n = n
            self.predicates = predicates
            entity = Tensor.full([2, n, n], -1)
            head = Tensor.full([predicates, n, n], -1)
            tail = Tensor.full([predicates, n, n], -1)
        }
        static func set(_ t: inout Tensor, _ k: Int, _ i: Int, _ j: Int, _ v: Float) {
            let n = t.shape[1]
            t.withUnsafeMutableBufferPointer { $0[(k * n + i) * n + j] = v }
        }
        /// Entity cell (i, j) of table k, even below the diagonal.
        mutating func entityCell(_ k: Int, _ i: Int, _ j: Int) { Self.set(&entity, k, i, j, 1) }
        mutating func subject(_ r: ClosedRange<Int>) { Self.set(&entity, 0, r.lowerBound, r.upperBound, 1) }
        mutating func object(_ r: ClosedRange<Int>) { Self.set(&entity, 1, r.lowerBound, r.upperBound, 1) }
        mutating func head(_ p: Int, _ i: Int, _ j: Int, _ v: Float = 1) { Self.set(&head, p, i, j, v) }
        mutating func tail(_ p: Int, _ i: Int, _ j: Int, _ v: Float = 1) { Self.set(&tail, p, i, j, v) }
        func decode(length: Int? = nil) -> GPLinkerDecoding.Trace {
            GPLinkerDecoding.decode(entity: entity, head: head, tail: tail, length: length)
        }
    }

    /// Two subjects with one first token: the head cell is shared, the tail cell decides.
    @Test func nestedSubjectIsResolvedByTheTailTable() {
        var t = Tables(n: 9, predicates: 2)
        t.subject(1...2); t.subject(1...3); t.object(5...6)
        t.head(0, 1, 5)  // both subjects start at 1: one head cell for both
        t.tail(0, 3, 6)  // only the longer subject ends at 3
        t.head(1, 1, 5); t.tail(1, 2, 6)  // predicate 1 belongs to the shorter subject
        let trace = t.decode()
        #expect(trace.subjects == [1...2, 1...3] && trace.objects == [5...6])
        #expect(trace.pairs.map(\.headPredicates) == [[0, 1], [0, 1]])
        #expect(trace.pairs.map(\.tailPredicates) == [[1], [0]])
        #expect(
            trace.triples == [
                RelationTriple(subject: 1...2, predicate: 1, object: 5...6),
                RelationTriple(subject: 1...3, predicate: 0, object: 5...6),
            ])
    }

    @Test func sharedObjectYieldsOneTriplePerSubject() {
        var t = Tables(n: 9, predicates: 3)
        t.subject(1...1); t.subject(3...3); t.object(5...7)
        t.head(2, 1, 5); t.head(2, 3, 5); t.tail(2, 1, 7); t.tail(2, 3, 7)
        #expect(
            t.decode().triples == [
                RelationTriple(subject: 1...1, predicate: 2, object: 5...7),
                RelationTriple(subject: 3...3, predicate: 2, object: 5...7),
            ])
    }

    @Test func failingTailScoreDropsTheTriple() {
        var t = Tables(n: 6, predicates: 1)
        t.subject(1...2); t.object(3...4)
        t.head(0, 1, 3, 4.0); t.tail(0, 2, 4, -0.01)  // a confident head, a tail just below 0
        let trace = t.decode()
        #expect(
            trace.pairs == [
                GPLinkerDecoding.Pair(
                    subject: 1...2, object: 3...4, headPredicates: [0],
                    tailPredicates: [])
            ])
        #expect(trace.triples.isEmpty)
    }

    /// The relation tables are read below their diagonal: a subject after its object.
    @Test func subjectAfterObjectUsesTheLowerTriangle() {
        var t = Tables(n: 8, predicates: 1)
        t.subject(5...6); t.object(1...2)
        t.head(0, 5, 1); t.tail(0, 6, 2)
        #expect(t.decode().triples == [RelationTriple(subject: 5...6, predicate: 0, object: 1...2)])
    }

    /// [CLS] (0) and [SEP] (length − 1) never start or end an entity, padding is never read, and cells below the
    /// entity diagonal are not spans.
    @Test func boundaryTokensPaddingAndLowerEntityCellsAreIgnored() {
        var t = Tables(n: 8, predicates: 1)
        t.subject(0...1); t.subject(2...5); t.object(3...6); t.object(2...2); t.entityCell(1, 4, 3)
        t.head(0, 2, 2); t.tail(0, 5, 2)
        let trace = t.decode(length: 6)  // [SEP] at 5, padding at 6 and 7
        #expect(trace.subjects.isEmpty && trace.objects == [2...2])
        let all = t.decode()  // without a length: [SEP] at 7
        #expect(all.subjects == [2...5] && all.objects == [2...2, 3...6])
        #expect(all.triples == [RelationTriple(subject: 2...5, predicate: 0, object: 2...2)])
    }

    /// On random tables, the decoder emits exactly the quintuples whose four factors are all > 0: the post's
    /// "intersection of the four > 0 sets", enumerated over all n²(n+1)²/4·P candidates.
    @Test func equalsBruteForceOverAllQuintuples() {
        var rng = SeededRNG(seed: 88)
        for trial in 0..<20 {
            let n = 5 + trial % 4, predicates = 1 + trial % 3, length = n - trial % 2
            // Sparse positives: about 30% of entity cells and 25% of relation cells.
            func random(_ shape: [Int], _ rate: Double) -> Tensor {
                Tensor(
                    shape: shape,
                    scalars: (0..<shape.reduce(1, *)).map { _ in
                        rng.uniformDouble() < rate ? rng.uniform(0.01, 2) : -rng.uniform(0, 2)
                    })
            }
            let entity = random([2, n, n], 0.3), head = random([predicates, n, n], 0.25)
            let tail = random([predicates, n, n], 0.25)
            var expected: [RelationTriple] = []
            let inner = 1...(length - 2)
            for sh in inner {
                for st in sh...(length - 2) {
                    for oh in inner {
                        for ot in oh...(length - 2) {
                            for p in 0..<predicates {
                                let factors = [entity[0][sh][st], entity[1][oh][ot], head[p][sh][oh], tail[p][st][ot]]
                                if factors.allSatisfy({ $0.scalar > 0 }) {
                                    expected.append(RelationTriple(subject: sh...st, predicate: p, object: oh...ot))
                                }
                            }
                        }
                    }
                }
            }
            let trace = GPLinkerDecoding.decode(entity: entity, head: head, tail: tail, length: length)
            #expect(trace.triples == expected.sorted(), "trial \(trial)")
            #expect(trace.pairs.count == trace.subjects.count * trace.objects.count)
        }
    }

    @Test func tripleLevelScoresUseThePRFCounts() {
        let a = RelationTriple(subject: 1...1, predicate: 0, object: 3...3)
        let b = RelationTriple(subject: 1...2, predicate: 0, object: 3...3)
        let c = RelationTriple(subject: 5...5, predicate: 1, object: 3...3)
        let prf = PRF.evaluate(predicted: [[a, b], [c]], gold: [[a], [c, b]])
        #expect(prf.correct == 2 && prf.predicted == 3 && prf.gold == 3)  // b is in the wrong sentence
    }
}
