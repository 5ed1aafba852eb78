// MARK: - GPLinker: joint entity–relation extraction with GlobalPointer (kexue.fm/archives/8888)

/// The three GlobalPointer heads of GPLinker over a shared encoder output, their loss, and their decoder.
///
/// The post scores a quintuple (s_h, s_t, p, o_h, o_t) by four token-pair scores,
///
///     S = S(s_h, s_t) + S(o_h, o_t) + S(s_h, o_h | p) + S(s_t, o_t | p),
///
/// and trains each to be > 0 on labelled pairs and < 0 elsewhere. In the reference
/// (`task_relation_extraction_gplinker.py`):
/// - `entity`: a GlobalPointer with 2 types, 0 = subject span, 1 = object span; **RoPE on, lower triangle masked**
///   (a span ends at or after its start);
/// - `head`: one type per predicate, cell (s_h, o_h); `tail`: one type per predicate, cell (s_t, o_t); both with
///   **RoPE off and no triangle mask**. No triangle mask because the subject may stand after the object (s_h > o_h
///   is a legal cell). No RoPE: the reference code turns it off and the post is silent about it. Our reading: a
///   relative-position rotation is a prior on the distance between the two cells' tokens, apt for a span's start and
///   end but not for two arguments that may stand anywhere in either order.
/// - All three share the padding mask (padded rows and columns are −∞).
/// - The head kind is standard GlobalPointer or Efficient GlobalPointer for all three (the reference imports
///   `EfficientGlobalPointer as GlobalPointer` since February 2022).
///
/// Loss: the sum of the three `Loss.globalPointerCrossEntropy` (each summed over its types and averaged over the
/// batch), as Keras sums the losses of a three-output model with equal weights.
///
/// Parameters (with biases, D = hidden size, d = head size, P = predicates):
/// - standard: `(D + 1)·2d·(2 + 2P)`;
/// - efficient: `3·(D + 1)·2d + (2d + 1)·2·(2 + 2P)`.
public final class GPLinker: Layer {
    /// Standard GlobalPointer (per-type q/k) or Efficient GlobalPointer (shared q/k plus a per-type bias).
    public enum HeadKind: String, CaseIterable, Sendable {
        /// `standard`: `GlobalPointer`; `efficient`: `EfficientGlobalPointer`.
        case standard, efficient
    }

    /// One span-pair scorer: a `GlobalPointer` or an `EfficientGlobalPointer`.
    public enum PairScorer {
        /// A standard GlobalPointer (per-type q/k projections).
        case standard(GlobalPointer)
        /// An Efficient GlobalPointer (shared q/k, per-type bias).
        case efficient(EfficientGlobalPointer)

        /// `[b, n, D]` → `[b, types, n, n]`.
        public func callAsFunction(_ h: Variable, mask: [[Bool]]?) -> Variable {
            switch self {
            case .standard(let gp): return gp(h, mask: mask)
            case .efficient(let egp): return egp(h, mask: mask)
            }
        }

        /// The wrapped head's parameters, in its own order.
        public var parameters: [Variable] {
            switch self {
            case .standard(let gp): return gp.parameters
            case .efficient(let egp): return egp.parameters
            }
        }

        static func make(
            _ kind: HeadKind, hiddenSize: Int, types: Int, headSize: Int, rope: Bool,
            triangleMask: Bool, rng: inout SeededRNG, name: String
        ) -> PairScorer {
            switch kind {
            case .standard:
                return .standard(
                    GlobalPointer(
                        hiddenSize: hiddenSize, types: types, headSize: headSize, rope: rope,
                        triangleMask: triangleMask, rng: &rng, name: name))
            case .efficient:
                return .efficient(
                    EfficientGlobalPointer(
                        hiddenSize: hiddenSize, types: types, headSize: headSize,
                        rope: rope, triangleMask: triangleMask, rng: &rng,
                        name: name))
            }
        }

        /// The parameter count of one scorer of `kind` with `types` types, biases included.
        public static func parameterCount(_ kind: HeadKind, hiddenSize: Int, types: Int, headSize: Int) -> Int {
            switch kind {
            case .standard:
                return GlobalPointer.parameterCount(
                    hiddenSize: hiddenSize, types: types,
                    headSize: headSize)
            case .efficient:
                return EfficientGlobalPointer.parameterCount(
                    hiddenSize: hiddenSize, types: types,
                    headSize: headSize)
            }
        }
    }

    /// The three score tensors of a batch.
    public struct Scores {
        /// `[b, 2, n, n]`: type 0 subjects, type 1 objects; row = start, column = end.
        public var entity: Variable
        /// `[b, P, n, n]`: row = subject start, column = object start.
        public var head: Variable
        /// `[b, P, n, n]`: row = subject end, column = object end.
        public var tail: Variable
    }

    /// The gold cells of one sentence for the three heads.
    public struct Labels: Equatable, Sendable {
        /// Subjects as type 0, objects as type 1 (a span that is both appears twice).
        public var entity: [LabeledSpan]
        /// `type` = predicate, `start` = s_h, `end` = o_h (a cell, not a span: start > end is allowed).
        public var head: [LabeledSpan]
        /// `type` = predicate, `start` = s_t, `end` = o_t.
        public var tail: [LabeledSpan]
    }

