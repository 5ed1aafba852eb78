// The models the chapters train, built from Kexue's layers exactly as the chapters' setup snippets build them
// (same shapes, initialisers, seeds and first batch), each wrapped as one training step for `bench train`.

import Kexue

/// One chapter model's training step, and what the torch peer needs to build the same computation.
struct TrainCase {
    /// "ch3 GAU stack".
    let model: String
    /// The chapter's shapes, e.g. "b8 n16 d32 L16".
    let shape: String
    /// The peer's builder for this architecture (`gau_stack`, `transformer_stack`, `roformer_v2`).
    let peerModel: String
    /// The architecture's sizes and constants, a JSON object the peer reads.
    let config: String
    /// The batch every step uses, a JSON object (`ids`, `labels`; −1 labels are not scored).
    let batch: String
    /// The trainable leaves in the order the peer consumes them (their initial values are exported).
    let parameters: [Variable]
    /// Adam's constant rate (the chapter's), β and ε at their defaults on both sides.
    let learningRate: Float
    /// Residual sublayers plus the embedding norm and the read-out: the depth of the tolerance.
    let depth: Int
    /// zeroGrad, forward, loss, backward, Adam update; returns the loss (read as a training loop does).
    let step: () -> Float
}

/// Chapter 3: the histogram task (vocabulary 8, length 16, batch 8, 16 classes) and its two post-norm stacks at
/// 16 sublayers, d = 32: GAU (e = 64, s = 16, relu²/n, no RoPE, biases) and 8 Transformer blocks (2 heads,
/// f = 128, ReLU, LayerNorm ε 1e-5). Adam at 1e-3, seed 1, the first batch of the chapter's data stream.
func chapter3Cases() -> [TrainCase] {
    let vocabulary = 8, length = 16, batchSize = 8, classes = 16, d = 32, depth = 16
    var data = SeededRNG(seed: 2022 &+ 1)
    var ids: [Int] = [], labels: [Int] = []
    for _ in 0..<batchSize {
        let sequence = (0..<length).map { _ in data.uniformInt(below: vocabulary) }
        ids += sequence
        labels += sequence.map { t in sequence.filter { $0 == t }.count - 1 }
    }
    let batch = #"{"ids": \#(ids), "labels": \#(labels)}"#

    func stack(gau: Bool) -> TrainCase {
        var rng = SeededRNG(seed: 1)
        let embedding = Embedding(
            vocabularySize: vocabulary, dimension: d, initializer: .normal(mean: 0, std: 1),
            rng: &rng)
        let inputNorm = LayerNorm(dimension: d, epsilon: 1e-5)
        var gaus: [GatedAttentionUnit] = [], gauNorms: [LayerNorm] = [], blocks: [TransformerBlock] = []
        if gau {
            gaus = (0..<depth).map { _ in
                GatedAttentionUnit(dimension: d, hiddenSize: 2 * d, keySize: 16, useRoPE: false, rng: &rng)
            }
            gauNorms = (0..<depth).map { _ in LayerNorm(dimension: d, epsilon: 1e-5) }
        } else {
            blocks = (0..<depth / 2).map { _ in
                TransformerBlock(dimension: d, heads: 2, normPosition: .post, epsilon: 1e-5, rng: &rng)
            }
        }
        let readout = Dense(inputSize: d, outputSize: classes, rng: &rng)
        let parameters =
            embedding.parameters + inputNorm.parameters + gaus.flatMap(\.parameters)
            + gauNorms.flatMap(\.parameters) + blocks.flatMap(\.parameters) + readout.parameters
        let adam = Adam(parameters: parameters, learningRate: 1e-3)
        let step: () -> Float = {
            adam.zeroGrad()
            var h = inputNorm(embedding(ids, shape: [batchSize, length]))
            for (unit, norm) in zip(gaus, gauNorms) { h = norm(h + unit(h)) }
            for block in blocks { h = block(h) }
            let loss = Loss.softmaxCrossEntropy(logits: readout(h), labels: labels)
            loss.backward()
            adam.step()
            return loss.value.scalar
        }
        let config =
            gau
            ? #"{"batch": 8, "length": 16, "depth": 16, "hidden": 64, "key": 16, "eps": 1e-5}"#
            : #"{"batch": 8, "length": 16, "depth": 16, "heads": 2, "eps": 1e-5, "bias": true, "norm": "layer", "rope": false, "embedding_norm": "layer"}"#
        return TrainCase(
            model: gau ? "ch3 GAU stack" : "ch3 Transformer", shape: "b8 n16 d32 L16",
            peerModel: gau ? "gau_stack" : "transformer_stack", config: config, batch: batch,
            parameters: parameters, learningRate: 1e-3, depth: depth + 2, step: step)
    }
    return [stack(gau: true), stack(gau: false)]
}

