/// An n-dimensional array of `Float`, row-major and contiguous.
///
/// Storage: a value type over a Swift `Array<Float>`, so copies share the buffer and copy-on-write happens only
/// when a shared tensor is mutated. `reshaped` shares the buffer (no copy); slicing the leading axes copies the
/// contiguous range (a single `memcpy`-like copy, since leading-axis slices of a row-major tensor are contiguous).
/// There are no strided views: every tensor is contiguous, so every kernel can take one pointer.
///
/// Shape `[]` is a scalar (one element). Zero-sized dimensions are allowed (`count == 0`).
/// Hot loops never index `scalars`; they take `withUnsafeBufferPointer` once (see cpu-performance.md, pitfall 4).
public struct Tensor: Sendable {
    /// The dimensions, outermost first.
    public internal(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public internal(set) var scalars: [Float]

    /// A tensor of the given shape over `scalars` (row-major). Precondition: the counts agree.
    public init(shape: [Int], scalars: [Float]) {
        require(shape.allSatisfy { $0 >= 0 }, "Tensor(shape:scalars:): negative dimension in \(shape)")
        let count = shape.reduce(1, *)
        require(
            count == scalars.count,
            "Tensor(shape:scalars:): shape \(shape) needs \(count) elements, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A 1-D tensor of shape `[scalars.count]`.
    public init(_ scalars: [Float]) {
        self.init(shape: [scalars.count], scalars: scalars)
    }

    /// A 2-D tensor from rows of equal length: shape `[rows.count, rows[0].count]`.
    public init(_ rows: [[Float]]) {
        let width = rows.first?.count ?? 0
        for (i, r) in rows.enumerated() {
            require(r.count == width, "Tensor(rows): row 0 has \(width) elements but row \(i) has \(r.count)")
        }
        self.init(shape: [rows.count, width], scalars: rows.flatMap { $0 })
    }

    /// A rank-0 tensor (shape `[]`) holding one value.
    public init(scalar: Float) {
        self.init(shape: [], scalars: [scalar])
    }

    // MARK: Shape

    /// The number of dimensions.
    public var rank: Int { shape.count }
    /// The number of elements, `shape.reduce(1, *)`.
    public var count: Int { scalars.count }

    /// The single element of a one-element tensor (any shape with count 1).
    public var scalar: Float {
        require(count == 1, "scalar: tensor of shape \(shape) has \(count) elements, not 1")
        return scalars[0]
    }

    /// Row-major strides in elements: `strides[i] = shape[(i+1)...].reduce(1, *)`.
    public var strides: [Int] { Tensor.strides(of: shape) }

    static func strides(of shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= shape[i]
        }
        return s
    }

    /// Resolves a possibly negative axis (-1 is the last) against `rank`, with a precondition naming `op`.
    static func normalize(axis: Int, rank: Int, op: String, shape: [Int]) -> Int {
        let a = axis < 0 ? axis + rank : axis
        require(a >= 0 && a < rank, "\(op): axis \(axis) out of range for shape \(shape)")
        return a
    }

    /// Flat row-major offset of a full index, with bounds preconditions.
    func offset(of index: [Int]) -> Int {
        require(index.count == rank, "element: index \(index) has \(index.count) components for shape \(shape)")
        var off = 0
        for (i, (ix, d)) in zip(index, shape).enumerated() {
            require(ix >= 0 && ix < d, "element: index \(index) out of range for shape \(shape) at axis \(i)")
            off = off * d + ix
        }
        return off
    }

    /// One element by full index, e.g. `t[at: 1, 2]`; negative indices are not allowed.
    public subscript(at index: Int...) -> Float {
        get { scalars[offset(of: index)] }
        set { scalars[offset(of: index)] = newValue }
    }

    // MARK: Raw access

    /// Calls `body` with a pointer to the contiguous row-major elements.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with a mutable pointer to the elements (copies first if the buffer is shared).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// A tensor of `shape` whose elements `body` writes through an uninitialised-then-zeroed buffer.
    /// `body` receives a zero-filled buffer of `shape.reduce(1, *)` elements.
    public static func build(_ shape: [Int], _ body: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        let n = shape.reduce(1, *)
        let values = [Float](unsafeUninitializedCapacity: n) { buf, initialized in
            buf.initialize(repeating: 0)
            body(buf)
            initialized = n
        }
        return Tensor(shape: shape, scalars: values)
    }

    /// Like `build`, but `body` receives an uninitialised buffer and must write every element (no zero fill: the
    /// kernels that overwrite their whole output skip a pass over memory).
    @inline(__always)
    static func buildOverwriting(_ shape: [Int], _ body: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        var n = 1
        for d in shape { n &*= d }
        let values = [Float](unsafeUninitializedCapacity: n) { buf, initialized in
            body(buf)
            initialized = n
        }
        return Tensor(uncheckedShape: shape, scalars: values)
    }

    /// A tensor whose shape and element count the caller guarantees to agree (no checks).
    @inline(__always)
    init(uncheckedShape shape: [Int], scalars: [Float]) {
        self.shape = shape
        self.scalars = scalars
    }
}

extension Tensor: Equatable {
    /// Exact equality of shapes and elements by `Float` `==` (0.0 == -0.0; NaN ≠ NaN, except that, as for Swift
    /// arrays, two tensors sharing one buffer compare equal without looking at the elements).
    public static func == (a: Tensor, b: Tensor) -> Bool {
        a.shape == b.shape && a.scalars == b.scalars
    }
}
