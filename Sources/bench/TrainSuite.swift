// `bench train`: one training step (forward, backward, Adam update) of each model the chapters train, ours
// (Kexue) against the same model in torch eager, from the same initial weights on the same batch, interleaved
// in one run at each thread count. Before timing, each case's first two losses are compared: the timing is
// only reported for cases whose first-step losses agree within the tolerance below.

import Foundation
import Kernels
import Kexue

/// The suite. Cases: chapter 3's GAU and Transformer stacks, chapter 5's RoFormerV2 stack (`TrainModels.swift`).
struct TrainSuite {
    let threadCounts: [Int]
    let rounds: Int
    /// Seconds of steps per round and side (at least 0.1 s: a step takes milliseconds).
    let seconds: Double
    let filter: String?
    let noPeer: Bool
    /// torch's Adam: `fused` (one kernel over all parameters, the fastest on CPU), `foreach`, or `loop` (torch's
    /// default on CPU: one small update per parameter tensor).
    let torchAdam: String
    /// Scales every weight the peer receives by 1 + this (0 normally): the check's own test, since any
    /// perturbation of 1e-4 must make every case fail (`bench train --perturb 1e-4` exits 1).
    var perturb: Float = 0

    /// The agreement bound on the first step's loss: |ours − torch| ≤ 4·D·ulp(max(1, |loss|)), D the case's depth.
    /// Why: each sublayer sums in another order and rounds its elementwise ops (exp, rsqrt, swish) its own way, so
    /// its output differs by a few ulps relative; the norms keep the activations at unit scale, so the layers'
    /// differences add rather than multiply (D of them); the loss, a mean over the batch's rows, carries about the
    /// same relative difference (the rows' differences average). Measured: 0 to 1 ulp on every case. A real
    /// difference in the computation lands above it: `--perturb 1e-4` (every weight sent to torch × 1.0001) fails
    /// all eight cases (chapter 3: 7.6e-5 and 1.0e-4 against bounds of 1.7e-5); `--perturb 1e-6` passes them all.
    static func tolerance(_ c: TrainCase, loss: Float) -> Double {
        4 * Double(c.depth) * Double(max(1, abs(loss)).ulp)
    }

    /// The second loss (after one Adam update) is compared more loosely: Adam's first update is ≈ lr·sign(g)
    /// per weight, so a gradient within rounding of 0 can move its weight by up to 2·lr in one implementation
    /// and not the other. Bound: the first-step tolerance plus lr·max(1, |loss|) (measured differences are
    /// far below it; a wrong gradient moves the loss by more than lr).
    static func secondTolerance(_ c: TrainCase, loss: Float) -> Double {
        tolerance(c, loss: loss) + Double(c.learningRate) * max(1, Double(abs(loss)))
    }

