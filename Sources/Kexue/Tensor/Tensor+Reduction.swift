// MARK: - Reductions

extension Tensor {
    /// Reduces `axis` with a Double accumulator per output element, visiting the axis in index order (the result
    /// does not depend on blocking or threads).
    @inline(__always)
    private func reduce(
        axis: Int, keepdims: Bool, op: String,
        initial: Double, _ combine: (Double, Float) -> Double,
        finish: (Double) -> Float
    ) -> Tensor {
        let a = Tensor.normalize(axis: axis, rank: rank, op: op, shape: shape)
        let (outer, n, inner) = Tensor.split(shape: shape, at: a)
        var outShape = shape
        if keepdims { outShape[a] = 1 } else { outShape.remove(at: a) }
        var acc = [Double](repeating: initial, count: inner)
        return withUnsafeBufferPointer { src in
            acc.withUnsafeMutableBufferPointer { acc in
                Tensor.buildOverwriting(outShape) { dst in
                    for o in 0..<outer {
                        for j in 0..<inner { acc[j] = initial }
                        let base = o &* n &* inner
                        for i in 0..<n {
                            let row = base &+ i &* inner
                            for j in 0..<inner { acc[j] = combine(acc[j], src[row &+ j]) }
                        }
                        for j in 0..<inner { dst[o &* inner &+ j] = finish(acc[j]) }
                    }
                }
            }
        }
    }

    /// Sum over `axis` (negative counts from the end); the axis is removed, or kept with size 1 if `keepdims`.
    /// Accumulates in `Double` (for the last axis with `doubleSum`'s fixed four-way order). An empty axis sums to 0.
    public func sum(axis: Int, keepdims: Bool = false) -> Tensor {
        let a = Tensor.normalize(axis: axis, rank: rank, op: "sum", shape: shape)
        if a == rank - 1 { return lastAxisSums(keepdims: keepdims, scale: 1) }
        return reduce(axis: a, keepdims: keepdims, op: "sum", initial: 0, { $0 + Double($1) }, finish: { Float($0) })
    }

    /// Row sums over the last axis times `scale`, each row by `doubleSum`.
    private func lastAxisSums(keepdims: Bool, scale: Double) -> Tensor {
        let n = shape[rank - 1]
        var outShape = Array(shape.dropLast())
        if keepdims { outShape.append(1) }
        return withUnsafeBufferPointer { src in
            Tensor.buildOverwriting(outShape) { dst in
                guard let x = src.baseAddress else { dst.initialize(repeating: 0); return }
                for r in 0..<dst.count { dst[r] = Float(Tensor.doubleSum(x + r &* n, n) * scale) }
            }
        }
    }

    /// Σ x[0..<n] in `Double` with four interleaved partial sums (element i goes to sum i mod 4, combined as
    /// (s0 + s1) + (s2 + s3)): a fixed order, so deterministic, and four independent add chains instead of one
    /// latency-bound chain.
    @inline(__always)
    static func doubleSum(_ x: UnsafePointer<Float>, _ n: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        while i &+ 4 <= n {
            s0 += Double(x[i]); s1 += Double(x[i &+ 1]); s2 += Double(x[i &+ 2]); s3 += Double(x[i &+ 3])
            i &+= 4
        }
        while i < n { s0 += Double(x[i]); i &+= 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// Mean over `axis`, accumulated in `Double` (an empty axis gives NaN). Sum times 1/n for the last axis.
    public func mean(axis: Int, keepdims: Bool = false) -> Tensor {
        let a = Tensor.normalize(axis: axis, rank: rank, op: "mean", shape: shape)
        let n = Double(shape[a])
        if a == rank - 1 { return lastAxisSums(keepdims: keepdims, scale: 1 / n) }
        return reduce(
            axis: a, keepdims: keepdims, op: "mean", initial: 0, { $0 + Double($1) },
            finish: { Float($0 / n) })
    }

    /// Maximum over `axis` (an empty axis gives -inf; NaN elements are skipped unless all are NaN).
    public func max(axis: Int, keepdims: Bool = false) -> Tensor {
        reduce(
            axis: axis, keepdims: keepdims, op: "max", initial: -.infinity,
            { Double($1) > $0 ? Double($1) : $0 }, finish: { Float($0) })
    }

    /// Minimum over `axis` (an empty axis gives +inf).
    public func min(axis: Int, keepdims: Bool = false) -> Tensor {
        reduce(
            axis: axis, keepdims: keepdims, op: "min", initial: .infinity,
            { Double($1) < $0 ? Double($1) : $0 }, finish: { Float($0) })
    }

    /// Sum of all elements, accumulated in `Double` (`doubleSum`'s fixed order).
    public func sum() -> Float { Float(sumDouble()) }

    /// Sum of all elements in `Double` precision.
    public func sumDouble() -> Double {
        withUnsafeBufferPointer { p in p.baseAddress.map { Tensor.doubleSum($0, p.count) } ?? 0 }
    }

    /// Mean of all elements (NaN when empty).
    public func mean() -> Float { Float(sumDouble() / Double(count)) }

    /// Largest element (-inf when empty).
    public func max() -> Float { scalars.reduce(-Float.infinity) { $1 > $0 ? $1 : $0 } }

    /// Smallest element (+inf when empty).
    public func min() -> Float { scalars.reduce(Float.infinity) { $1 < $0 ? $1 : $0 } }

    /// Sum of squares in `Double` (the squared Frobenius norm).
    public func squaredNorm() -> Double {
        withUnsafeBufferPointer { p in
            var s = 0.0
            for i in 0..<p.count { s += Double(p[i]) * Double(p[i]) }
            return s
        }
    }

    /// Index of the largest element of each last-axis row (first one on ties): `count / shape.last` indices.
    public func argmaxLastAxis() -> [Int] {
        require(rank >= 1, "argmaxLastAxis: scalar shape []")
        let n = shape[rank - 1]
        require(n > 0, "argmaxLastAxis: empty last axis in \(shape)")
        return withUnsafeBufferPointer { p in
            (0..<(count / n)).map { r in
                var best = 0
                for j in 1..<n where p[r * n + j] > p[r * n + best] { best = j }
                return best
            }
        }
    }

    /// Sums over the axes along which `shape` was broadcast to reach `self.shape`: the adjoint of broadcasting,
    /// used to reduce gradients. Precondition: `shape` broadcasts to `self.shape`.
    public func sum(toShape target: [Int]) -> Tensor {
        if target == shape { return self }
        let b = Tensor.broadcastShape(target, shape, op: "sum(toShape:)")
        require(b == shape, "sum(toShape:): \(target) does not broadcast to \(shape)")
        var t = self
        let pad = rank - target.count
        // Leading axes that `target` lacks: sum them away.
        if pad > 0 {
            let lead = shape[..<pad].reduce(1, *)
            t = t.reshaped([lead] + Array(shape[pad...])).sum(axis: 0)
        }
        for (i, d) in target.enumerated() where d == 1 && t.shape[i] != 1 {
            t = t.sum(axis: i, keepdims: true)
        }
        return t.reshaped(target)
    }

    /// Whether `self` and `other` have the same shape and every pair satisfies
    /// `|a − b| ≤ atol + rtol·|b|` (numpy's `allclose`, asymmetric in `other`); NaN is never close.
    public func isClose(to other: Tensor, atol: Float = 1e-6, rtol: Float = 1e-5) -> Bool {
        guard shape == other.shape else { return false }
        return zip(scalars, other.scalars).allSatisfy { Swift.abs($0 - $1) <= atol + rtol * Swift.abs($1) }
    }
}