    /// The head kind of all three scorers.
    public let kind: HeadKind
    /// P, the number of predicates.
    public let predicates: Int
    /// d.
    public let headSize: Int
    /// Subject/object spans: 2 types, RoPE, triangle mask.
    public let entity: PairScorer
    /// (s_h, o_h) per predicate: no RoPE, no triangle mask.
    public let head: PairScorer
    /// (s_t, o_t) per predicate: no RoPE, no triangle mask.
    public let tail: PairScorer

    /// Entity head's parameters, then the head table's, then the tail table's.
    public var parameters: [Variable] { entity.parameters + head.parameters + tail.parameters }

    /// - Parameters: `hiddenSize` D of the encoder, `predicates` P, `headSize` d (even), the head kind; `rng` draws
    ///   the entity head, then the head table, then the tail table.
    public init(
        hiddenSize: Int, predicates: Int, headSize: Int, kind: HeadKind, rng: inout SeededRNG,
        name: String = "gplinker"
    ) {
        require(predicates >= 1, "GPLinker: predicates \(predicates) must be ≥ 1")
        self.kind = kind
        self.predicates = predicates
        self.headSize = headSize
        entity = .make(
            kind, hiddenSize: hiddenSize, types: 2, headSize: headSize, rope: true, triangleMask: true,
            rng: &rng, name: name + ".entity")
        head = .make(
            kind, hiddenSize: hiddenSize, types: predicates, headSize: headSize, rope: false,
            triangleMask: false, rng: &rng, name: name + ".head")
        tail = .make(
            kind, hiddenSize: hiddenSize, types: predicates, headSize: headSize, rope: false,
            triangleMask: false, rng: &rng, name: name + ".tail")
    }

    /// The parameter count of the three heads without building them (see the type's documentation).
    public static func parameterCount(hiddenSize: Int, predicates: Int, headSize: Int, kind: HeadKind) -> Int {
        PairScorer.parameterCount(kind, hiddenSize: hiddenSize, types: 2, headSize: headSize)
            + 2 * PairScorer.parameterCount(kind, hiddenSize: hiddenSize, types: predicates, headSize: headSize)
    }

    /// Scores of every span and every predicate's head and tail pair.
    /// - Parameters:
    ///   - h: encoder output `[b, n, D]`.
    ///   - mask: `[b][n]`, `true` on real tokens; `nil` without padding.
    public func callAsFunction(_ h: Variable, mask: [[Bool]]? = nil) -> Scores {
        Scores(entity: entity(h, mask: mask), head: head(h, mask: mask), tail: tail(h, mask: mask))
    }

    // MARK: Labels and loss

    /// The gold cells of a sentence's triples (reference: `entity_labels`, `head_labels`, `tail_labels`), each list
    /// sorted and without duplicates: a span that is the subject of two triples is one positive cell.
    public static func labels(_ triples: [RelationTriple]) -> Labels {
        var entity = Set<LabeledSpan>(), head = Set<LabeledSpan>(), tail = Set<LabeledSpan>()
        for t in triples {
            entity.insert(LabeledSpan(type: 0, start: t.subject.lowerBound, end: t.subject.upperBound))
            entity.insert(LabeledSpan(type: 1, start: t.object.lowerBound, end: t.object.upperBound))
            head.insert(LabeledSpan(type: t.predicate, start: t.subject.lowerBound, end: t.object.lowerBound))
            tail.insert(LabeledSpan(type: t.predicate, start: t.subject.upperBound, end: t.object.upperBound))
        }
        return Labels(entity: entity.sorted(), head: head.sorted(), tail: tail.sorted())
    }

    /// The GPLinker loss: entity + head + tail `globalPointerCrossEntropy` (sparse multilabel CE with `maskZero`,
    /// summed over types, averaged over the batch). Shape `[]`.
    /// - Parameter gold: one list of triples per sentence of the batch.
    public static func loss(_ scores: Scores, gold: [[RelationTriple]]) -> Variable {
        let labels = gold.map(labels)
        return Loss.globalPointerCrossEntropy(scores: scores.entity, gold: labels.map(\.entity))
            + Loss.globalPointerCrossEntropy(scores: scores.head, gold: labels.map(\.head))
            + Loss.globalPointerCrossEntropy(scores: scores.tail, gold: labels.map(\.tail))
    }

    // MARK: Decoding

    /// Decodes sentence `item` of a batch (`GPLinkerDecoding.decode` on its three score tables).
    /// - Parameter length: the sentence's real length (`[CLS]` and `[SEP]` included).
    public static func decode(_ scores: Scores, item: Int, length: Int) -> GPLinkerDecoding.Trace {
        GPLinkerDecoding.decode(
            entity: scores.entity.value[item], head: scores.head.value[item],
            tail: scores.tail.value[item], length: length)
    }

    /// The triples of every sentence of a batch.
    public static func decodeBatch(_ scores: Scores, lengths: [Int]) -> [[RelationTriple]] {
        lengths.indices.map { decode(scores, item: $0, length: lengths[$0]).triples }
    }
}