    func run(json: Bool) throws {
        let started = now()
        let cases =
            (chapter3Cases() + chapter5Cases() + chapter1Cases() + chapter6Cases()
            + chapter2Cases()).filter { c in filter.map { c.model.contains($0) } ?? true }
        let hasTorch = !noPeer && PeerLibrary.torch.isAvailable
        var peers: [Int: PeerProcess] = [:]
        if hasTorch {
            for t in threadCounts { peers[t] = try PeerProcess(.torch, threads: t, script: torchTrainPeerScript) }
        }
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("bench-train-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: folder) }

        if !json {
            print(
                "Training-step bench: one step (forward, backward, Adam) of the chapters' models, ours vs "
                    + (hasTorch ? peers.values.first!.versionLine + " eager (Adam: \(torchAdam))" : "no peer")
                    + "; interleaved rounds = \(rounds), medians.")
            if !hasTorch && !noPeer {
                print("torch is not installed: its columns are skipped (install: \(PeerLibrary.torch.installHint)).")
            }
        }
        var failures: [String] = []
        var rows: [(TrainCase, Int, Double, Double?)] = []
        for (index, c) in cases.enumerated() {
            // Export before our first step, so both sides start from the same weights.
            let caseFolder = folder.appendingPathComponent("case\(index)")
            try exportParameters(c.parameters, to: caseFolder, scale: 1 + perturb)
            let ours = [ourStep(c, threads: 1), ourStep(c, threads: 1)]
            var agreed = true
            for t in threadCounts {
                guard let peer = peers[t] else { continue }
                let answer = try peer.request(
                    #"{"op": "load", "key": "\#(index)", "model": "\#(c.peerModel)", "config": \#(c.config), "#
                        + #""batch": \#(c.batch), "folder": "\#(caseFolder.path)", "lr": \#(c.learningRate), "adam": "\#(torchAdam)"}"#
                )
                guard let object = try? JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any],
                    let losses = object["losses"] as? [Double], losses.count == 2
                else { throw BenchError.peer("bad answer '\(answer)' to load \(c.model)") }
                let d1 = abs(Double(ours[0]) - losses[0]), d2 = abs(Double(ours[1]) - losses[1])
                let tol1 = TrainSuite.tolerance(c, loss: ours[0]), tol2 = TrainSuite.secondTolerance(c, loss: ours[1])
                let ok = d1 <= tol1 && d2 <= tol2
                agreed = agreed && ok
                if json {
                    print(
                        #"{"check": "\#(c.model)", "threads": \#(t), "our_loss": [\#(ours[0]), \#(ours[1])], "#
                            + #""torch_loss": [\#(losses[0]), \#(losses[1])], "difference": [\#(fmt(d1)), \#(fmt(d2))], "#
                            + #""tolerance": [\#(fmt(tol1)), \#(fmt(tol2))], "agree": \#(ok)}"#)
                } else {
                    print(
                        String(
                            format: "%@%d thr: loss ours %.7f torch %.7f |Δ| %.2g (tol %.2g); after one Adam "
                                + "step ours %.7f torch %.7f |Δ| %.2g (tol %.2g)%@", pad(c.model, 18), t,
                            ours[0], losses[0], d1, tol1, ours[1], losses[1], d2, tol2, ok ? "" : "  DISAGREE"))
                }
            }
            guard agreed else {
                let message = "\(c.model): our loss and torch's disagree beyond the tolerance; not timed"
                FileHandle.standardError.write(Data(("FAILED " + message + "\n").utf8))
                failures.append(message)
                continue
            }
            for t in threadCounts {
                let peer = peers[t]
                // Warm-up and calibration of both sides.
                _ = ourStep(c, threads: t)
                let t0 = now(); _ = ourStep(c, threads: t); let one = max(now() - t0, 1e-7)
                let budget = max(seconds, 0.1)
                let repsOurs = max(1, Int(budget / one))
                let repsPeer = try peer.flatMap { try timePeer($0, key: index, reps: 1) }
                    .map { max(1, Int(budget / max($0, 1e-7))) }
                var oursTimes: [Double] = [], theirs: [Double] = []
                for _ in 0..<rounds {
                    let s = now()
                    for _ in 0..<repsOurs { _ = ourStep(c, threads: t) }
                    oursTimes.append((now() - s) / Double(repsOurs))
                    if let peer, let repsPeer, let time = try timePeer(peer, key: index, reps: repsPeer) {
                        theirs.append(time)
                    }
                }
                rows.append((c, t, median(oursTimes), theirs.isEmpty ? nil : median(theirs)))
            }
        }

        // torch is often slower on two threads than on one at these sizes: `best` is its fastest time at any
        // thread count up to this row's, so that /best never flatters us.
        func best(_ c: TrainCase, upTo t: Int) -> Double? {
            rows.filter { $0.0.model == c.model && $0.1 <= t }.compactMap(\.3).min()
        }
        if json {
            for (c, t, ours, torch) in rows {
                let torchName = peers[t]?.versionLine
                print(
                    #"{"kernel": "train \#(c.model)", "shape": "\#(c.shape)", "threads": \#(t), "#
                        + #""ours": \#(fmt(ours * 1e3)), "unit": "ms/step", "torch": \#(torch.map { fmt($0 * 1e3) } ?? "null"), "#
                        + #""torch_name": \#(torchName.map { "\"\($0) eager, Adam \(torchAdam)\"" } ?? "null"), "#
                        + #""torch_ratio": \#(torch.map { fmt($0 / ours) } ?? "null"), "#
                        + #""best_ratio": \#(best(c, upTo: t).map { fmt($0 / ours) } ?? "null")}"#)
            }
        } else {
            print("")
            print(
                pad("model", 18) + pad("shapes", 20) + pad("thr", 4) + lpad("ours ms", 10) + lpad("torch ms", 10)
                    + lpad("/torch", 9) + lpad("/best", 9))
            for (c, t, ours, torch) in rows {
                print(
                    pad(c.model, 18) + pad(c.shape, 20) + pad("\(t)", 4) + lpad(String(format: "%.3f", ours * 1e3), 10)
                        + lpad(torch.map { String(format: "%.3f", $0 * 1e3) } ?? "-", 10)
                        + lpad(torch.map { String(format: "%.2fx", $0 / ours) } ?? "-", 9)
                        + lpad(best(c, upTo: t).map { String(format: "%.2fx", $0 / ours) } ?? "-", 9))
            }
            print(
                String(
                    format: "\n(ms per training step, median of interleaved rounds; /torch: torch's time at the same "
                        + "thread count over ours, so above 1 we are faster; /best: torch's fastest time at up to as "
                        + "many threads over ours. Goal ≥ 2x.) Total %.0f s.", now() - started))
        }
        if !failures.isEmpty {
            throw BenchError.peer("training-step check failed: " + failures.joined(separator: "; "))
        }
    }

    /// One step of ours with at most `threads` threads. One thread: the step runs as part 0 of a two-part job,
    /// which holds the kernels' worker, so every kernel inside runs both its parts on this thread (as nested
    /// calls in `Trials` do); the worker, given an empty part 1, idles. Two: the kernels' default policy.
    private func ourStep(_ c: TrainCase, threads: Int) -> Float {
        if threads >= 2 { return c.step() }
        var loss: Float = 0
        runParts(threads: 2) { part in if part == 0 { loss = c.step() } }
        return loss
    }

    private func timePeer(_ peer: PeerProcess, key: Int, reps: Int) throws -> Double? {
        let answer = try peer.request(#"{"op": "time", "key": "\#(key)", "reps": \#(reps)}"#)
        guard let t = Double(answer) else { throw BenchError.peer("bad answer '\(answer)' to time case \(key)") }
        return t
    }

    private func fmt(_ x: Double) -> String { String(format: "%.4g", x) }
}

/// Writes the parameters' current values as fp32 little-endian (`weights.bin`, one array after another) with an
/// index (`index.json`: per parameter its name, shape, offset in floats, and whether it is a `Dense` weight, which
/// Kexue stores `[in, out]` and torch's `nn.Linear` `[out, in]`; Dense names its weight `<name>.weight`).
/// `scale` multiplies every value (1: the weights as they are; `--perturb` only).
func exportParameters(_ parameters: [Variable], to folder: URL, scale: Float = 1) throws {
    precondition(UInt32(1).littleEndian == 1, "exportParameters writes the host's byte order, assumed little-endian")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var scalars: [Float] = [], entries: [String] = []
    for p in parameters {
        entries.append(
            #"{"name": "\#(p.name)", "shape": \#(p.shape), "offset": \#(scalars.count), "#
                + #""dense": \#(p.name.hasSuffix(".weight") && p.shape.count == 2)}"#)
        scalars += scale == 1 ? p.value.scalars : p.value.scalars.map { $0 * scale }
    }
    try scalars.withUnsafeBytes { Data($0) }.write(to: folder.appendingPathComponent("weights.bin"))
    try Data(("[" + entries.joined(separator: ",\n") + "]").utf8).write(to: folder.appendingPathComponent("index.json"))
}
