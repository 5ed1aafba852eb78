import Testing

@testable import Kexue

/// Chapter 2: the synthetic relation language keeps the promises of its design notes.
@Suite struct SyntheticRelationsTests {
    let language = SyntheticRelations()

    func sentences(_ count: Int, seed: UInt64) -> [SyntheticRelations.Sentence] {
        var rng = SeededRNG(seed: seed)
        return (0..<count).map { _ in language.sentence(rng: &rng) }
    }

    @Test func sameSeedSameSentences() {
        let a = sentences(50, seed: 7), b = sentences(50, seed: 7), c = sentences(50, seed: 8)
        #expect(a.map(\.tokens) == b.map(\.tokens) && a.map(\.triples) == b.map(\.triples))
        #expect(a.map(\.tokens) != c.map(\.tokens))
    }

    @Test func sentencesAreWellFormed() {
        let entityWords = language.entityBase..<language.triggerBase
        let suffixWords = language.suffixBase..<language.vocabularySize
        for s in sentences(400, seed: 1) {
            #expect(s.tokens.first == SyntheticRelations.cls && s.tokens.last == SyntheticRelations.sep)
            #expect(s.tokens.count <= language.maxLength)
            let inVocabulary = s.tokens.allSatisfy { $0 > SyntheticRelations.pad && $0 < language.vocabularySize }
            #expect(inVocabulary)
            #expect(s.triples == s.triples.sorted() && Set(s.triples).count == s.triples.count)
            for t in s.triples {
                #expect(t.predicate >= 0 && t.predicate < language.predicates)
                for span in [t.subject, t.object] {
                    // Inside the sentence, off [CLS] and [SEP]; entity words, possibly ended by one suffix.
                    #expect(span.lowerBound >= 1 && span.upperBound <= s.tokens.count - 2)
                    let words = span.map { s.tokens[$0] }
                    let stem = words.dropLast().allSatisfy { entityWords.contains($0) }
                    let last = entityWords.contains(words.last!) || suffixWords.contains(words.last!)
                    #expect(stem && last)
                    // Maximal: the runs stop where entity words stop (a nested stem stops at its suffix).
                    #expect(!entityWords.contains(s.tokens[span.lowerBound - 1]))
                    let next = s.tokens[span.upperBound + 1]
                    #expect(!entityWords.contains(next))
                }
            }
        }
    }

    /// No ambiguous pairing: within a sentence the triples of each predicate are all subject × object pairs of it.
    @Test func eachPredicateFormsAProductOfItsSubjectsAndObjects() {
        for s in sentences(400, seed: 2) {
            for p in Set(s.triples.map(\.predicate)) {
                let mine = s.triples.filter { $0.predicate == p }
                let subjects = Set(mine.map(\.subject)), objects = Set(mine.map(\.object))
                #expect(mine.count == subjects.count * objects.count, "\(language.text(s.tokens)) p\(p)")
            }
        }
    }

    /// Every clause kind occurs, and so do the cases the decoder must handle: nested subjects sharing a first
    /// token, a shared object, and a span that is both a subject and an object.
    @Test func theDecoderCasesOccur() {
        let all = sentences(500, seed: 3)
        let kinds = Set(all.flatMap(\.kinds))
        #expect(kinds == Set(SyntheticRelations.ClauseKind.allCases))
        var nested = 0, shared = 0, bothRoles = 0
        for s in all {
            let subjects = Set(s.triples.map(\.subject)), objects = Set(s.triples.map(\.object))
            if subjects.contains(where: { a in subjects.contains { $0 != a && $0.lowerBound == a.lowerBound } }) {
                nested += 1
            }
            if objects.contains(where: { o in Set(s.triples.filter { $0.object == o }.map(\.subject)).count > 1 }) {
                shared += 1
            }
            if !subjects.isDisjoint(with: objects) { bothRoles += 1 }
        }
        #expect(nested > 50 && shared > 50 && bothRoles > 50, "nested \(nested), shared \(shared), both \(bothRoles)")
    }

    @Test func nestedClauseCarriesTheSuffixPredicate() {
        let s = sentences(200, seed: 4).first { $0.kinds.contains(.nestedSubject) }!
        let suffix = s.tokens.firstIndex { $0 >= language.suffixBase }!
        let k = s.tokens[suffix] - language.suffixBase
        let outer = s.triples.first { $0.subject.upperBound == suffix }!
        let inner = s.triples.first { $0.subject == outer.subject.lowerBound...(suffix - 1) }!
        #expect(inner.predicate == language.suffixPredicate(k) && inner.object == outer.object)
        #expect(outer.predicate < language.triggerPredicates)
    }

    @Test func batchPadsAndMasks() {
        var rng = SeededRNG(seed: 5)
        let batch = language.batch(count: 6, rng: &rng)
        let n = batch.shape[1]
        #expect(batch.shape[0] == 6 && n == batch.lengths.max()!)
        for b in 0..<6 {
            #expect(batch.mask[b] == (0..<n).map { $0 < batch.lengths[b] })
            let padded = batch.tokens[(b * n + batch.lengths[b])..<((b + 1) * n)].allSatisfy {
                $0 == SyntheticRelations.pad
            }
            #expect(padded)
        }
    }

    @Test func wordsReadBack() {
        #expect(language.word(SyntheticRelations.cls) == "[CLS]" && language.word(language.triggerBase + 3) == "<p3>")
        #expect(language.word(language.suffixBase) == "Univ" && language.word(language.entityBase) == "Ba")
        let names = Set((language.entityBase..<language.triggerBase).map(language.word))
        #expect(names.count == language.entityWords)
        // Every word is distinct, so text and tokens are inverses.
        let all = Array(0..<language.vocabularySize)
        #expect(language.tokens(language.text(all)) == all)
    }
}
