// MARK: - Differentiable reshaping, slicing, concatenation and gathering

extension Variable {
    /// Same elements, new shape (one -1 allowed); the gradient is reshaped back.
    public func reshaped(_ newShape: [Int]) -> Variable {
        let s = shape
        return Variable(value.reshaped(newShape), inputs: [self]) { g in [g.reshaped(s)] }
    }

    /// The axes reordered as `Tensor.permuted`; the gradient is permuted back by the inverse permutation.
    public func permuted(_ axes: [Int]) -> Variable {
        var inverse = [Int](repeating: 0, count: axes.count)
        for (i, a) in axes.enumerated() where a >= 0 && a < axes.count { inverse[a] = i }
        return Variable(value.permuted(axes), inputs: [self]) { g in [g.permuted(inverse)] }
    }

    /// Leading-axis slice keeping the axis; the gradient is zero outside the range.
    public subscript(_ range: Range<Int>) -> Variable {
        let s = shape
        return Variable(value[range], inputs: [self]) { g in
            let inner = s.dropFirst().reduce(1, *)
            var full = Tensor.zeros(s)
            full.withUnsafeMutableBufferPointer { p in
                g.withUnsafeBufferPointer { q in
                    let base = range.lowerBound &* inner
                    for i in 0..<q.count { p[base &+ i] = q[i] }
                }
            }
            return [full]
        }
    }

    /// Leading-axis index dropping the axis: shape `shape[1...]`.
    public subscript(_ index: Int) -> Variable {
        self[index..<(index + 1)].reshaped(Array(shape.dropFirst()))
    }

    /// Concatenation along `axis` (default last); each input receives its slice of the gradient.
    public static func concatenate(_ parts: [Variable], alongAxis axis: Int = -1) -> Variable {
        require(!parts.isEmpty, "concatenate: no variables")
        let a = Tensor.normalize(axis: axis, rank: parts[0].rank, op: "concatenate", shape: parts[0].shape)
        let sizes = parts.map { $0.shape[a] }
        return Variable(Tensor.concatenate(parts.map(\.value), alongAxis: a), inputs: parts) { g in
            g.split(sizes: sizes, alongAxis: a).map { Optional($0) }
        }
    }

    /// Splits along `axis` (default last) into pieces of the given sizes; the inverse of `concatenate`.
    /// Each piece's gradient is placed back at its position, zeros elsewhere.
    public func split(sizes: [Int], alongAxis axis: Int = -1) -> [Variable] {
        let a = Tensor.normalize(axis: axis, rank: rank, op: "split", shape: shape)
        let pieces = value.split(sizes: sizes, alongAxis: a)
        let s = shape
        let (outer, total, inner) = Tensor.split(shape: s, at: a)
        var offsets = [Int](), start = 0
        for size in sizes { offsets.append(start); start += size }
        return pieces.indices.map { i in
            Variable(pieces[i], inputs: [self]) { g in
                // g in its block and zeros elsewhere, written directly (the values of concatenating g with zero
                // blocks, without building the blocks).
                let w = sizes[i] &* inner, first = offsets[i] &* inner, row = total &* inner
                return [
                    g.withUnsafeBufferPointer { src in
                        Tensor.buildOverwriting(s) { dst in
                            guard let out = dst.baseAddress else { return }
                            for o in 0..<outer {
                                let r: UnsafeMutablePointer<Float> = out + (o &* row)
                                r.initialize(repeating: 0, count: first)
                                if w > 0 { (r + first).initialize(from: src.baseAddress! + (o &* w), count: w) }
                                (r + (first &+ w)).initialize(repeating: 0, count: row &- first &- w)
                            }
                        }
                    }
                ]
            }
        }
    }

    /// Rows of a 2-D table `[V, D]` gathered by index: `[indices.count, D]` (an embedding lookup). The gradient is
    /// scatter-added: a row used twice receives the sum.
    public func gatherRows(_ indices: [Int]) -> Variable {
        let s = shape
        return Variable(value.gatherRows(indices), inputs: [self]) { g in
            let d = s[1]
            var full = Tensor.zeros(s)
            full.withUnsafeMutableBufferPointer { p in
                g.withUnsafeBufferPointer { q in
                    for (r, ix) in indices.enumerated() {
                        for j in 0..<d { p[ix &* d &+ j] += q[r &* d &+ j] }
                    }
                }
            }
            return [full]
        }
    }
}
