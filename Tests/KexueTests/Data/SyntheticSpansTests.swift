import Testing

@testable import Kexue

@Suite struct SyntheticSpansTests {
    let data = SyntheticSpans(trainCount: 200, testCount: 50, seed: 1)

    @Test func deterministicAndSplit() {
        let again = SyntheticSpans(trainCount: 200, testCount: 50, seed: 1)
        #expect(again.train == data.train && again.test == data.test)
        #expect(data.train.count == 200 && data.test.count == 50)
        #expect(SyntheticSpans(trainCount: 200, testCount: 50, seed: 2).train != data.train)
    }

    @Test func spansFollowTheDesign() {
        let v = data.vocabulary
        var nested = 0
        for s in data.train + data.test {
            #expect(s.tokens.first == SyntheticSpans.Vocabulary.cls && s.tokens.last == SyntheticSpans.Vocabulary.sep)
            #expect(s.tokens.allSatisfy { $0 >= 1 && $0 < v.count })
            for span in s.spans {
                #expect(span.start >= 1 && span.end < s.tokens.count - 1 && span.start <= span.end)
                // Never on cell (0, 0), and the end is followed by a filler, trigger, head word or [SEP], never by
                // a pool word (which would make the end ambiguous).
                let next = s.tokens[span.end + 1]
                #expect(next < v.poolBase || next >= v.triggerBase)
                if v.isCompound(span.type) {
                    #expect(s.tokens[span.start - 1] == v.trigger(type: span.type))
                    #expect(s.tokens[span.end] == v.head(type: span.type))
                    let child = LabeledSpan(type: v.child(of: span.type), start: span.start, end: span.end - 1)
                    #expect(s.spans.contains(child))
                    nested += 1
                } else {
                    #expect(
                        (span.start...span.end).allSatisfy {
                            let t = s.tokens[$0] - v.poolBase
                            return t >= 0 && t / v.config.poolSize == v.pool(of: span.type)
                        })
                }
            }
        }
        #expect(nested > 20)
        #expect(Set((data.train + data.test).flatMap { $0.spans.map(\.type) }).count == data.config.types)
    }

    @Test func batchPadsAndMarksTheSpecialTokens() {
        let batch = SyntheticSpans.batch(data.train[0..<3], length: data.maxLength)
        #expect(batch.ids.count == 3 * data.maxLength)
        for (k, s) in data.train[0..<3].enumerated() {
            #expect(batch.mask[k].filter { $0 }.count == s.tokens.count)
            #expect(batch.excluded[k] == [0, s.tokens.count - 1])
            #expect(
                batch.ids[k * data.maxLength + s.tokens.count..<(k + 1) * data.maxLength]
                    .allSatisfy { $0 == SyntheticSpans.Vocabulary.pad })
        }
    }

    @Test func vocabularyNames() {
        let v = data.vocabulary
        #expect(v.name(1) == "[CLS]" && v.name(v.trigger(type: 7)) == "T7" && v.name(v.poolWord(pool: 2, 4)) == "w2.4")
        #expect(v.name(v.head(type: v.firstCompoundType)) == "H\(v.firstCompoundType)")
    }
}
