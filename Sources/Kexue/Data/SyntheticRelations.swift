// MARK: - A synthetic relation-extraction language (chapter 2, GPLinker)

/// Deterministic synthetic sentences with relation triples, small enough to train a GPLinker end to end in
/// seconds, and built so that every case the GPLinker decoder has to get right occurs in them.
///
/// **The language.** A sentence is `[CLS] clause , clause ( , clause ) [SEP]`, two or three clauses. Entities are
/// runs of one to three *entity words* (capitalised syllables: `Ka Lo`); the other words are fillers (`said`),
/// `and`, the comma, one *trigger* word per trigger predicate (`<p3>`), and *suffix* words (`Univ`, `Club`) that
/// extend an entity into a larger one. The clause kinds and the triples they carry:
///
/// | kind | words | triples |
/// |---|---|---|
/// | simple | S `<p>` O | (S, p, O) |
/// | shared object | S₁ `and` S₂ `<p>` O | (S₁, p, O), (S₂, p, O) |
/// | shared subject | S `<p>` O₁ `and` O₂ | (S, p, O₁), (S, p, O₂) |
/// | chain | A `<p>` B `<q>` C | (A, p, B), (B, q, C): B is an object and a subject |
/// | nested subject | X u `<p>` O | (X u, p, O), (X, π(u), O): two subjects with one first token |
/// | distractor | fillers E fillers | none: an entity-like run that is no subject or object |
///
/// A suffix word u carries its own predicate π(u) ("X Univ is in O" implies "X is in O", say): the last `suffixes`
/// predicates are suffix predicates and have no trigger word. The nested clause is the post's reason for the tail
/// table: (X u, p, O) and (X, π(u), O) share the head cells `head[·, X_h, O_h]`, so only `tail[p, u, O_t]` versus
/// `tail[p, X_t, O_t]` tells the decoder that X alone is not the subject of p (and the reverse for π(u)).
///
/// **Design choices.**
/// - *Boundaries are local.* Every entity is a maximal run of entity words, possibly extended by one suffix; a
///   subject's or object's role is fixed by the trigger, suffix or `and` next to it (at most three words away).
///   A tiny encoder with a few attention layers can learn it; no world knowledge is needed.
/// - *One clause per predicate.* Within a sentence every predicate occurs in at most one clause. The relation tables
///   have no position information (no RoPE in the reference), so two clauses with the same predicate would have to be
///   told apart by content alone; this generator spares the tiny encoder that. Within a clause, the shared-subject
///   and shared-object kinds make every subject–object pair of its predicate a true triple, so no pairing is
///   ambiguous either. Real data (LIC2019) promises neither.
/// - *Fresh data.* `sentence(rng:)` draws a new sentence from any seed: a training stream never repeats and a
///   held-out set is a different seed.
/// - *Deterministic.* Only `SeededRNG` draws; the same seed gives the same sentences on every machine.
/// - *Standalone*, not built on `SyntheticSpans` (chapter 1): there a trigger word before each mention gives its
///   entity type, whereas here an entity's role comes from the predicate word *between* subject and object, and the
///   shared, chained and nested arguments come from the clause structure, which `SyntheticSpans` does not have.
public struct SyntheticRelations: Sendable {
    /// The clause kinds of the table above.
    public enum ClauseKind: String, CaseIterable, Sendable {
        /// The rows of the type's table: `simple` S `<p>` O; `sharedObject` S₁ `and` S₂ `<p>` O; `sharedSubject`
        /// S `<p>` O₁ `and` O₂; `chain` A `<p>` B `<q>` C; `nestedSubject` X u `<p>` O (two subjects with one first
        /// token); `distractor` an entity-like run between fillers, with no triple.
        case simple, sharedObject, sharedSubject, chain, nestedSubject, distractor
    }

    /// A sentence: token ids (`[CLS]` first, `[SEP]` last, no padding), its triples, and its clause kinds.
    public struct Sentence: Sendable {
        /// Token ids: `[CLS]`, the clauses separated by commas, `[SEP]`; no padding.
        public var tokens: [Int]
        /// Sorted.
        public var triples: [RelationTriple]
        /// The kind of each clause, in sentence order.
        public var kinds: [ClauseKind]
    }

    /// Sentences padded to the longest of them.
    public struct Batch: Sendable {
        /// `[count · length]` row-major, padding id 0.
        public var tokens: [Int]
        /// `[count, length]`.
        public var shape: [Int]
        /// `[count][length]`, `true` on real tokens.
        public var mask: [[Bool]]
        /// The real length of each sentence (`[CLS]` and `[SEP]` included).
        public var lengths: [Int]
        /// Each sentence's triples, sorted.
        public var triples: [[RelationTriple]]
    }

    /// Trigger predicates (each with a trigger word), `0..<triggerPredicates`.
    public let triggerPredicates: Int
    /// Suffix words; suffix k implies predicate `triggerPredicates + k`.
    public let suffixes: Int
    /// Distinct entity words.
    public let entityWords: Int
    /// Distinct filler words.
    public let fillerWords: Int
    /// Sentences longer than this (in tokens, `[CLS]` and `[SEP]` included) are redrawn.
    public let maxLength: Int

