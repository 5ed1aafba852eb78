// MARK: - GPLinker decoding: from four score tables to triples (kexue.fm/archives/8888)

/// The decoder of GPLinker (bert4keras `extract_spoes` of `task_relation_extraction_gplinker.py`), for one sentence,
/// step by step:
///
/// 1. **Entities.** Spans with start or end on the first or last real token ([CLS] and [SEP]) are dropped (the
///    reference subtracts ∞ from those rows and columns of the *entity* scores only). Subjects are the cells of
///    entity table 0 scoring above the threshold, objects those of table 1, each listed in row-major order (by start,
///    then end).
/// 2. **Pairs.** Every subject is paired with every object: |subjects|·|objects| candidates, including a subject and
///    an object that overlap, nest or coincide.
/// 3. **Predicates.** For a pair (s_h…s_t, o_h…o_t), the predicates whose head table scores `head[p, s_h, o_h]` above
///    the threshold, and those whose tail table scores `tail[p, s_t, o_t]` above it. The pair yields one triple per
///    predicate in *both* sets.
/// 4. The triples form a set (duplicates cannot arise here, but the reference uses a set too).
///
/// Properties:
/// - A triple is emitted exactly when all four factors of the post's score are above the threshold: subject span,
///   object span, head pair and tail pair (the "intersection of the four > 0 sets").
/// - The head table alone cannot separate two subjects that share a first token (a nested subject): they share
///   every `head[p, s_h, ·]` cell. The tail table separates them, provided they end on different tokens.
/// - The relation tables are read at any (row, column), above or below the diagonal: the subject may come after the
///   object. That is why the reference does not mask their lower triangle.
/// - Cost: O(n²·2) to list entities, then O(|S|·|O|·P) lookups; nothing is O(n⁴).
public enum GPLinkerDecoding {
    /// One subject–object candidate and the predicates its head and tail cells allow.
    public struct Pair: Sendable, Equatable {
        /// The subject span `s_h...s_t` (inclusive token positions).
        public var subject: ClosedRange<Int>
        /// The object span `o_h...o_t` (inclusive token positions).
        public var object: ClosedRange<Int>
        /// Predicates p with `head[p, s_h, o_h] > threshold`, ascending.
        public var headPredicates: [Int]
        /// Predicates p with `tail[p, s_t, o_t] > threshold`, ascending.
        public var tailPredicates: [Int]
        /// `headPredicates ∩ tailPredicates`, ascending: the predicates this pair is emitted with.
        public var predicates: [Int] { headPredicates.filter { tailPredicates.contains($0) } }
    }

    /// Everything the decoder looked at, in order, and what it emitted.
    public struct Trace: Sendable {
        /// Step 1: subject spans, by start then end.
        public var subjects: [ClosedRange<Int>]
        /// Step 1: object spans, by start then end.
        public var objects: [ClosedRange<Int>]
        /// Steps 2–3: every subject × object pair, subjects outer, objects inner.
        public var pairs: [Pair]
        /// Step 4: the emitted triples, sorted.
        public var triples: [RelationTriple]
    }

    /// Decodes one sentence.
    /// - Parameters:
    ///   - entity: `[2, n, n]` scores, table 0 subjects and table 1 objects, row = start, column = end.
    ///   - head: `[P, n, n]`, row = subject start s_h, column = object start o_h.
    ///   - tail: `[P, n, n]`, row = subject end s_t, column = object end o_t.
    ///   - length: the number of real tokens (default n); positions from `length` on are padding and never read.
    ///   - excludeBoundaryTokens: drop entity spans starting or ending at position 0 or `length − 1` ([CLS], [SEP]),
    ///     as the reference does (default true).
    ///   - threshold: a cell is "on" when its score is strictly greater (default 0, the loss's threshold).
    public static func decode(
        entity: Tensor, head: Tensor, tail: Tensor, length: Int? = nil,
        excludeBoundaryTokens: Bool = true, threshold: Float = 0
    ) -> Trace {
        require(
            entity.rank == 3 && entity.shape[0] == 2 && entity.shape[1] == entity.shape[2],
            "GPLinkerDecoding: entity scores \(entity.shape) must be [2, n, n]")
        let n = entity.shape[1]
        require(
            head.rank == 3 && head.shape[1] == n && head.shape[2] == n && tail.shape == head.shape,
            "GPLinkerDecoding: head \(head.shape) and tail \(tail.shape) must both be [P, \(n), \(n)]")
        let real = length ?? n
        require(real >= 0 && real <= n, "GPLinkerDecoding: length \(real) outside 0...\(n)")
        let predicates = head.shape[0]
        // Step 1 is GlobalPointer's own decoding (`SpanDecoding`), with [CLS], [SEP] and padding excluded.
        var excluded = Set(real..<n)
        if excludeBoundaryTokens && real > 0 { excluded.formUnion([0, real - 1]) }
        // A cell below the diagonal is no span; the entity head masks it, but a hand-built table might not.
        let spans = SpanDecoding.decode(entity, threshold: threshold, excluding: excluded).filter { $0.start <= $0.end }
        let subjects = spans.filter { $0.type == 0 }.map { $0.start...$0.end }
        let objects = spans.filter { $0.type == 1 }.map { $0.start...$0.end }

        var pairs: [Pair] = []
        var triples = Set<RelationTriple>()
        head.withUnsafeBufferPointer { ph in
            tail.withUnsafeBufferPointer { pt in
                for s in subjects {
                    for o in objects {
                        let h = (0..<predicates).filter {
                            ph[($0 &* n &+ s.lowerBound) &* n &+ o.lowerBound] > threshold
                        }
                        let t = (0..<predicates).filter {
                            pt[($0 &* n &+ s.upperBound) &* n &+ o.upperBound] > threshold
                        }
                        let pair = Pair(subject: s, object: o, headPredicates: h, tailPredicates: t)
                        for p in pair.predicates { triples.insert(RelationTriple(subject: s, predicate: p, object: o)) }
                        pairs.append(pair)
                    }
                }
            }
        }
        return Trace(subjects: subjects, objects: objects, pairs: pairs, triples: triples.sorted())
    }
}
