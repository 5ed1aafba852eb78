/// A node of the reverse-mode autodiff graph: a tensor value, its gradient, and how to send a gradient to its
/// inputs.
///
/// Design: a dynamic graph built as operations run (define-by-run, like micrograd and PyTorch). Each operation on
/// `Variable`s computes its value eagerly and records its inputs and a *pullback* closure mapping the gradient of
/// the output to the gradients of the inputs (same shapes as the inputs; `nil` for an input that needs none).
/// `backward()` sorts the graph reachable from the root topologically (iterative depth-first search, so deep
/// networks do not overflow the stack) and runs the pullbacks in reverse order, summing gradients that reach a
/// node along several paths.
///
/// Properties:
/// - Nodes none of whose inputs require a gradient record nothing (no closure, no inputs): inference builds no graph.
///   Inside `Variable.withoutGradients { … }` no node records anything, even one computed from parameters.
/// - Pullbacks capture input and output *tensors*, never nodes, so the graph has no reference cycles and is freed
///   when the root goes out of scope.
/// - Leaves (parameters) *accumulate* into `grad` across `backward()` calls, as in PyTorch; call `zeroGrad()` (or the
///   optimiser's) before each step. Intermediate nodes get their gradient overwritten by each `backward()`.
/// - Not thread-safe: one graph per thread.
public final class Variable {
    /// The value computed in the forward pass.
    public var value: Tensor
    /// ∂root/∂value after `backward()`, same shape as `value`; `nil` before.
    public var grad: Tensor?
    /// Whether gradients flow to this node (true for parameters and for any node computed from one).
    public let requiresGrad: Bool
    /// An optional label for reports (layer and parameter names).
    public var name: String

    private(set) var inputs: [Variable]
    private(set) var pullback: ((Tensor) -> [Tensor?])?

    /// A leaf: a constant input (`requiresGrad: false`) or a trainable parameter (`requiresGrad: true`).
    public init(_ value: Tensor, requiresGrad: Bool = false, name: String = "") {
        self.value = value
        self.requiresGrad = requiresGrad
        self.name = name
        self.inputs = []
        self.pullback = nil
    }

    /// An operation result. `pullback` maps the output gradient to one gradient (or `nil`) per input.
    /// If no input requires a gradient, the graph edge is dropped.
    public init(_ value: Tensor, inputs: [Variable], name: String = "", pullback: @escaping (Tensor) -> [Tensor?]) {
        self.value = value
        self.name = name
        let needed = Variable.isRecordingGradients && inputs.contains { $0.requiresGrad }
        self.requiresGrad = needed
        self.inputs = needed ? inputs : []
        self.pullback = needed ? pullback : nil
    }

    /// Releases the graph behind this node iteratively: a chain of thousands of nodes would otherwise be freed
    /// by nested `deinit`s and could overflow the stack.
    deinit {
        var pending = inputs
        inputs = []
        while var node = pending.popLast() {
            // Only a node this graph alone holds is about to die; take its inputs so its deinit does not recurse.
            if isKnownUniquelyReferenced(&node) {
                pending.append(contentsOf: node.inputs)
                node.inputs = []
                node.pullback = nil
            }
        }
    }

    /// The shape of `value`.
    public var shape: [Int] { value.shape }

    /// Whether this node is a leaf (a parameter or constant, not an operation result).
    public var isLeaf: Bool { pullback == nil }

    /// Clears the accumulated gradient.
    public func zeroGrad() { grad = nil }

    /// A constant node with the same value, cut from the graph (gradients do not flow through it).
    public func detached() -> Variable { Variable(value) }

    /// Reverse-mode sweep from this node. `seed` is ∂root/∂self (default: ones, which for a scalar loss gives
    /// ordinary gradients). Precondition: `seed` has this node's shape.
    public func backward(seed: Tensor? = nil) {
        let s = seed ?? Tensor.ones(value.shape)
        require(s.shape == value.shape, "backward: seed \(s.shape) and value \(value.shape) shapes differ")
        guard requiresGrad else { return }
        let order = topologicalOrder()
        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): s]
        for node in order.reversed() {
            guard let g = grads.removeValue(forKey: ObjectIdentifier(node)) else { continue }
            if let pb = node.pullback {
                node.grad = g
                let inputGrads = pb(g)
                require(inputGrads.count == node.inputs.count, "backward: pullback returned wrong arity")
                for (input, ig) in zip(node.inputs, inputGrads) where input.requiresGrad {
                    guard let ig else { continue }
                    require(
                        ig.shape == input.value.shape,
                        "backward: gradient \(ig.shape) for input of shape \(input.value.shape)")
                    let key = ObjectIdentifier(input)
                    // Accumulate in the dictionary's own storage: copying the entry out and back would make its
                    // buffer shared and copy it before every addition.
                    if let slot = grads.index(forKey: key) { grads.values[slot] += ig } else { grads[key] = ig }
                }
            } else {
                if node.grad != nil { node.grad! += g } else { node.grad = g }
            }
        }
    }

    /// Nodes reachable from `self` through inputs that require gradients, every node after its inputs.
    func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Variable, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            let id = ObjectIdentifier(node)
            if visited.contains(id) { continue }
            visited.insert(id)
            stack.append((node, true))
            for input in node.inputs where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }
}

extension Variable: CustomStringConvertible {
    /// `Variable(shape: [2, 3], requiresGrad: true)` and the value.
    public var description: String {
        "Variable(\(name.isEmpty ? "" : "\"\(name)\", ")shape: \(shape), requiresGrad: \(requiresGrad))\n\(value)"
    }
}