/// Chapter 5: `TinyRoFormerV2` without ReZero: embedding (N(0, 1)), gain-free RMS norm, 6 RoFormerV2 layers
/// (h = 32, 2 heads, FFN 128 ReLU, no biases, RoPE, post RMS norm ε 1e-12) and a bias-free read-out, on the
/// masked noisy repeat (vocabulary 16 + mask), batches of 8 × 32, CE over the masked positions; Adam at 3e-3.
func chapter5Cases() -> [TrainCase] {
    let task = SyntheticSequenceTask(
        kind: .maskedNoisyRepeat(period: 5, noise: 0.1, maskRate: 0.15),
        vocabularySize: 16)
    let (h, heads, depth, batchSize, length) = (32, 2, 6, 8, 32)
    var data = SeededRNG(seed: 100 + 1)
    let b = task.batch(size: batchSize, length: length, rng: &data)
    var rng = SeededRNG(seed: 1)
    let embedding = Embedding(
        vocabularySize: task.inputVocabularySize, dimension: h,
        initializer: .normal(mean: 0, std: 1), rng: &rng)
    let layers = (0..<depth).map { _ in RoFormerV2Layer(hiddenSize: h, heads: heads, rng: &rng) }
    let head = Dense(
        inputSize: h, outputSize: task.vocabularySize, useBias: false,
        initializer: RoFormerV2Layer.initializer(for: [h, task.vocabularySize]), rng: &rng)
    let parameters = embedding.parameters + layers.flatMap(\.parameters) + head.parameters
    let adam = Adam(parameters: parameters, learningRate: 3e-3)
    let step: () -> Float = {
        adam.zeroGrad()
        var x = Variable.rmsNorm(embedding(b.tokens, shape: [batchSize, length]))
        for layer in layers { x = layer(x) }
        let loss = task.loss(logits: head(x), batch: b)
        loss.backward()
        adam.step()
        return loss.value.scalar
    }
    let config =
        #"{"batch": 8, "length": 32, "depth": 12, "heads": 2, "eps": 1e-12, "bias": false, "norm": "rms", "rope": true, "embedding_norm": "rms"}"#
    return [
        TrainCase(
            model: "ch5 RoFormerV2", shape: "b8 n32 h32 L6", peerModel: "transformer_stack",
            config: config, batch: #"{"ids": \#(b.tokens), "labels": \#(b.targets)}"#,
            parameters: parameters, learningRate: 3e-3, depth: 2 * depth + 2, step: step)
    ]
}

/// Chapter 1: `TinyEncoder` (D = 48, 4 heads, 2 pre-norm layers with RoPE, FFN 96, LayerNorm ε 1e-6, key padding
/// mask) under an `EfficientGlobalPointer` head (40 types, head size 16, padding and triangle masks), loss
/// `globalPointerCrossEntropy` (summed over types, mean over the batch); Adam at 5e-3; the first batch of 16
/// sentences of seed 1's shuffled training set (padded to its longest sentence).
func chapter1Cases() -> [TrainCase] {
    let data = SyntheticSpans(
        config: SyntheticSpans.Config(types: 40, compoundTypes: 10, maxEntities: 3),
        trainCount: 400, testCount: 200, seed: 8877)
    let seed: UInt64 = 1
    var rng = SeededRNG(seed: seed)
    let encoder = TinyEncoder(vocabularySize: data.vocabulary.count, hiddenSize: 48, heads: 4, layers: 2, rng: &rng)
    var headRNG = SeededRNG(seed: seed &+ 1)
    _ = GlobalPointer(hiddenSize: 48, types: 40, headSize: 16, rng: &headRNG)  // drawn first in the chapter
    let egp = EfficientGlobalPointer(hiddenSize: 48, types: 40, headSize: 16, rng: &headRNG)
    var order = SeededRNG(seed: seed &+ 2)
    let permutation = order.shuffled(Array(data.train.indices))
    let batch = SyntheticSpans.batch(permutation[0..<16].map { data.train[$0] })
    let parameters = encoder.parameters + egp.parameters
    let adam = Adam(parameters: parameters, learningRate: 5e-3)
    let step: () -> Float = {
        adam.zeroGrad()
        let hidden = encoder(batch.ids, batch: batch.batch, length: batch.length, mask: batch.mask)
        let loss = Loss.globalPointerCrossEntropy(scores: egp(hidden, mask: batch.mask), gold: batch.gold)
        loss.backward()
        adam.step()
        return loss.value.scalar
    }
    let n = batch.length
    let positives = Loss.globalPointerPositives(batch.gold, types: 40, length: n)
    let mask = batch.mask.flatMap { $0.map { $0 ? 1 : 0 } }
    let config = #"{"batch": 16, "length": \#(n), "layers": 2, "heads": 4, "eps": 1e-6, "types": 40, "head_size": 16}"#
    return [
        TrainCase(
            model: "ch1 encoder+EGP", shape: "b16 n\(n) D48 L2 m40", peerModel: "encoder_egp",
            config: config, batch: #"{"ids": \#(batch.ids), "mask": \#(mask), "positives": \#(positives)}"#,
            parameters: parameters, learningRate: 5e-3, depth: 2 * 2 + 2, step: step)
    ]
}

