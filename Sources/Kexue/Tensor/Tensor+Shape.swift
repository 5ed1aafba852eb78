// MARK: - Reshape, slicing, transpose, concatenation

extension Tensor {
    /// The same elements with a new shape (no copy: the buffer is shared until one side mutates).
    /// One dimension may be -1 and is inferred. Precondition: the element counts agree.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var dims = newShape
        let unknown = dims.indices.filter { dims[$0] == -1 }
        require(unknown.count <= 1, "reshape: \(shape) to \(newShape): at most one -1 allowed")
        if let u = unknown.first {
            let known = dims.enumerated().filter { $0.offset != u }.reduce(1) { $0 * $1.element }
            require(
                known > 0 && count % known == 0,
                "reshape: \(shape) to \(newShape): \(count) elements cannot be split that way")
            dims[u] = count / known
        }
        require(
            dims.allSatisfy { $0 >= 0 } && dims.reduce(1, *) == count,
            "reshape: \(shape) to \(newShape): element counts \(count) and \(dims.reduce(1, *)) differ")
        var t = self
        t.shape = dims
        return t
    }

    /// Shape `[count]`.
    public func flattened() -> Tensor { reshaped([count]) }

    /// Inserts a dimension of size 1 at `axis` (which may equal `rank`; negative counts from rank + 1).
    public func expandingShape(at axis: Int) -> Tensor {
        let a = Tensor.normalize(axis: axis, rank: rank + 1, op: "expandingShape", shape: shape)
        var s = shape
        s.insert(1, at: a)
        return reshaped(s)
    }

    /// Removes a dimension of size 1 at `axis`.
    public func squeezingShape(at axis: Int) -> Tensor {
        let a = Tensor.normalize(axis: axis, rank: rank, op: "squeezingShape", shape: shape)
        require(shape[a] == 1, "squeezingShape: axis \(axis) of \(shape) has size \(shape[a]), not 1")
        var s = shape
        s.remove(at: a)
        return reshaped(s)
    }

    /// Leading-axis slice `self[start..<end]`, keeping the axis: shape `[end-start] + shape[1...]`. Copies the
    /// contiguous range.
    public subscript(_ range: Range<Int>) -> Tensor {
        require(rank >= 1, "slice: cannot slice a scalar (shape [])")
        require(
            range.lowerBound >= 0 && range.upperBound <= shape[0],
            "slice: range \(range) out of bounds for leading axis of \(shape)")
        let inner = shape.dropFirst().reduce(1, *)
        var s = shape
        s[0] = range.count
        return Tensor(shape: s, scalars: Array(scalars[(range.lowerBound * inner)..<(range.upperBound * inner)]))
    }

    /// Leading-axis index `self[i]`, dropping the axis: shape `shape[1...]`.
    public subscript(_ index: Int) -> Tensor {
        require(rank >= 1, "index: cannot index a scalar (shape [])")
        require(index >= 0 && index < shape[0], "index: \(index) out of bounds for leading axis of \(shape)")
        return self[index..<(index + 1)].reshaped(Array(shape.dropFirst()))
    }

    /// Index the first axes by `i`, then `j`: `self[i, j]` has shape `shape[2...]`.
    public subscript(_ i: Int, _ j: Int) -> Tensor { self[i][j] }

    /// Swaps the last two axes: `[..., m, n]` to `[..., n, m]` (copies). Precondition: rank ≥ 2.
    public func transposed() -> Tensor {
        require(rank >= 2, "transposed: shape \(shape) has rank < 2")
        let m = shape[rank - 2], n = shape[rank - 1]
        let batch = count / Swift.max(m * n, 1)
        var s = shape
        s.swapAt(rank - 2, rank - 1)
        return withUnsafeBufferPointer { src in
            Tensor.buildOverwriting(s) { dst in
                for b in 0..<batch {
                    let base = b &* m &* n
                    for i in 0..<m { for j in 0..<n { dst[base &+ j &* m &+ i] = src[base &+ i &* n &+ j] } }
                }
            }
        }
    }

    /// The axes reordered: result axis i is input axis `axes[i]` (numpy's `transpose(axes)`), copied to a new
    /// contiguous tensor. E.g. `[b, n, h, d]` with `[0, 2, 1, 3]` gives `[b, h, n, d]` (heads before positions).
    /// Precondition: `axes` is a permutation of `0..<rank`.
    public func permuted(_ axes: [Int]) -> Tensor {
        require(axes.sorted() == Array(0..<rank), "permuted: \(axes) is not a permutation of the axes of \(shape)")
        if axes == Array(0..<rank) { return self }
        let outShape = axes.map { shape[$0] }
        let inStrides = strides
        // Walk the output in order with an odometer over its outer axes; the innermost output axis is a strided
        // loop over the input.
        let srcStrides = axes.map { inStrides[$0] }
        let inner = outShape.last ?? 1, innerStride = srcStrides.last ?? 1
        let outer = Array(outShape.dropLast()), outerStrides = Array(srcStrides.dropLast())
        return withUnsafeBufferPointer { src in
            Tensor.buildOverwriting(outShape) { dst in
                guard dst.count > 0, let x = src.baseAddress, let y = dst.baseAddress else { return }
                var counter = [Int](repeating: 0, count: outer.count)
                var offset = 0, o = 0
                for _ in 0..<(dst.count / inner) {
                    for j in 0..<inner { y[o &+ j] = x[offset &+ j &* innerStride] }
                    o &+= inner
                    var k = outer.count - 1
                    while k >= 0 {
                        counter[k] &+= 1
                        offset &+= outerStrides[k]
                        if counter[k] < outer[k] { break }
                        offset &-= outerStrides[k] &* outer[k]
                        counter[k] = 0
                        k -= 1
                    }
                }
            }
        }
    }

    /// Decomposes `shape` around `axis` into (outer, size of axis, inner) element counts.
    static func split(shape: [Int], at axis: Int) -> (outer: Int, axis: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Concatenates along `axis` (default: last); all other dimensions must agree.
    public static func concatenate(_ tensors: [Tensor], alongAxis axis: Int = -1) -> Tensor {
        require(!tensors.isEmpty, "concatenate: no tensors")
        let first = tensors[0]
        let a = normalize(axis: axis, rank: first.rank, op: "concatenate", shape: first.shape)
        for t in tensors {
            var s1 = first.shape, s2 = t.shape
            require(s1.count == s2.count, "concatenate: \(first.shape) and \(t.shape): ranks differ")
            s1[a] = 0; s2[a] = 0
            require(s1 == s2, "concatenate: \(first.shape) and \(t.shape): dimensions other than axis \(a) differ")
        }
        var outShape = first.shape
        outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
        let (outer, total, inner) = split(shape: outShape, at: a)
        // Row blocks copied through pointers (appending array slices cost a call per block).
        return Tensor.buildOverwriting(outShape) { dst in
            guard let out = dst.baseAddress else { return }
            var offset = 0
            for t in tensors {
                let w = t.shape[a] &* inner
                if w > 0 {
                    t.withUnsafeBufferPointer { src in
                        let x = src.baseAddress!
                        for o in 0..<outer {
                            let target: UnsafeMutablePointer<Float> = out + (o &* total &* inner &+ offset)
                            target.initialize(from: x + (o &* w), count: w)
                        }
                    }
                }
                offset &+= w
            }
        }
    }

    /// Splits along `axis` (default: last) into consecutive pieces of the given sizes, which must sum to the
    /// axis length. Inverse of `concatenate`.
    public func split(sizes: [Int], alongAxis axis: Int = -1) -> [Tensor] {
        let a = Tensor.normalize(axis: axis, rank: rank, op: "split", shape: shape)
        require(
            sizes.reduce(0, +) == shape[a] && sizes.allSatisfy { $0 >= 0 },
            "split: sizes \(sizes) do not sum to \(shape[a]), axis \(a) of \(shape)")
        let (outer, total, inner) = Tensor.split(shape: shape, at: a)
        var start = 0
        return withUnsafeBufferPointer { src in
            sizes.map { size in
                var s = shape
                s[a] = size
                let w = size &* inner, first = start
                start += size
                return Tensor.buildOverwriting(s) { dst in
                    guard w > 0, let out = dst.baseAddress, let x = src.baseAddress else { return }
                    for o in 0..<outer {
                        (out + (o &* w)).initialize(from: x + ((o &* total &+ first) &* inner), count: w)
                    }
                }
            }
        }
    }

    /// Rows of a 2-D table gathered by index: table `[V, D]`, indices of count n, result `[n, D]`.
    public func gatherRows(_ indices: [Int]) -> Tensor {
        require(rank == 2, "gatherRows: table shape \(shape) is not 2-D")
        let v = shape[0], d = shape[1]
        return withUnsafeBufferPointer { src in
            Tensor.buildOverwriting([indices.count, d]) { dst in
                for (r, ix) in indices.enumerated() {
                    require(ix >= 0 && ix < v, "gatherRows: index \(ix) out of range for table \(shape)")
                    for j in 0..<d { dst[r &* d &+ j] = src[ix &* d &+ j] }
                }
            }
        }
    }
}
