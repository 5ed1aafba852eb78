/// A deterministic synthetic span-extraction task with many entity types, nested spans, and types that only the
/// context can tell apart: the stand-in for People's Daily, CLUENER and CMeEE in the GlobalPointer chapters.
///
/// Design (every choice from `config` and a seed, the same on every machine):
/// - **Vocabulary** (`Vocabulary`): `[PAD]` 0, `[CLS]` 1, `[SEP]` 2, then filler words, then `pools` word pools of
///   `poolSize` words each, then one trigger word per type, then one head word per compound type, then `extraTokens`
///   ids reserved for variants built on top (chapter 2 adds predicate words there).
/// - **Types.** Type α draws its words from pool `α % pools`, so about `types / pools` types share each pool: the
///   words alone never give the type. Each mention is preceded by its type's **trigger** word (not part of the
///   span): the type is read from the left context, the boundaries from where the pool words stop.
/// - **Nesting.** The last `compoundTypes` types are compound: a mention is a mention of its **child** type (a simple
///   type fixed per compound type, without the child's own trigger) followed by the compound's **head word**, like
///   "[Lake Geneva] University". Both spans are gold: the child nested at the start of its parent.
/// - **Sentence** (`Builder`): `[CLS]`, then 1…`maxEntities` mentions each after 1…3 fillers, then 0…2 fillers and
///   `[SEP]`. Fillers are filler words, but with probability `distractorRate` a pool word with no trigger before it
///   (not an entity: a model that tags every pool word is wrong). A mention is always followed by a filler or
///   `[SEP]`, so its end is decidable. `[CLS]` at 0 keeps cell (0, 0) free for the loss's `maskZero`, and the
///   decoder excludes `[CLS]` and `[SEP]` as the reference does.
/// - **Split**: `train` and `test` are drawn from one stream seeded by `seed`, train first; no sentence is reused.
///
/// Learnable from local context with one or two attention layers: the start is right after a trigger, the end is
/// the last pool word (or the head word) before a filler, and the type is the trigger's, at most 5 tokens to the
/// left. Difficulty comes from the number of types (few examples per type) and from sharing pools.
public struct SyntheticSpans: Sendable {
    /// The generator's knobs.
    public struct Config: Sendable, Equatable {
        /// Entity types m (simple and compound).
        public var types: Int
        /// How many of the last types are compound (nest a child mention); `< types`.
        public var compoundTypes: Int
        /// Word pools shared by the types (type α uses pool α % pools).
        public var pools: Int
        /// Words per pool.
        public var poolSize: Int
        /// Distinct filler words.
        public var fillers: Int
        /// Mentions per sentence: uniform in 1…maxEntities.
        public var maxEntities: Int
        /// Words per simple mention (and per child of a compound): uniform in 1…maxMentionLength.
        public var maxMentionLength: Int
        /// Probability that a filler slot holds an untriggered pool word.
        public var distractorRate: Double
        /// Token ids reserved after the generator's own vocabulary (`Vocabulary.extraBase…`).
        public var extraTokens: Int

        /// Stores the knobs unchecked; `SyntheticSpans.init(config:trainCount:testCount:seed:)` requires
        /// `compoundTypes` in `0..<types` and at least one pool, pool word, filler, mention and mention word.
        public init(
            types: Int = 30, compoundTypes: Int = 8, pools: Int = 6, poolSize: Int = 6, fillers: Int = 24,
            maxEntities: Int = 4, maxMentionLength: Int = 3, distractorRate: Double = 0.25,
            extraTokens: Int = 0
        ) {
            self.types = types
            self.compoundTypes = compoundTypes
            self.pools = pools
            self.poolSize = poolSize
            self.fillers = fillers
            self.maxEntities = maxEntities
            self.maxMentionLength = maxMentionLength
            self.distractorRate = distractorRate
            self.extraTokens = extraTokens
        }
    }

    /// Token ids of the generator's vocabulary (see the type's design notes).
    public struct Vocabulary: Sendable, Equatable {
        /// The special ids: `[PAD]` 0, `[CLS]` 1, `[SEP]` 2.
        public static let pad = 0, cls = 1, sep = 2
        /// The knobs the layout is derived from.
        public let config: Config
        /// The layout for `config`.
        public init(_ config: Config) { self.config = config }

        /// The first filler word id (3); filler k is `fillerBase + k`.
        public var fillerBase: Int { 3 }
        /// The first pool word id; word k of pool p is `poolBase + p·poolSize + k`.
        public var poolBase: Int { fillerBase + config.fillers }
        /// The first trigger word id; the trigger of type α is `triggerBase + α`.
        public var triggerBase: Int { poolBase + config.pools * config.poolSize }
        /// The first head word id; compound type α's head word is `headBase + α − firstCompoundType`.
        public var headBase: Int { triggerBase + config.types }
        /// The first of the `extraTokens` ids reserved for variants.
        public var extraBase: Int { headBase + config.compoundTypes }
        /// The number of token ids, extra tokens included.
        public var count: Int { extraBase + config.extraTokens }