/// Chapter 6: `GAUSequenceModel` (2 GAUs, d = 64, e = 128, s = 32, RoPE, no biases, LeCun normal, gain-free RMS
/// post-norm ε 1e-12) on the local-majority task (3 tokens, window 5) at the training length 64, batches of 8,
/// CE over the scored positions (i ≥ 5); Adam at 2e-3; both normalisations the chapter trains (relu²/n with n the
/// actual length, and softmax).
func chapter6Cases() -> [TrainCase] {
    let task = SyntheticSequenceTask(kind: .localMajority(window: 5), vocabularySize: 3)
    let (batchSize, length, seed): (Int, Int, UInt64) = (8, 64, 1)
    var data = SeededRNG(seed: 1000 + seed)
    let b = task.batch(size: batchSize, length: length, rng: &data)
    func make(_ normalization: AttentionNormalization, _ name: String, _ attention: String) -> TrainCase {
        var rng = SeededRNG(seed: seed)
        let model = GAUSequenceModel(
            task: task, dimension: 64, hiddenSize: 128, keySize: 32, layers: 2,
            normalization: normalization, rng: &rng)
        let adam = Adam(parameters: model.parameters, learningRate: 2e-3)
        let step: () -> Float = {
            adam.zeroGrad()
            let loss = task.loss(logits: model.logits(tokens: b.tokens, size: batchSize, length: length), batch: b)
            loss.backward()
            adam.step()
            return loss.value.scalar
        }
        let config =
            #"{"batch": 8, "length": 64, "depth": 2, "hidden": 128, "key": 32, "eps": 1e-12, "bias": false, "#
            + #""rope": true, "norm": "rms", "attention": "\#(attention)"}"#
        return TrainCase(
            model: "ch6 GAU " + name, shape: "b8 n64 d64 L2", peerModel: "gau_stack", config: config,
            batch: #"{"ids": \#(b.tokens), "labels": \#(b.targets)}"#, parameters: model.parameters,
            learningRate: 2e-3, depth: 2 + 2, step: step)
    }
    return [make(.reluSquared(length: .actual), "relu2", "relu2"), make(.softmax, "softmax", "softmax")]
}

/// Chapter 2: `TinyEncoder` (D = 32, 2 heads, 2 layers, FFN 64) under a `GPLinker` (head size 16; entity head with
/// RoPE and the triangle mask, head and tail tables without), loss entity + head + tail `globalPointerCrossEntropy`;
/// Adam at 3e-3; both head kinds the chapter trains (GP and EGP). The batch: the middle one (by length) of the first
/// pool of 128 sentences of seed 1's stream, cut by `lengthBatches` into 8 batches of 16 (the chapter trains on all
/// eight in turn; the middle one has a typical length).
func chapter2Cases() -> [TrainCase] {
    let language = SyntheticRelations()
    let seed: UInt64 = 1
    var dataRNG = SeededRNG(seed: seed &+ 1_000)
    let pool = (0..<128).map { _ in language.sentence(rng: &dataRNG) }
    let sorted = pool.enumerated()
        .sorted { ($0.element.tokens.count, $0.offset) < ($1.element.tokens.count, $1.offset) }.map(\.element)
    let batch = language.batch(of: Array(sorted[64..<80]))
    let (b, n, predicates) = (batch.shape[0], batch.shape[1], language.predicates)
    let labels = batch.triples.map(GPLinker.labels)
    let mask = batch.mask.flatMap { $0.map { $0 ? 1 : 0 } }
    let batchJSON =
        #"{"ids": \#(batch.tokens), "mask": \#(mask), "#
        + #""entity": \#(Loss.globalPointerPositives(labels.map(\.entity), types: 2, length: n)), "#
        + #""head": \#(Loss.globalPointerPositives(labels.map(\.head), types: predicates, length: n)), "#
        + #""tail": \#(Loss.globalPointerPositives(labels.map(\.tail), types: predicates, length: n))}"#
    func make(_ kind: GPLinker.HeadKind) -> TrainCase {
        var rng = SeededRNG(seed: seed)
        let encoder = TinyEncoder(
            vocabularySize: language.vocabularySize, hiddenSize: 32, heads: 2, layers: 2,
            rng: &rng)
        let linker = GPLinker(hiddenSize: 32, predicates: predicates, headSize: 16, kind: kind, rng: &rng)
        let parameters = encoder.parameters + linker.parameters
        let adam = Adam(parameters: parameters, learningRate: 3e-3)
        let step: () -> Float = {
            adam.zeroGrad()
            let h = encoder(batch.tokens, batch: b, length: n, mask: batch.mask)
            let loss = GPLinker.loss(linker(h, mask: batch.mask), gold: batch.triples)
            loss.backward()
            adam.step()
            return loss.value.scalar
        }
        let config =
            #"{"batch": \#(b), "length": \#(n), "layers": 2, "heads": 2, "eps": 1e-6, "head_size": 16, "#
            + #""predicates": \#(predicates), "kind": "\#(kind.rawValue)"}"#
        return TrainCase(
            model: "ch2 GPLinker " + (kind == .efficient ? "EGP" : "GP"),
            shape: "b\(b) n\(n) D32 L2 P\(predicates)", peerModel: "gplinker", config: config,
            batch: batchJSON, parameters: parameters, learningRate: 3e-3, depth: 2 * 2 + 2, step: step)
    }
    return [make(.standard), make(.efficient)]
}
