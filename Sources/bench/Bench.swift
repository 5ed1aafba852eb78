// `swift run -c release bench`: our kernels against numpy (OpenBLAS) and torch (MKL/oneDNN) on this machine,
// interleaved rounds, medians, ratios; plus the measured fp32 peak and memory bandwidth.
// `swift run bench build`: the book build's own time through the debug `book` (warm no-op, prose edit, one
// program's overhead) against its goals (BuildSuite.swift); `--large`: the chapter stages on generated chapters
// of 256 KB to 4 MB (LargeChapterSuite.swift).
// `swift run -c release bench train`: one training step of each chapter model, ours vs torch eager, after
// checking that both give the same first losses from the same weights (TrainSuite.swift).

import ArgumentParser
import Foundation
import Kernels

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Benchmark the Kernels module against numpy and torch (each when installed), the chapters' training steps against torch, or the book build."
    )

    @Argument(
        help:
            "What to measure: kernels (default), train (one training step of each chapter model, ours vs torch eager from the same exported weights, first losses checked to agree), or build (the debug book tool's warm no-op, prose edit and per-program overhead, against their goals)."
    )
    var suite = "kernels"

    @Option(help: "For the build suite: the package root (holds chapters/ and Sources/).")
    var root = "."

    @Flag(
        help:
            "For the build suite: time parse, extract and render on generated chapters of 256 KB to 4 MB instead (no compiler, no KaTeX)."
    )
    var large = false

    @Flag(
        help:
            "For the build suite: only the per-program overhead (one-line programs compiled and run, and the cost of a snippet left out because it does not compile)."
    )
    var overhead = false

    @Flag(
        help:
            "For the build suite: also the cold rows (a copy of the library and every program built from nothing, then every program again with --jobs 1 and 2; minutes)."
    )
    var cold = false

    @Flag(help: "Print one JSON object per line instead of the table.")
    var json = false

    @Option(help: "Interleaved rounds per case (median reported).")
    var rounds = 9

    @Option(help: "Seconds of work per round and side (train: at least 0.1).")
    var seconds = 0.03

    @Option(help: "Only run cases whose kernel (or, for train, model) name contains this text.")
    var filter: String?

    @Option(
        help:
            "Seconds to wait after each multi-threaded peer round (0: the peer's OpenBLAS threads stop spinning after ≈ 1.5 ms, and a pause lets our worker fall asleep, which costs more)."
    )
    var settle = 0.0

    @Option(
        help:
            "For the train suite: torch's Adam, fused (default: one kernel, torch's fastest on CPU), foreach, or loop (torch's CPU default)."
    )
    var torchAdam = "fused"

    @Option(
        help:
            "For the train suite: scale the weights sent to torch by 1 + this, to see the loss check fail (1e-4 fails every case)."
    )
    var perturb: Float = 0

    @Flag(help: "Skip the peers (only our figures).")
    var noPeer = false

    @Option(help: "Thread counts to measure, comma separated.")
    var threads = "1,2"

    func validate() throws {
        guard ["kernels", "train", "build"].contains(suite) else {
            throw ValidationError("suite must be kernels, train or build")
        }
        guard ["fused", "foreach", "loop"].contains(torchAdam) else {
            throw ValidationError("--torch-adam must be fused, foreach or loop")
        }
    }

    func run() throws {
        if suite == "build", large {
            LargeChapterSuite().run(json: json)
            return
        }
        if suite == "build" {
            try BuildSuite(
                root: URL(fileURLWithPath: root).standardizedFileURL, rounds: rounds, overheadOnly: overhead,
                cold: cold
            ).run(json: json)
            return
        }
        if suite == "train" {
            try TrainSuite(
                threadCounts: threads.split(separator: ",").compactMap { Int($0) }, rounds: rounds,
                seconds: seconds, filter: filter, noPeer: noPeer, torchAdam: torchAdam, perturb: perturb
            ).run(json: json)
            return
        }
        let started = now()
        let threadCounts = threads.split(separator: ",").compactMap { Int($0) }
        let libraries = noPeer ? [] : PeerLibrary.allCases.filter { $0.isAvailable }
        let missing = noPeer ? [] : PeerLibrary.allCases.filter { !libraries.contains($0) }
        // One persistent peer per library and thread count, asked in turn after our own round.
        var peers: [Int: [PeerProcess]] = [:]
        for t in threadCounts { peers[t] = try libraries.map { try PeerProcess($0, threads: t) } }
        let peerNames = peers[threadCounts.first ?? 1]?.map { peerDisplayName($0) } ?? []

        // Limits first, so each figure can be read as a fraction of them.
        var peak: [Int: Double] = [:], triad: [Int: Double] = [:]
        for t in threadCounts {
            peak[t] = measurePeak(threads: t, rounds: 5)
            triad[t] = measureTriad(threads: t, rounds: 5)
        }
        if json {
            for t in threadCounts {
                emit(
                    kernel: "limit: fp32 FMA peak", shape: "12 chains SIMD8", threads: t, ours: peak[t]!, peers: [],
                    unit: "GFLOP/s")
                emit(
                    kernel: "limit: memory triad", shape: "3x64MB", threads: t, ours: triad[t]!, peers: [],
                    unit: "GB/s")
            }
        } else {
            print(
                "Kernels bench: ours vs \(peerNames.isEmpty ? "no peer" : peerNames.joined(separator: " and ")); "
                    + "interleaved rounds = \(rounds), medians.")
            for library in missing {
                print(
                    "\(library.rawValue) is not installed: its columns are skipped (install: \(library.installHint)).")
            }
            for t in threadCounts {
                print(
                    String(
                        format: "limits, %d thread(s): fp32 FMA peak %.1f GFLOP/s, memory triad %.1f GB/s",
                        t, peak[t]!, triad[t]!))
            }
            print("")
            var header = pad("kernel", 24) + pad("shape", 16) + pad("thr", 4) + lpad("ours", 9)
            for library in libraries { header += lpad(library.rawValue, 9) }
            header += "  " + pad("unit", 8)
            for library in libraries { header += lpad("/" + library.rawValue, 8) }
            print(header + lpad("of limit", 10))
        }

        for bench in makeCases(threadCounts: threadCounts) {
            if let f = filter, !bench.kernel.contains(f) { continue }
            let sides = peers[bench.threads] ?? []
            // Warm-up and calibration of every side; a peer without the operation answers nil and sits out.
            bench.run()
            let t0 = now(); bench.run(); let oneOurs = max(now() - t0, 1e-7)
            let repsOurs = max(1, Int(seconds / oneOurs))
            var repsPeer: [Int?] = []
            for peer in sides {
                let one = try peer.time(op: bench.peerOp, shape: bench.peerShape, reps: 1)
                repsPeer.append(one.map { max(1, Int(seconds / max($0, 1e-7))) })
            }
            var ours: [Double] = [], theirs = [[Double]](repeating: [], count: sides.count)
            for _ in 0..<rounds {
                let s = now()
                for _ in 0..<repsOurs { bench.run() }
                ours.append((now() - s) / Double(repsOurs))
                for (i, peer) in sides.enumerated() {
                    guard let reps = repsPeer[i],
                        let t = try peer.time(op: bench.peerOp, shape: bench.peerShape, reps: reps)
                    else { continue }
                    theirs[i].append(t)
                    // Let the peer's idle threads finish spinning before the next side's round, so that they
                    // do not take its second core.
                    if bench.threads > 1 && settle > 0 { usleep(UInt32(settle * 1e6)) }
                }
            }
            let rateOurs = bench.work / median(ours) / 1e9
            let ratePeers: [(PeerProcess, Double?)] = zip(sides, theirs).map { peer, times in
                (peer, times.isEmpty ? nil : bench.work / median(times) / 1e9)
            }
            if json {
                emit(
                    kernel: bench.kernel, shape: bench.shape, threads: bench.threads, ours: rateOurs,
                    peers: ratePeers.map { ($0.0.library.rawValue, peerDisplayName($0.0), $0.1) }, unit: bench.unit)
            } else {
                let limit: Double? =
                    bench.unit == "GFLOP/s" ? peak[bench.threads] : bench.unit == "GB/s" ? triad[bench.threads] : nil
                let fraction = limit.map { String(format: "%.0f%%", 100 * rateOurs / $0) } ?? "-"
                var line =
                    pad(bench.kernel, 24) + pad(bench.shape, 16) + pad("\(bench.threads)", 4)
                    + lpad(String(format: "%.2f", rateOurs), 9)
                for (_, rate) in ratePeers { line += lpad(rate.map { String(format: "%.2f", $0) } ?? "-", 9) }
                line += "  " + pad(bench.unit, 8)
                for (_, rate) in ratePeers {
                    line += lpad(rate.map { String(format: "%.2fx", rateOurs / $0) } ?? "-", 8)
                }
                print(line + lpad(fraction, 10))
            }
        }
        if !json {
            print(
                String(
                    format: "\n(/peer: our throughput over the peer's; of limit: GFLOP/s vs the FMA peak, GB/s vs the "
                        + "out-of-cache triad.) Total %.0f s.", now() - started))
        }
    }

    /// "numpy 2.1.3 (OpenBLAS)", "torch 2.13.0+cpu (MKL/oneDNN)".
    private func peerDisplayName(_ peer: PeerProcess) -> String {
        peer.versionLine + (peer.library == .numpy ? " (OpenBLAS)" : " (MKL/oneDNN)")
    }

    /// One JSON object per line: our rate, then per peer its rate and our ratio to it (`numpy`, `numpy_ratio`,
    /// `torch`, `torch_ratio`, null where a peer lacks the operation or is not installed), and `best_ratio`,
    /// ours over the fastest peer.
    private func emit(
        kernel: String, shape: String, threads: Int, ours: Double,
        peers: [(library: String, name: String, rate: Double?)], unit: String
    ) {
        func num(_ x: Double?) -> String { x.map { String(format: "%.4g", $0) } ?? "null" }
        func str(_ s: String?) -> String { s.map { "\"\($0)\"" } ?? "null" }
        var fields = [
            "\"kernel\": \(str(kernel))", "\"shape\": \(str(shape))", "\"threads\": \(threads)",
            "\"ours\": \(num(ours))", "\"unit\": \(str(unit))",
        ]
        for peer in peers {
            fields.append("\"\(peer.library)\": \(num(peer.rate))")
            fields.append("\"\(peer.library)_name\": \(str(peer.name))")
            fields.append("\"\(peer.library)_ratio\": \(num(peer.rate.map { ours / $0 }))")
        }
        let best = peers.compactMap(\.rate).max()
        fields.append("\"best_ratio\": \(num(best.map { ours / $0 }))")
        print("{" + fields.joined(separator: ", ") + "}")
    }
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }
