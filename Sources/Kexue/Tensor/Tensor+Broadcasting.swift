// MARK: - Element-wise binary operations with numpy broadcasting

extension Tensor {
    /// The numpy broadcast of two shapes: align trailing dimensions; each pair must be equal or contain a 1,
    /// and the result takes the larger. Precondition failure names `op` and both shapes.
    public static func broadcastShape(_ a: [Int], _ b: [Int], op: String = "broadcast") -> [Int] {
        let r = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let da = i < r - a.count ? 1 : a[i - (r - a.count)]
            let db = i < r - b.count ? 1 : b[i - (r - b.count)]
            require(
                da == db || da == 1 || db == 1,
                "\(op): \(a) and \(b): cannot broadcast, dimensions \(da) and \(db) differ at axis \(i - r)")
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// Element strides of a tensor of `shape` read as `target` (a broadcast of it): 0 on broadcast axes.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let pad = target.count - shape.count
        let own = Tensor.strides(of: shape)
        return (0..<target.count).map { i in
            i < pad || shape[i - pad] == 1 ? 0 : own[i - pad]
        }
    }

    /// The four arithmetic operators, dispatched outside the inner loops so each loop is a plain, vectorisable
    /// pointer loop (a closure called per element ran about 4× slower).
    enum Arithmetic { case add, subtract, multiply, divide }

    /// o[j] = x[j·ix] ∘ y[j·iy] for j < n, with strides 0 or 1 specialised.
    @inline(__always)
    static func arithmeticRow(
        _ op: Arithmetic, _ x: UnsafePointer<Float>, _ ix: Int, _ y: UnsafePointer<Float>,
        _ iy: Int, _ o: UnsafeMutablePointer<Float>, _ n: Int
    ) {
        @inline(__always) func run(_ f: (Float, Float) -> Float) {
            if ix == 1 && iy == 1 {
                for j in 0..<n { o[j] = f(x[j], y[j]) }
            } else if ix == 1 && iy == 0 {
                let c = y[0]
                for j in 0..<n { o[j] = f(x[j], c) }
            } else if ix == 0 && iy == 1 {
                let c = x[0]
                for j in 0..<n { o[j] = f(c, y[j]) }
            } else {
                for j in 0..<n { o[j] = f(x[j &* ix], y[j &* iy]) }
            }
        }
        switch op {
        case .add: run(+)
        case .subtract: run(-)
        case .multiply: run(*)
        case .divide: run(/)
        }
    }

    /// `f` applied element-wise over the broadcast of `a` and `b`.
    ///
    /// Adjacent axes that are contiguous in both operands are merged first, so `[n, d] ⊕ [n, d]` is one loop and
    /// `[b, n, d] ⊕ [d]` is a loop over rows with a contiguous inner loop.
    @inline(__always)
    static func zipWith(
        _ a: Tensor, _ b: Tensor, op: String, arithmetic: Arithmetic? = nil,
        _ f: (Float, Float) -> Float
    ) -> Tensor {
        let out = a.shape == b.shape ? a.shape : broadcastShape(a.shape, b.shape, op: op)
        let outStrides = (broadcastStrides(a.shape, to: out), broadcastStrides(b.shape, to: out))
        // Coalesce axes: drop size-1 axes and merge an axis into the previous one when both operands step
        // through them as one (stride[prev] == stride[cur] · dim[cur]).
        var dims = [Int](), sa = [Int](), sb = [Int]()
        for i in 0..<out.count where out[i] != 1 {
            let d = out[i], x = outStrides.0[i], y = outStrides.1[i]
            if let last = dims.indices.last, sa[last] == x &* d, sb[last] == y &* d {
                dims[last] &*= d; sa[last] = x; sb[last] = y
            } else {
                dims.append(d); sa.append(x); sb.append(y)
            }
        }
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                Tensor.buildOverwriting(out) { po in
                    guard po.count > 0 else { return }
                    guard let inner = dims.last else { po[0] = f(pa[0], pb[0]); return }
                    let ia = sa[sa.count - 1], ib = sb[sb.count - 1]
                    let outerRank = dims.count - 1
                    var counter = [Int](repeating: 0, count: outerRank)
                    var offA = 0, offB = 0, offO = 0
                    let rows = po.count / inner
                    for _ in 0..<rows {
                        if let arithmetic {
                            arithmeticRow(
                                arithmetic, pa.baseAddress! + offA, ia, pb.baseAddress! + offB, ib,
                                po.baseAddress! + offO, inner)
                        } else if ia == 1 && ib == 1 {
                            for j in 0..<inner { po[offO &+ j] = f(pa[offA &+ j], pb[offB &+ j]) }
                        } else if ia == 1 && ib == 0 {
                            let y = pb[offB]
                            for j in 0..<inner { po[offO &+ j] = f(pa[offA &+ j], y) }
                        } else if ia == 0 && ib == 1 {
                            let x = pa[offA]
                            for j in 0..<inner { po[offO &+ j] = f(x, pb[offB &+ j]) }
                        } else {
                            for j in 0..<inner { po[offO &+ j] = f(pa[offA &+ j &* ia], pb[offB &+ j &* ib]) }
                        }
                        offO &+= inner
                        // Odometer increment over the outer axes.
                        var k = outerRank - 1
                        while k >= 0 {
                            counter[k] &+= 1
                            offA &+= sa[k]; offB &+= sb[k]
                            if counter[k] < dims[k] { break }
                            offA &-= sa[k] &* dims[k]; offB &-= sb[k] &* dims[k]
                            counter[k] = 0
                            k -= 1
                        }
                    }
                }
            }
        }
    }

    /// `f` applied to every element; same shape.
    @inline(__always)
    public func map(_ f: (Float) -> Float) -> Tensor {
        withUnsafeBufferPointer { src in
            Tensor.buildOverwriting(shape) { dst in
                guard let x = src.baseAddress, let y = dst.baseAddress else { return }
                for i in 0..<src.count { y[i] = f(x[i]) }
            }
        }
    }

    // MARK: Operators

    /// Element-wise sum with broadcasting.
    public static func + (a: Tensor, b: Tensor) -> Tensor { zipWith(a, b, op: "add", arithmetic: .add) { $0 + $1 } }
    /// Element-wise difference with broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        zipWith(a, b, op: "subtract", arithmetic: .subtract) { $0 - $1 }
    }
    /// Element-wise product with broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        zipWith(a, b, op: "multiply", arithmetic: .multiply) { $0 * $1 }
    }
    /// Element-wise quotient with broadcasting (IEEE: x/0 is ±inf, 0/0 is NaN).
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        zipWith(a, b, op: "divide", arithmetic: .divide) { $0 / $1 }
    }

    /// Tensor-scalar and scalar-tensor arithmetic, element-wise (8 lanes at a time); same shape as the tensor.
    public static func + (a: Tensor, s: Float) -> Tensor { a.mapVector { $0 + Vec8(repeating: s) } }
    /// Each element of `a` minus `s`.
    public static func - (a: Tensor, s: Float) -> Tensor { a.mapVector { $0 - Vec8(repeating: s) } }
    /// Each element of `a` times `s`.
    public static func * (a: Tensor, s: Float) -> Tensor { a.mapVector { $0 * Vec8(repeating: s) } }
    /// Each element of `a` divided by `s` (IEEE: ±inf or NaN for `s` = 0).
    public static func / (a: Tensor, s: Float) -> Tensor { a.mapVector { $0 / Vec8(repeating: s) } }
    /// `s` plus each element of `a`.
    public static func + (s: Float, a: Tensor) -> Tensor { a.mapVector { Vec8(repeating: s) + $0 } }
    /// `s` minus each element of `a`.
    public static func - (s: Float, a: Tensor) -> Tensor { a.mapVector { Vec8(repeating: s) - $0 } }
    /// `s` times each element of `a`.
    public static func * (s: Float, a: Tensor) -> Tensor { a.mapVector { Vec8(repeating: s) * $0 } }
    /// `s` divided by each element of `a` (IEEE division).
    public static func / (s: Float, a: Tensor) -> Tensor { a.mapVector { Vec8(repeating: s) / $0 } }
    /// Element-wise negation.
    public static prefix func - (a: Tensor) -> Tensor { a.mapVector { -$0 } }

    /// In-place sum; `b` must broadcast to `a`'s shape (the shape of `a` does not change).
    public static func += (a: inout Tensor, b: Tensor) {
        if a.shape == b.shape {
            a.withUnsafeMutableBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in for i in 0..<pb.count { pa[i] += pb[i] } }
            }
            return
        }
        let s = broadcastShape(a.shape, b.shape, op: "add in place")
        require(s == a.shape, "add in place: \(a.shape) and \(b.shape): result shape \(s) differs from \(a.shape)")
        a = a + b
    }

    /// In-place difference; `b` must broadcast to `a`'s shape.
    public static func -= (a: inout Tensor, b: Tensor) { a += -b }
    /// In-place scaling by a scalar.
    public static func *= (a: inout Tensor, s: Float) {
        a.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] *= s } }
    }
}
