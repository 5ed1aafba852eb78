// MARK: - Evaluation without a graph (PyTorch's `torch.no_grad()`)

extension Variable {
    /// Whether operations record their inputs and pullbacks; false inside `withoutGradients`.
    ///
    /// A task-local value: outside Swift concurrency it lives in thread-local storage, so a scope opened on one
    /// thread (a seed of `Trials.run`) never switches recording off on another.
    @TaskLocal public static var isRecordingGradients = true

    /// Runs `body` with graph recording switched off: every operation result has `requiresGrad == false`, holds no
    /// inputs and no pullback, so an evaluation pass keeps no intermediate tensors alive and layers may dispatch to
    /// forward-only kernels (`GatedAttentionUnit` uses the fused Kernels `attention`). Values are those of the
    /// recording pass up to the rounding of such kernels; `backward()` on a result does nothing.
    /// Leaves keep their own `requiresGrad` (parameters stay parameters).
    public static func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
        try $isRecordingGradients.withValue(false, operation: body)
    }
}
