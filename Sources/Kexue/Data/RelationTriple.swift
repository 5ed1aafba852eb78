/// A relation triple at token level: a subject span, a predicate, an object span (GPLinker,
/// kexue.fm/archives/8888).
///
/// Spans are inclusive token ranges `start...end`, so a triple is exactly the post's quintuple
/// (s_h, s_t, p, o_h, o_t) with s_h = `subject.lowerBound`, s_t = `subject.upperBound`, and likewise for the object.
/// The subject and the object may overlap, nest, or coincide with spans of other triples; nothing orders the subject
/// before the object in the sentence. Two triples are equal when all five numbers are (the reference compares
/// triples as tokenised spans, `(sh, st, p, oh, ot)`).
///
/// Ordered by subject start, subject end, predicate, object start, object end, so sorted lists print in reading
/// order of their subjects.
public struct RelationTriple: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The subject's tokens, `s_h...s_t`.
    public var subject: ClosedRange<Int>
    /// The predicate index, `0..<predicates`.
    public var predicate: Int
    /// The object's tokens, `o_h...o_t`.
    public var object: ClosedRange<Int>

    /// The triple (`subject`, `predicate`, `object`) as given; the spans are inclusive token ranges, not checked
    /// against any sentence.
    public init(subject: ClosedRange<Int>, predicate: Int, object: ClosedRange<Int>) {
        self.subject = subject
        self.predicate = predicate
        self.object = object
    }

    /// The same triple with every position moved by `offset` (placing a clause inside a sentence).
    public func shifted(by offset: Int) -> RelationTriple {
        RelationTriple(
            subject: (subject.lowerBound + offset)...(subject.upperBound + offset), predicate: predicate,
            object: (object.lowerBound + offset)...(object.upperBound + offset))
    }

    public static func < (a: RelationTriple, b: RelationTriple) -> Bool {
        (a.subject.lowerBound, a.subject.upperBound, a.predicate, a.object.lowerBound, a.object.upperBound)
            < (b.subject.lowerBound, b.subject.upperBound, b.predicate, b.object.lowerBound, b.object.upperBound)
    }

    /// `(2...3, p4, 6...6)`: subject tokens, predicate, object tokens.
    public var description: String { "(\(subject), p\(predicate), \(object))" }
}
