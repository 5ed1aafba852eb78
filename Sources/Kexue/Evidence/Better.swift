/// Which way a metric improves: F1 and accuracy are better `.higher`, losses and times `.lower`.
///
/// It decides who is "ahead" on a seed in a `PairedComparison`, and which side of zero is the post's direction
/// when a claim's status is decided (`ClaimStatus`). Differences are always printed as A − B whatever it says.
public enum Better: String, Sendable {
    /// `higher`: larger values are better (F1, accuracy); `lower`: smaller values are better (losses, times).
    case higher, lower

    /// +1 or −1: multiplies a difference A − B into an improvement of A over B.
    var sign: Double { self == .higher ? 1 : -1 }
}