    /// All predicates: trigger predicates, then suffix predicates.
    public var predicates: Int { triggerPredicates + suffixes }

    // Vocabulary layout: [PAD] [CLS] [SEP] , and | fillers | entity words | triggers | suffixes.
    /// The fixed token ids: `pad` 0 (`[PAD]`), `cls` 1 (`[CLS]`), `sep` 2 (`[SEP]`), `comma` 3 (`,`) and `and` 4;
    /// the filler, entity, trigger and suffix words follow from id 5.
    public static let pad = 0, cls = 1, sep = 2, comma = 3, and = 4
    var fillerBase: Int { 5 }
    var entityBase: Int { fillerBase + fillerWords }
    var triggerBase: Int { entityBase + entityWords }
    var suffixBase: Int { triggerBase + triggerPredicates }
    /// The number of token ids, padding included.
    public var vocabularySize: Int { suffixBase + suffixes }

    /// A language with `triggerPredicates` trigger predicates (≥ 2: a chain uses two), `suffixes` suffix predicates
    /// (≥ 0), `entityWords` entity words and `fillerWords` filler words (≥ 1 each), and sentences of at most
    /// `maxLength` tokens (≥ 24).
    public init(
        triggerPredicates: Int = 8, suffixes: Int = 2, entityWords: Int = 40, fillerWords: Int = 12,
        maxLength: Int = 40
    ) {
        require(
            triggerPredicates >= 2,
            "SyntheticRelations: needs at least 2 trigger predicates (a chain uses two), "
                + "got \(triggerPredicates)")
        require(
            entityWords >= 1 && fillerWords >= 1 && suffixes >= 0,
            "SyntheticRelations: entity words \(entityWords), fillers \(fillerWords), suffixes \(suffixes)")
        require(maxLength >= 24, "SyntheticRelations: maxLength \(maxLength) cannot hold two long clauses")
        self.triggerPredicates = triggerPredicates
        self.suffixes = suffixes
        self.entityWords = entityWords
        self.fillerWords = fillerWords
        self.maxLength = maxLength
    }

    /// The predicate a suffix word implies between its stem and the clause's object.
    public func suffixPredicate(_ k: Int) -> Int { triggerPredicates + k }

    // MARK: Drawing

    /// One sentence. Consumes a variable number of draws from `rng`.
    public func sentence(rng: inout SeededRNG) -> Sentence {
        while true {
            let s = draft(rng: &rng)
            if s.tokens.count <= maxLength { return s }
        }
    }

    /// `count` sentences, padded to the longest.
    public func batch(count: Int, rng: inout SeededRNG) -> Batch {
        batch(of: (0..<count).map { _ in sentence(rng: &rng) })
    }

    /// Pads given sentences into a batch.
    public func batch(of sentences: [Sentence]) -> Batch {
        let padded = PaddedTokens(sentences.map(\.tokens), padding: Self.pad)
        return Batch(
            tokens: padded.ids, shape: [padded.count, padded.length], mask: padded.mask,
            lengths: sentences.map(\.tokens.count), triples: sentences.map(\.triples))
    }

    /// Clause kinds are drawn with these weights (simple, shared object, shared subject, chain, nested, distractor).
    static let kindWeights: [(ClauseKind, Int)] = [
        (.simple, 3), (.sharedObject, 2), (.sharedSubject, 2), (.chain, 2), (.nestedSubject, 3), (.distractor, 1),
    ]

