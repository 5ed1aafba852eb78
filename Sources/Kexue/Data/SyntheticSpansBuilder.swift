// MARK: - Building synthetic sentences piece by piece (and batching them)

extension SyntheticSpans {
    /// Appends the pieces of a sentence and records the gold spans, so variants (chapter 2's relations) can compose
    /// their own sentences from the same parts: `[CLS]` is written at creation, `finish()` writes `[SEP]`.
    public struct Builder: Sendable {
        /// The id layout and knobs the pieces are drawn with.
        public let vocabulary: Vocabulary
        /// The tokens written so far, `[CLS]` first.
        public private(set) var tokens: [Int] = [Vocabulary.cls]
        /// The gold spans recorded so far, in the order written (a compound's child before it).
        public private(set) var spans: [LabeledSpan] = []
        /// Whether the last piece was a mention (the next filler slot must then be a filler word, not a distractor).
        private var afterMention = false

        /// An empty sentence: `[CLS]` alone.
        public init(vocabulary: Vocabulary) { self.vocabulary = vocabulary }

        /// The position the next token will take.
        public var position: Int { tokens.count }

        /// Appends one token (any id, e.g. an extra token of a variant).
        public mutating func append(_ token: Int) {
            tokens.append(token)
            afterMention = false
        }

        /// Appends `count` filler slots: a filler word, or with probability `distractorRate` an untriggered pool word
        /// (never right after a mention, where it would read as the mention's next word).
        public mutating func fill(count: Int, rng: inout SeededRNG) {
            let c = vocabulary.config
            for _ in 0..<count {
                let distractor = rng.uniformDouble() < c.distractorRate
                if distractor && !afterMention {
                    tokens.append(
                        vocabulary.poolWord(
                            pool: rng.uniformInt(below: c.pools),
                            rng.uniformInt(below: c.poolSize)))
                } else {
                    tokens.append(vocabulary.filler(rng.uniformInt(below: c.fillers)))
                }
                afterMention = false
            }
        }

        /// Appends the trigger of `type` and a mention of it; records its span (and the nested child's for a compound
        /// type). The caller must follow it with a filler, another trigger or `finish()` so its end stays decidable.
        /// - Returns: the mention's span (the outer one for a compound type).
        @discardableResult
        public mutating func mention(type: Int, rng: inout SeededRNG) -> LabeledSpan {
            require(
                type >= 0 && type < vocabulary.config.types,
                "SyntheticSpans.Builder: type \(type) outside 0..<\(vocabulary.config.types)")
            tokens.append(vocabulary.trigger(type: type))
            let start = tokens.count
            let inner = vocabulary.isCompound(type) ? vocabulary.child(of: type) : type
            let length = 1 + rng.uniformInt(below: vocabulary.config.maxMentionLength)
            for _ in 0..<length {
                tokens.append(
                    vocabulary.poolWord(
                        pool: vocabulary.pool(of: inner),
                        rng.uniformInt(below: vocabulary.config.poolSize)))
            }
            if vocabulary.isCompound(type) {
                spans.append(LabeledSpan(type: inner, start: start, end: tokens.count - 1))
                tokens.append(vocabulary.head(type: type))
            }
            let span = LabeledSpan(type: type, start: start, end: tokens.count - 1)
            spans.append(span)
            afterMention = true
            return span
        }

        /// Appends `[SEP]` and returns the sentence with its spans sorted.
        public func finish() -> Sentence {
            Sentence(tokens: tokens + [Vocabulary.sep], spans: spans.sorted())
        }
    }

    /// A padded batch ready for an encoder and a span head.
    public struct Batch: Sendable {
        /// `[b·n]` token ids, row-major, `[PAD]` after each sentence.
        public var ids: [Int]
        /// b, the number of sentences.
        public var batch: Int
        /// n, the padded length of every sentence.
        public var length: Int
        /// `[b][n]`, `true` for real tokens (`[CLS]` and `[SEP]` included).
        public var mask: [[Bool]]
        /// Gold spans per item.
        public var gold: [[LabeledSpan]]
        /// Per item, the positions the decoder must skip: `[CLS]` (0) and `[SEP]` (the last real token).
        public var excluded: [Set<Int>]
    }

    /// Pads `sentences` to `length` (default: the longest of them).
    public static func batch(_ sentences: some Collection<Sentence>, length: Int? = nil) -> Batch {
        let padded = PaddedTokens(sentences.map(\.tokens), padding: Vocabulary.pad, length: length)
        return Batch(
            ids: padded.ids, batch: padded.count, length: padded.length, mask: padded.mask,
            gold: sentences.map(\.spans), excluded: sentences.map { [0, $0.tokens.count - 1] })
    }
}
