// MARK: - Key padding masks for attention layers
//
// Convention shared by `GatedAttentionUnit` and `TransformerBlock` (and bert4keras's `sequence_masking`): a padding
// mask is a `[batch, length]` tensor with 1 for a real token and 0 for padding. Only *keys* are masked: a padded
// query still gets an output row (computed from the real keys), which the loss is expected to ignore.

/// Helpers turning a `[batch, length]` 0/1 padding mask into what the attention normalisations need.
public enum AttentionMask {
    /// Checks that `mask` is `[batch, length]` and holds only 0 and 1, naming the caller and the shapes.
    static func validate(_ mask: Tensor, batch: Int, length: Int, _ op: String) {
        require(
            mask.shape == [batch, length],
            "\(op): mask \(mask.shape) must be [batch, length] = [\(batch), \(length)]")
        require(mask.scalars.allSatisfy { $0 == 0 || $0 == 1 }, "\(op): mask \(mask.shape) must hold only 0 and 1")
    }

    /// The number of unpadded tokens of each sequence, `[batch]` (the full length when `mask` is nil).
    public static func lengths(_ mask: Tensor?, batch: Int, length: Int) -> [Int] {
        guard let mask else { return [Int](repeating: length, count: batch) }
        return (0..<batch).map { b in (0..<length).reduce(0) { $0 + (mask.scalars[b * length + $1] != 0 ? 1 : 0) } }
    }

    /// The mask as a multiplier over keys, shape `[batch] + [1]·(rank − 2) + [length]` for scores of that rank
    /// (`[b, 1, n]` for `[b, n, n]` scores, `[b, 1, 1, n]` for `[b, h, n, n]`): 1 keeps a score, 0 sets it to 0
    /// (the relu² convention: relu(0)² = 0, so a padded key gets weight exactly 0).
    public static func keyMultiplier(_ mask: Tensor, scoreRank: Int) -> Tensor {
        mask.reshaped(keyShape(mask, scoreRank: scoreRank))
    }

    /// The mask as an additive bias over keys (same shape as `keyMultiplier`): 0 keeps a score, −∞ removes it (the
    /// softmax convention: weight exactly 0, and the Kernels softmax maps a fully masked row to 0, never NaN).
    /// Why −∞ rather than bert4keras's −1e12: added *after* any scaling, it cannot be scaled back into range, and
    /// `exp(−∞) = 0` exactly.
    public static func keyBias(_ mask: Tensor, scoreRank: Int) -> Tensor {
        Tensor(shape: keyShape(mask, scoreRank: scoreRank), scalars: mask.scalars.map { $0 != 0 ? 0 : -Float.infinity })
    }

    static func keyShape(_ mask: Tensor, scoreRank: Int) -> [Int] {
        require(mask.rank == 2 && scoreRank >= 3, "AttentionMask: mask \(mask.shape) must be [batch, length]")
        return [mask.shape[0]] + [Int](repeating: 1, count: scoreRank - 2) + [mask.shape[1]]
    }
}
