/// A lookup table of token vectors.
///
/// - `table`: `[vocabularySize, dimension]`.
/// - Input: integer ids in `0..<vocabularySize` with a shape; output `shape + [dimension]`.
/// The gradient of a row used several times is the sum over its uses. Parameter count `vocabularySize·dimension`.
public final class Embedding: Layer {
    /// `[vocabularySize, dimension]`.
    public let table: Variable

    /// The number of rows (ids 0..<vocabularySize).
    public var vocabularySize: Int { table.shape[0] }
    /// The width of each vector.
    public var dimension: Int { table.shape[1] }
    /// `[table]`.
    public var parameters: [Variable] { [table] }

    /// - Parameter initializer: default truncated normal with std 0.02 (BERT's embedding init).
    public init(
        vocabularySize: Int, dimension: Int, initializer: Initializer = .truncatedNormal(std: 0.02),
        rng: inout SeededRNG, name: String = "embedding"
    ) {
        table = Variable(
            initializer.make([vocabularySize, dimension], rng: &rng), requiresGrad: true,
            name: name + ".table")
    }

    /// Looks up `ids` (row-major, `ids.count == shape.reduce(1, *)`), returning `shape + [dimension]`.
    public func callAsFunction(_ ids: [Int], shape: [Int]) -> Variable {
        require(
            shape.reduce(1, *) == ids.count,
            "Embedding: ids of count \(ids.count) and shape \(shape) disagree")
        return table.gatherRows(ids).reshaped(shape + [dimension])
    }

    /// Looks up a 1-D sequence of ids: `[ids.count, dimension]`.
    public func callAsFunction(_ ids: [Int]) -> Variable {
        self(ids, shape: [ids.count])
    }
}