    func draft(rng: inout SeededRNG) -> Sentence {
        var freePredicates = rng.shuffled(Array(0..<triggerPredicates))
        var freeSuffixes = rng.shuffled(Array(0..<suffixes))
        var tokens = [Self.cls]
        var triples: [RelationTriple] = []
        var kinds: [ClauseKind] = []
        let clauses = 2 + rng.uniformInt(below: 2)
        let totalWeight = Self.kindWeights.reduce(0) { $0 + $1.1 }
        for c in 0..<clauses {
            if c > 0 { tokens.append(Self.comma) }
            var r = rng.uniformInt(below: totalWeight)
            var kind = ClauseKind.simple
            for (k, w) in Self.kindWeights { if r < w { kind = k; break }; r -= w }
            if kind == .nestedSubject && freeSuffixes.isEmpty { kind = .simple }
            if kind == .chain && freePredicates.count < 2 { kind = .simple }
            if kind != .distractor && freePredicates.isEmpty { kind = .distractor }
            let start = tokens.count
            var words: [Int] = []
            // Appends an entity of 1–3 words and returns its (clause-relative) range.
            func entity(_ rng: inout SeededRNG) -> ClosedRange<Int> {
                let u = rng.uniformInt(below: 20)
                let length = u < 10 ? 1 : (u < 17 ? 2 : 3)
                let from = words.count
                for _ in 0..<length { words.append(entityBase + rng.uniformInt(below: entityWords)) }
                return from...(words.count - 1)
            }
            func trigger(_ p: Int) { words.append(triggerBase + p) }
            var local: [RelationTriple] = []
            switch kind {
            case .simple:
                let p = freePredicates.removeLast()
                let s = entity(&rng); trigger(p); let o = entity(&rng)
                local = [RelationTriple(subject: s, predicate: p, object: o)]
            case .sharedObject:
                let p = freePredicates.removeLast()
                let s1 = entity(&rng); words.append(Self.and); let s2 = entity(&rng); trigger(p); let o = entity(&rng)
                local = [
                    RelationTriple(subject: s1, predicate: p, object: o),
                    RelationTriple(subject: s2, predicate: p, object: o),
                ]
            case .sharedSubject:
                let p = freePredicates.removeLast()
                let s = entity(&rng); trigger(p); let o1 = entity(&rng); words.append(Self.and); let o2 = entity(&rng)
                local = [
                    RelationTriple(subject: s, predicate: p, object: o1),
                    RelationTriple(subject: s, predicate: p, object: o2),
                ]
            case .chain:
                let p = freePredicates.removeLast(), q = freePredicates.removeLast()
                let a = entity(&rng); trigger(p); let b = entity(&rng); trigger(q); let c = entity(&rng)
                local = [
                    RelationTriple(subject: a, predicate: p, object: b),
                    RelationTriple(subject: b, predicate: q, object: c),
                ]
            case .nestedSubject:
                let p = freePredicates.removeLast(), k = freeSuffixes.removeLast()
                let x = entity(&rng)
                words.append(suffixBase + k)
                let outer = x.lowerBound...(words.count - 1)
                trigger(p)
                let o = entity(&rng)
                local = [
                    RelationTriple(subject: outer, predicate: p, object: o),
                    RelationTriple(subject: x, predicate: suffixPredicate(k), object: o),
                ]
            case .distractor:
                for _ in 0..<(1 + rng.uniformInt(below: 2)) {
                    words.append(fillerBase + rng.uniformInt(below: fillerWords))
                }
                _ = entity(&rng)
                for _ in 0..<(1 + rng.uniformInt(below: 2)) {
                    words.append(fillerBase + rng.uniformInt(below: fillerWords))
                }
            }
            tokens += words
            triples += local.map { $0.shifted(by: start) }
            kinds.append(kind)
        }
        tokens.append(Self.sep)
        return Sentence(tokens: tokens, triples: triples.sorted(), kinds: kinds)
    }

    // MARK: Reading

    /// The word of a token id: `[CLS]`, `,`, `and`, a filler (`said`), an entity word (`Ka`), a trigger (`<p3>`) or a
    /// suffix (`Univ`).
    public func word(_ id: Int) -> String {
        switch id {
        case Self.pad: return "[PAD]"
        case Self.cls: return "[CLS]"
        case Self.sep: return "[SEP]"
        case Self.comma: return ","
        case Self.and: return "and"
        case fillerBase..<entityBase:
            let k = id - fillerBase
            return Self.fillers[k % Self.fillers.count] + (k < Self.fillers.count ? "" : "\(k / Self.fillers.count)")
        case entityBase..<triggerBase:
            let k = id - entityBase
            let syllable =
                Self.consonants[k % Self.consonants.count]
                + Self.vowels[(k / Self.consonants.count) % Self.vowels.count]
            let round = k / (Self.consonants.count * Self.vowels.count)
            return syllable + (round == 0 ? "" : "\(round)")
        case triggerBase..<suffixBase: return "<p\(id - triggerBase)>"
        case suffixBase..<vocabularySize:
            let k = id - suffixBase
            return Self.suffixWords[k % Self.suffixWords.count]
                + (k < Self.suffixWords.count ? "" : "\(k / Self.suffixWords.count)")
        default: return "?\(id)"
        }
    }

    /// The token ids of space-separated words (the inverse of `text`), for building sentences by hand.
    /// Precondition: every word is in the vocabulary.
    public func tokens(_ text: String) -> [Int] {
        let ids = Dictionary(uniqueKeysWithValues: (0..<vocabularySize).map { (word($0), $0) })
        return text.split(separator: " ").map { w in
            guard let id = ids[String(w)] else {
                contractViolation(
                    "SyntheticRelations.tokens: unknown word '\(w)'",
                    file: #fileID, line: #line)
            }
            return id
        }
    }

    /// The words of a sentence, separated by spaces.
    public func text(_ tokens: [Int]) -> String { tokens.map(word).joined(separator: " ") }

    /// The words of a span of a sentence.
    public func text(_ tokens: [Int], _ span: ClosedRange<Int>) -> String { text(Array(tokens[span])) }

    /// A triple in words: `(Ka Lo Univ, p3, Mi)`.
    public func describe(_ triple: RelationTriple, in tokens: [Int]) -> String {
        "(\(text(tokens, triple.subject)), p\(triple.predicate), \(text(tokens, triple.object)))"
    }

    static let consonants = ["B", "D", "F", "G", "K", "L", "M", "N", "P", "R", "S", "T", "V", "Z"]
    static let vowels = ["a", "o", "i", "u", "e"]
    static let fillers = [
        "said", "today", "also", "then", "very", "quite", "again", "so", "well", "here", "now",
        "maybe",
    ]
    static let suffixWords = ["Univ", "Club", "Corp", "Park"]
}
