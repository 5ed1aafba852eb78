/// Precision, recall and F1 over sets of predicted and gold items (entities, triples, …), micro-averaged: counts
/// are summed over all samples first, as the reference evaluations do (`X` correct, `Y` predicted, `Z` gold;
/// P = X/Y, R = X/Z, F1 = 2X/(Y + Z)).
///
/// Where the reference starts X, Y, Z at 1e-10 to dodge 0/0, we define the empty cases exactly: P = 1 when nothing
/// is predicted, R = 1 when nothing is gold, and F1 = 1 when both are empty (nothing to find, nothing found), else
/// 2X/(Y + Z). Items compare by `==`: a span with the wrong type or a boundary off by one is simply wrong.
public struct PRF: Equatable, Sendable, CustomStringConvertible {
    /// X: predicted items that are gold.
    public var correct: Int
    /// Y: predicted items.
    public var predicted: Int
    /// Z: gold items.
    public var gold: Int

    /// Counts as given: X = `correct`, Y = `predicted`, Z = `gold`; all 0 by default (the identity of `+`).
    public init(correct: Int = 0, predicted: Int = 0, gold: Int = 0) {
        self.correct = correct
        self.predicted = predicted
        self.gold = gold
    }

    /// Counts for one sample; duplicates in either list count once.
    public init<T: Hashable>(predicted: some Sequence<T>, gold: some Sequence<T>) {
        let p = Set(predicted), g = Set(gold)
        self.init(correct: p.intersection(g).count, predicted: p.count, gold: g.count)
    }

    /// Micro-averaged counts over samples: `predicted[k]` against `gold[k]`.
    public static func evaluate<T: Hashable>(predicted: [[T]], gold: [[T]]) -> PRF {
        require(predicted.count == gold.count, "PRF.evaluate: \(predicted.count) predictions for \(gold.count) samples")
        return zip(predicted, gold).reduce(PRF()) { $0 + PRF(predicted: $1.0, gold: $1.1) }
    }

    /// Sums the counts.
    public static func + (a: PRF, b: PRF) -> PRF {
        PRF(correct: a.correct + b.correct, predicted: a.predicted + b.predicted, gold: a.gold + b.gold)
    }

    /// X / Y (1 when nothing is predicted).
    public var precision: Double { predicted == 0 ? 1 : Double(correct) / Double(predicted) }
    /// X / Z (1 when nothing is gold).
    public var recall: Double { gold == 0 ? 1 : Double(correct) / Double(gold) }
    /// 2X / (Y + Z), the harmonic mean of P and R (1 when both are empty).
    public var f1: Double { predicted + gold == 0 ? 1 : 2 * Double(correct) / Double(predicted + gold) }

    /// `P 0.8000 R 0.6667 F1 0.7273 (4 correct / 5 predicted / 6 gold)`.
    public var description: String {
        let (p, r, f) = (
            NumberFormat.fixed(Float(precision)), NumberFormat.fixed(Float(recall)),
            NumberFormat.fixed(Float(f1))
        )
        return "P \(p) R \(r) F1 \(f) (\(correct) correct / \(predicted) predicted / \(gold) gold)"
    }
}
