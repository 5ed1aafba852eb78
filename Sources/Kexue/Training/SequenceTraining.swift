/// A model that maps a batch of token sequences to per-position logits, usable at any length.
public protocol SequenceModel: Layer {
    /// Logits `[size, length, classes]` for `tokens` (row-major `[size, length]`).
    func logits(tokens: [Int], size: Int, length: Int) -> Variable
}

/// The training and evaluation loops of the book's sequence experiments (chapters 5 and 6).
public enum SequenceTraining {
    /// Trains `model` on fresh batches of `task` at one `length` for `steps` Adam steps; returns each step's loss.
    ///
    /// - Parameters:
    ///   - beforeStep: called with the step index before each forward pass (e.g. to set a residual α).
    ///   - rng: the data stream (the model's initialisation is the caller's).
    public static func train(
        _ model: some SequenceModel, task: SyntheticSequenceTask, optimizer: Optimizer,
        steps: Int, batchSize: Int, length: Int, rng: inout SeededRNG,
        beforeStep: (Int) -> Void = { _ in }
    ) -> [Double] {
        var losses: [Double] = []
        losses.reserveCapacity(steps)
        for step in 0..<steps {
            beforeStep(step)
            let batch = task.batch(size: batchSize, length: length, rng: &rng)
            optimizer.zeroGrad()
            let loss = task.loss(
                logits: model.logits(tokens: batch.tokens, size: batchSize, length: length),
                batch: batch)
            loss.backward()
            optimizer.step()
            losses.append(Double(loss.value.scalar))
        }
        return losses
    }

    /// Accuracy on the scored positions of `batches` fresh batches of `batchSize` sequences at `length`.
    ///
    /// The forward passes run inside `Variable.withoutGradients`: no graph is kept, and GAU models take the fused
    /// attention kernel (`GatedAttentionUnit.fusedAttentionValues`), whose outputs differ from the composed
    /// graph's by rounding only, so an argmax can flip only between near-tied logits.
    public static func accuracy(
        _ model: some SequenceModel, task: SyntheticSequenceTask, length: Int,
        batches: Int, batchSize: Int, rng: inout SeededRNG
    ) -> Double {
        var correct = 0, scored = 0
        for _ in 0..<batches {
            let batch = task.batch(size: batchSize, length: length, rng: &rng)
            let logits = Variable.withoutGradients {
                model.logits(tokens: batch.tokens, size: batchSize, length: length).value
            }
            let r = task.correct(logits: logits, batch: batch)
            correct += r.correct
            scored += r.scored
        }
        return scored == 0 ? 0 : Double(correct) / Double(scored)
    }
}