        /// The id of filler word `k`, in `0..<fillers`.
        public func filler(_ k: Int) -> Int { fillerBase + k }
        /// The id of word `k` (`0..<poolSize`) of pool `pool` (`0..<pools`).
        public func poolWord(pool: Int, _ k: Int) -> Int { poolBase + pool * config.poolSize + k }
        /// The id of the trigger word of `type`.
        public func trigger(type: Int) -> Int { triggerBase + type }
        /// The head word of a compound type.
        public func head(type: Int) -> Int { headBase + type - firstCompoundType }
        /// The id of extra token `k`, in `0..<extraTokens`.
        public func extra(_ k: Int) -> Int { extraBase + k }

        /// The first compound type; types below it are simple.
        public var firstCompoundType: Int { config.types - config.compoundTypes }
        /// Whether `type` is compound (one of the last `compoundTypes` types).
        public func isCompound(_ type: Int) -> Bool { type >= firstCompoundType }
        /// The pool of a type's words.
        public func pool(of type: Int) -> Int { type % config.pools }
        /// The simple type nested inside a compound type: a fixed simple type (compound k → simple k mod simples).
        public func child(of type: Int) -> Int { (type - firstCompoundType) % firstCompoundType }

        /// A readable name: `[CLS]`, `f3` (filler), `w2.4` (pool 2, word 4), `T7` (trigger of type 7), `H9` (head word of
        /// type 9), `x0` (extra).
        public func name(_ token: Int) -> String {
            switch token {
            case Self.pad: return "[PAD]"
            case Self.cls: return "[CLS]"
            case Self.sep: return "[SEP]"
            case ..<poolBase: return "f\(token - fillerBase)"
            case ..<triggerBase:
                let k = token - poolBase
                return "w\(k / config.poolSize).\(k % config.poolSize)"
            case ..<headBase: return "T\(token - triggerBase)"
            case ..<extraBase: return "H\(token - headBase + firstCompoundType)"
            default: return "x\(token - extraBase)"
            }
        }
    }

    /// One sentence: token ids (with `[CLS]` first and `[SEP]` last, no padding) and its gold spans, sorted.
    public struct Sentence: Sendable, Equatable {
        /// Token ids, `[CLS]` first and `[SEP]` last, no padding.
        public var tokens: [Int]
        /// The gold spans, sorted; positions index `tokens`.
        public var spans: [LabeledSpan]
        /// A sentence from its tokens and gold spans, stored as given.
        public init(tokens: [Int], spans: [LabeledSpan]) {
            self.tokens = tokens
            self.spans = spans
        }
    }

    /// The knobs the sentences were drawn with.
    public let config: Config
    /// The token id layout of `config`.
    public let vocabulary: Vocabulary
    /// The first `trainCount` sentences of the seeded stream.
    public let train: [Sentence]
    /// The next `testCount` sentences of the same stream, drawn after `train`.
    public let test: [Sentence]

    /// Draws `trainCount` then `testCount` sentences from `SeededRNG(seed:)`.
    public init(config: Config = Config(), trainCount: Int, testCount: Int, seed: UInt64) {
        require(
            config.compoundTypes >= 0 && config.compoundTypes < config.types,
            "SyntheticSpans: compoundTypes \(config.compoundTypes) must be in 0..<types (\(config.types))")
        require(
            config.pools >= 1 && config.poolSize >= 1 && config.fillers >= 1 && config.maxEntities >= 1
                && config.maxMentionLength >= 1,
            "SyntheticSpans: pools, poolSize, fillers, maxEntities and maxMentionLength must be ≥ 1")
        self.config = config
        vocabulary = Vocabulary(config)
        var rng = SeededRNG(seed: seed)
        var all: [Sentence] = []
        for _ in 0..<(trainCount + testCount) {
            var builder = Builder(vocabulary: vocabulary)
            let mentions = 1 + rng.uniformInt(below: config.maxEntities)
            for _ in 0..<mentions {
                builder.fill(count: 1 + rng.uniformInt(below: 3), rng: &rng)
                builder.mention(type: rng.uniformInt(below: config.types), rng: &rng)
            }
            builder.fill(count: rng.uniformInt(below: 3), rng: &rng)
            all.append(builder.finish())
        }
        train = Array(all[..<trainCount])
        test = Array(all[trainCount...])
    }

    /// The longest sentence of both splits (the padded length n of `batch`).
    public var maxLength: Int { (train + test).map(\.tokens.count).max() ?? 0 }
}
