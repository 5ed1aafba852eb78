/// GlobalPointer (Su, kexue.fm/archives/8373, post B1): one "attention without values" head per entity type, whose
/// score matrix rates every span at once.
///
/// For hidden states h₁…hₙ ∈ ℝᴰ and type α, with q_{i,α} = W_{q,α}h_i + b_{q,α} and k_{j,α} = W_{k,α}h_j + b_{k,α}
/// (each ℝᵈ), the score of the span starting at token i and ending at token j is
///
///     s_α(i, j) = (R_i q_{i,α})ᵀ (R_j k_{j,α}) / √d        (= q_{i,α}ᵀ R_{j−i} k_{j,α} / √d)
///
/// with R_m the RoPE rotation (post B3, `Variable.rope`) when `rope` is on. Reference semantics (bert4keras
/// `GlobalPointer`):
/// - one `Dense(D → 2·d·m)` (`dense`, LeCun-normal kernel, zero bias) whose output splits into m **contiguous**
///   chunks `[q (d) | k (d)]`, chunk α for type α (not interleaved, unlike `EfficientGlobalPointer`);
/// - RoPE with positions 0…n−1 on every head's q and k;
/// - division by √d **before** masking (bert4keras HEAD; the January 2022 code divided after masking with −1e12,
///   which only changes the value of masked cells);
/// - masked cells (padding rows and columns, and i > j with `triangleMask`) are −∞: see `SpanMask`.
///
/// Shapes: input `[b, n, D]`, output scores `[b, m, n, n]`, row = start i, column = end j.
/// Parameters: `(D + 1)·2d·m` (the weight and its bias), `2Dd` per type plus biases: the cost the Efficient
/// GlobalPointer post sets out to cut.
public final class GlobalPointer: Layer {
    /// `Dense(hiddenSize → 2·headSize·types)`; output channel `α·2d + c` is q's channel c of type α for c < d, and
    /// k's channel c − d for d ≤ c < 2d.
    public let dense: Dense
    /// m, the number of entity types (heads).
    public let types: Int
    /// d, the width of each q and k.
    public let headSize: Int
    /// Whether q and k are rotated by RoPE (relative positions); the GPLinker relation heads turn it off.
    public let useRoPE: Bool
    /// Whether cells with start > end are masked; the GPLinker relation heads turn it off.
    public let triangleMask: Bool

    public var parameters: [Variable] { dense.parameters }

    /// The parameter count of a GlobalPointer head without building one: `(D + 1)·2d·m`.
    public static func parameterCount(hiddenSize: Int, types: Int, headSize: Int) -> Int {
        (hiddenSize + 1) * 2 * headSize * types
    }

    /// - Parameters:
    ///   - hiddenSize: D, the encoder width.
    ///   - types: m.
    ///   - headSize: d (even when `rope` is on).
    ///   - rng: draws the kernel (LeCun normal, bert4keras' `kernel_initializer`).
    public init(
        hiddenSize: Int, types: Int, headSize: Int, rope: Bool = true, triangleMask: Bool = true,
        rng: inout SeededRNG, name: String = "globalPointer"
    ) {
        require(types >= 1 && headSize >= 1, "GlobalPointer: types \(types) and headSize \(headSize) must be ≥ 1")
        require(!rope || headSize % 2 == 0, "GlobalPointer: headSize \(headSize) must be even for RoPE")
        self.types = types
        self.headSize = headSize
        self.useRoPE = rope
        self.triangleMask = triangleMask
        dense = Dense(
            inputSize: hiddenSize, outputSize: 2 * headSize * types, initializer: .lecunNormal, rng: &rng,
            name: name + ".dense")
    }

    /// Span scores.
    /// - Parameters:
    ///   - h: `[b, n, D]`.
    ///   - mask: `[b][n]`, `true` for real tokens; `nil` when there is no padding.
    /// - Returns: `[b, m, n, n]`; masked cells are −∞.
    public func callAsFunction(_ h: Variable, mask: [[Bool]]? = nil) -> Variable {
        require(
            h.rank == 3 && h.shape[2] == dense.inputSize,
            "GlobalPointer: input \(h.shape) must be [batch, length, \(dense.inputSize)]")
        let (b, n, m, d) = (h.shape[0], h.shape[1], types, headSize)
        // [b, n, m·2d] → [b, n, m, 2d]: chunk α is [q | k] of type α (tf.split into `heads` pieces).
        var qk = dense(h).reshaped([b, n, m, 2 * d])
        if useRoPE {
            // q and k of every type rotate alike: view the chunks as 2m groups of width d at each position.
            qk = qk.reshaped([b, n, 2 * m, d]).rope(table: RoPETable(positions: n, dim: d), headsAfterPositions: true)
                .reshaped([b, n, m, 2 * d])
        }
        // einsum('bmhd,bnhd->bhmn') / √d, then the −∞ mask, in one op that reads the chunks in place.
        return qk.globalPointerScores(scale: 1 / Float(d).squareRoot(), padding: mask, triangle: triangleMask)
    }
}
