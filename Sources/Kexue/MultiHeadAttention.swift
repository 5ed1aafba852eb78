/// Multi-head softmax self-attention (Vaswani et al. 2017) with optional biases and RoPE: the attention sublayer of
/// `BertLayer` (biases, optionally RoPE as in RoFormer v1) and of `RoFormerV2Layer` (no biases, RoPE in every head).
///
/// With `x` of shape `[b, n, h]`, `heads` heads of size `d = h / heads`:
/// `Q = xW_q (+b_q)`, `K = xW_k (+b_k)`, `V = xW_v (+b_v)`, split into heads; with `rotary`, RoPE (post B3,
/// interleaved pairs) rotates each head's q and k by their position; `A = softmax(QKᵀ/√d)` per head; the heads of
/// `AV` are concatenated and projected, `O = (AV)W_o (+b_o)`.
///
/// Parameter count: `4h² + (useBias ? 4h : 0)`.
/// Properties: every query sees every key (no masks: the book's sequences are never padded here); with `rotary`
/// the scores depend on positions only through their differences (RoPE's relative property), without it the layer
/// is permutation-equivariant.
public final class MultiHeadAttention: Layer {
    public let query: Dense, key: Dense, value: Dense, output: Dense
    /// The number of heads.
    public let heads: Int
    /// Whether RoPE rotates q and k.
    public let rotary: Bool
    /// The model width h (`heads · headSize`).
    public var hiddenSize: Int { query.inputSize }
    /// d = h / heads.
    public var headSize: Int { hiddenSize / heads }
    /// `[W_q, (b_q), W_k, (b_k), W_v, (b_v), W_o, (b_o)]`.
    public var parameters: [Variable] { [query, key, value, output].flatMap(\.parameters) }

    /// RoPE angles, grown on demand to the longest sequence seen.
    private var ropeTable: RoPETable?

    /// - Parameters:
    ///   - hiddenSize: h; must be a multiple of `heads`, and `h / heads` even when `rotary`.
    ///   - initializer: a function of the weight shape (RoFormerV2's initialiser depends on the fan).
    ///   - rng: draws W_q, W_k, W_v, W_o in that order.
    public init(hiddenSize: Int, heads: Int, useBias: Bool, rotary: Bool,
                initializer: (_ shape: [Int]) -> Initializer, rng: inout SeededRNG, name: String = "attention") {
        require(heads > 0 && hiddenSize % heads == 0,
                "MultiHeadAttention: hidden size \(hiddenSize) is not a multiple of \(heads) heads")
        require(!rotary || (hiddenSize / heads) % 2 == 0,
                "MultiHeadAttention: RoPE needs an even head size, got \(hiddenSize / heads)")
        let shape = [hiddenSize, hiddenSize]
        func dense(_ part: String) -> Dense {
            Dense(inputSize: hiddenSize, outputSize: hiddenSize, useBias: useBias, initializer: initializer(shape),
                  rng: &rng, name: "\(name).\(part)")
        }
        query = dense("query"); key = dense("key"); value = dense("value"); output = dense("output")
        self.heads = heads
        self.rotary = rotary
    }

    /// Self-attention over `x` of shape `[b, n, h]`; returns `[b, n, h]`.
    public func callAsFunction(_ x: Variable) -> Variable {
        require(x.rank == 3 && x.shape[2] == hiddenSize,
                "MultiHeadAttention: input \(x.shape) must be [batch, length, \(hiddenSize)]")
        let (b, n, d) = (x.shape[0], x.shape[1], headSize)
        // [b, n, h] → [b, n, heads, d]: the layout RoPE rotates per position, every head alike.
        func split(_ t: Variable) -> Variable { t.reshaped([b, n, heads, d]) }
        var q = split(query(x)), k = split(key(x))
        if rotary {
            let table = self.table(for: n)
            q = q.rope(table: table, headsAfterPositions: true)
            k = k.rope(table: table, headsAfterPositions: true)
        }
        // Heads before positions, so each (batch, head) pair is one matrix of the batched products.
        let qh = q.permuted([0, 2, 1, 3]), kh = k.permuted([0, 2, 1, 3])
        let vh = split(value(x)).permuted([0, 2, 1, 3])
        // 1/√d keeps the scores of unit-variance q and k at unit variance, whatever the head size.
        let scores = Variable.matmul(qh, kh, transposeB: true) * (1 / Float(d).squareRoot())
        let mixed = Variable.matmul(scores.softmax(), vh)  // [b, heads, n, d]
        return output(mixed.permuted([0, 2, 1, 3]).reshaped([b, n, hiddenSize]))
    }

    private func table(for n: Int) -> RoPETable {
        if let t = ropeTable, t.positions >= n { return t }
        let t = RoPETable(positions: Swift.max(n, 64), dim: headSize)
        ropeTable = t
        return t
    }
}
