/// Efficient GlobalPointer (Su, kexue.fm/archives/8877): one shared span scorer ("extraction") plus a cheap
/// per-type linear term ("classification").
///
/// With x_i = W h_i + c ∈ ℝ²ᵈ (`projection`, shared by every type), q_i its even channels and k_i its odd channels,
/// the post's final form s_α(i, j) = q_iᵀk_j + w_αᵀ[q_i; k_i; q_j; k_j] is, in the reference code (bert4keras
/// `EfficientGlobalPointer`, January 2022 and HEAD alike):
///
///     s_α(i, j) = (R_i q_i)ᵀ(R_j k_j)/√d + ½(u_{2α+1}ᵀ x_i + c_{2α+1}) + ½(u_{2α}ᵀ x_j + c_{2α})
///
/// where u_k, c_k are column k of the kernel and the bias of `typeBias` (`Dense(2d → 2m)`). Properties:
/// - q and k are **interleaved** in x (`x[..., ::2]`, `x[..., 1::2]`), unlike GlobalPointer's contiguous chunks;
/// - RoPE (positions 0…n−1) rotates q and k only; the bias reads the **un-rotated** x;
/// - the division by √d applies to the inner product only, before the bias terms are added;
/// - the **odd** unit 2α+1 depends on the row (start i), the **even** unit 2α on the column (end j), each halved;
/// - the inner product is the same for every type: types differ only by the additive bias, so all m score
///   matrices share one ranking of spans up to a per-type row and column offset;
/// - masked cells are −∞ (`SpanMask`; padding rows and columns, and i > j with `triangleMask`).
///
/// Shapes: input `[b, n, D]`, output `[b, m, n, n]` (row = start, column = end).
/// Parameters: `(D + 1)·2d + (2d + 1)·2m`: a fixed `(D + 1)·2d` plus `4d + 2` per type (the post's "4d", biases
/// included), against GlobalPointer's `(D + 1)·2d` per type.
public final class EfficientGlobalPointer: Layer {
    /// `Dense(D → 2d)`, bert4keras `dense_1` / `p_dense`; even output channels are q, odd ones k.
    public let projection: Dense
    /// `Dense(2d → 2m)`, bert4keras `dense_2` / `q_dense`; unit 2α+1 is type α's start term, unit 2α its end term.
    public let typeBias: Dense
    /// m, the number of entity types.
    public let types: Int
    /// d, the width of the shared q and k.
    public let headSize: Int
    /// Whether q and k are rotated by RoPE.
    public let useRoPE: Bool
    /// Whether cells with start > end are masked.
    public let triangleMask: Bool

    /// `[projection.weight, projection.bias, typeBias.weight, typeBias.bias]`.
    public var parameters: [Variable] { projection.parameters + typeBias.parameters }

    /// The parameter count without building a head: `(D + 1)·2d + (2d + 1)·2m`.
    public static func parameterCount(hiddenSize: Int, types: Int, headSize: Int) -> Int {
        (hiddenSize + 1) * 2 * headSize + (2 * headSize + 1) * 2 * types
    }

    /// - Parameters: as `GlobalPointer`; `rng` draws the projection's kernel, then the type bias's (LeCun normal).
    public init(
        hiddenSize: Int, types: Int, headSize: Int, rope: Bool = true, triangleMask: Bool = true,
        rng: inout SeededRNG, name: String = "efficientGlobalPointer"
    ) {
        require(
            types >= 1 && headSize >= 1,
            "EfficientGlobalPointer: types \(types) and headSize \(headSize) must be ≥ 1")
        require(!rope || headSize % 2 == 0, "EfficientGlobalPointer: headSize \(headSize) must be even for RoPE")
        self.types = types
        self.headSize = headSize
        self.useRoPE = rope
        self.triangleMask = triangleMask
        projection = Dense(
            inputSize: hiddenSize, outputSize: 2 * headSize, initializer: .lecunNormal, rng: &rng,
            name: name + ".projection")
        typeBias = Dense(
            inputSize: 2 * headSize, outputSize: 2 * types, initializer: .lecunNormal, rng: &rng,
            name: name + ".typeBias")
    }

    /// The three pieces of the unmasked score, s_α(i, j) = shared(i, j) + start_α(i) + end_α(j):
    /// - `shared`: `[b, n, n]`, (R_i q_i)ᵀ(R_j k_j)/√d, the same for every type ("extraction");
    /// - `start`: `[b, m, n]`, ½(u_{2α+1}ᵀx_i + c_{2α+1}), the odd units, added along rows;
    /// - `end`: `[b, m, n]`, ½(u_{2α}ᵀx_j + c_{2α}), the even units, added along columns.
    /// `callAsFunction` adds them with broadcasting and then the mask.
    public func components(_ h: Variable) -> (shared: Variable, start: Variable, end: Variable) {
        require(
            h.rank == 3 && h.shape[2] == projection.inputSize,
            "EfficientGlobalPointer: input \(h.shape) must be [batch, length, \(projection.inputSize)]")
        let (b, n, m, d) = (h.shape[0], h.shape[1], types, headSize)
        let x = projection(h)  // [b, n, 2d]
        // Channel 2c is q's channel c and 2c+1 is k's: view as [b, n, d, 2], move the pair axis forward, split.
        let qk = x.reshaped([b, n, d, 2]).permuted([0, 1, 3, 2]).split(sizes: [1, 1], alongAxis: 2)
        var q = qk[0].reshaped([b, n, d]), k = qk[1].reshaped([b, n, d])
        if useRoPE {
            let table = RoPETable(positions: n, dim: d)
            q = q.rope(table: table)
            k = k.rope(table: table)
        }
        let shared = Variable.matmul(q, k, transposeB: true) / Float(d).squareRoot()
        // einsum('bnh->bhn', dense_2(x)) / 2 on the un-rotated x, then units (2α, 2α+1) side by side: [b, m, 2, n].
        let units = (typeBias(x).permuted([0, 2, 1]) / 2).reshaped([b, m, 2, n]).split(sizes: [1, 1], alongAxis: 2)
        return (shared, units[1].reshaped([b, m, n]), units[0].reshaped([b, m, n]))
    }

    /// Span scores.
    /// - Parameters:
    ///   - h: `[b, n, D]`.
    ///   - mask: `[b][n]`, `true` for real tokens; `nil` when there is no padding.
    /// - Returns: `[b, m, n, n]`; masked cells are −∞.
    public func callAsFunction(_ h: Variable, mask: [[Bool]]? = nil) -> Variable {
        let (b, n, m) = (h.shape[0], h.shape[1], types)
        let parts = components(h)
        let scores =
            parts.shared.reshaped([b, 1, n, n])
            + parts.start.reshaped([b, m, n, 1])  // odd units: along rows i (start)
            + parts.end.reshaped([b, m, 1, n])  // even units: along columns j (end)
        guard let additive = SpanMask.additive(padding: mask, batch: b, length: n, triangle: triangleMask) else {
            return scores
        }
        return scores + additive
    }
}
