// `swift run -c release bench`: our kernels against numpy (OpenBLAS) on this machine, interleaved
// rounds, medians, ratios; plus the measured fp32 peak and memory bandwidth.
// `swift run -c release bench build`: the book build's timings (BuildSuite.swift); `--large`: the chapter
// stages on generated chapters of 256 KB to 4 MB (LargeChapterSuite.swift).

import ArgumentParser
import Foundation
import Kernels

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark the Kernels module against numpy (and say whether torch is importable), or the book build.")

    @Argument(help: "What to measure: kernels (default) or build (cold, warm, prose-edit and code-edit book builds).")
    var suite = "kernels"

    @Option(help: "For the build suite: the package root (holds chapters/ and Sources/).")
    var root = "."

    @Flag(help: "For the build suite: time parse, extract and render on generated chapters of 256 KB to 4 MB instead (no compiler, no KaTeX).")
    var large = false

    @Flag(help: "For the build suite: only the per-program overhead (one-line programs compiled and run, and the cost of a snippet left out because it does not compile).")
    var overhead = false

    @Flag(help: "Print one JSON object per line instead of the table.")
    var json = false

    @Option(help: "Interleaved rounds per case (median reported).")
    var rounds = 9

    @Option(help: "Seconds of work per round and side.")
    var seconds = 0.03

    @Option(help: "Only run cases whose kernel name contains this text.")
    var filter: String?

    @Option(help: "Seconds to wait after each multi-threaded peer round (0: the peer's OpenBLAS threads stop spinning after ≈ 1.5 ms, and a pause lets our worker fall asleep, which costs more).")
    var settle = 0.0

    @Flag(help: "Skip the peer (only our figures).")
    var noPeer = false

    @Option(help: "Thread counts to measure, comma separated.")
    var threads = "1,2"

    func validate() throws {
        guard ["kernels", "build"].contains(suite) else { throw ValidationError("suite must be kernels or build") }
    }

    func run() throws {
        if suite == "build", large {
            LargeChapterSuite().run(json: json)
            return
        }
        if suite == "build" {
            try BuildSuite(root: URL(fileURLWithPath: root).standardizedFileURL, overheadOnly: overhead).run(json: json)
            return
        }
        let started = now()
        let threadCounts = threads.split(separator: ",").compactMap { Int($0) }
        let torch = torchAvailable()
        var peers: [Int: PeerProcess] = [:]
        for t in threadCounts { peers[t] = try PeerProcess(threads: t) }
        let peerName = (peers.values.first?.versionLine ?? "numpy") + " (OpenBLAS)"

        // Limits first, so each figure can be read as a fraction of them.
        var peak: [Int: Double] = [:], triad: [Int: Double] = [:]
        for t in threadCounts {
            peak[t] = measurePeak(threads: t, rounds: 5)
            triad[t] = measureTriad(threads: t, rounds: 5)
        }
        if json {
            for t in threadCounts {
                emit(kernel: "limit: fp32 FMA peak", shape: "12 chains SIMD8", threads: t, ours: peak[t]!, peer: nil,
                     peerName: nil, unit: "GFLOP/s")
                emit(kernel: "limit: memory triad", shape: "3x64MB", threads: t, ours: triad[t]!, peer: nil,
                     peerName: nil, unit: "GB/s")
            }
        } else {
            print("Kernels bench: ours vs \(peerName); interleaved rounds = \(rounds), medians.")
            print(torch ? "torch is importable but not driven by this bench (numpy only)."
                        : "torch is NOT installed here: peer is numpy only (its matmul is OpenBLAS).")
            for t in threadCounts {
                print(String(format: "limits, %d thread(s): fp32 FMA peak %.1f GFLOP/s, memory triad %.1f GB/s",
                             t, peak[t]!, triad[t]!))
            }
            print("")
            print(pad("kernel", 24) + pad("shape", 16) + pad("thr", 4) + lpad("ours", 9) + lpad("numpy", 9)
                  + "  " + pad("unit", 8) + lpad("ratio", 7) + lpad("of limit", 10))
        }

        for bench in makeCases(threadCounts: threadCounts) {
            if let f = filter, !bench.kernel.contains(f) { continue }
            let peer = peers[bench.threads]!
            // Warm-up and calibration of both sides.
            bench.run()
            let t0 = now(); bench.run(); let oneOurs = max(now() - t0, 1e-7)
            let onePeer = noPeer ? 1 : max(try peer.time(op: bench.peerOp, shape: bench.peerShape, reps: 1), 1e-7)
            let repsOurs = max(1, Int(seconds / oneOurs)), repsPeer = max(1, Int(seconds / onePeer))
            var ours: [Double] = [], theirs: [Double] = []
            for _ in 0..<rounds {
                let s = now()
                for _ in 0..<repsOurs { bench.run() }
                ours.append((now() - s) / Double(repsOurs))
                if noPeer { theirs.append(.nan); continue }
                theirs.append(try peer.time(op: bench.peerOp, shape: bench.peerShape, reps: repsPeer))
                // Let the peer's idle OpenBLAS threads finish spinning (OPENBLAS_THREAD_TIMEOUT = 22,
                // see PeerProcess) before our next round, so that they do not take our second core.
                if bench.threads > 1 && settle > 0 { usleep(UInt32(settle * 1e6)) }
            }
            let rateOurs = bench.work / median(ours) / 1e9, ratePeer = bench.work / median(theirs) / 1e9
            if json {
                emit(kernel: bench.kernel, shape: bench.shape, threads: bench.threads, ours: rateOurs, peer: ratePeer,
                     peerName: peerName, unit: bench.unit)
            } else {
                let limit: Double? = bench.unit == "GFLOP/s" ? peak[bench.threads] : bench.unit == "GB/s" ? triad[bench.threads] : nil
                let fraction = limit.map { String(format: "%.0f%%", 100 * rateOurs / $0) } ?? "-"
                print(pad(bench.kernel, 24) + pad(bench.shape, 16) + pad("\(bench.threads)", 4)
                      + lpad(String(format: "%.2f", rateOurs), 9) + lpad(String(format: "%.2f", ratePeer), 9) + "  "
                      + pad(bench.unit, 8) + lpad(String(format: "%.2fx", rateOurs / ratePeer), 7) + lpad(fraction, 10))
            }
        }
        if !json {
            print(String(format: "\n(of limit: GFLOP/s vs the FMA peak, GB/s vs the out-of-cache triad.) Total %.0f s.",
                         now() - started))
        }
    }

    private func emit(kernel: String, shape: String, threads: Int, ours: Double, peer: Double?, peerName: String?,
                      unit: String) {
        func num(_ x: Double?) -> String { x.map { String(format: "%.4g", $0) } ?? "null" }
        func str(_ s: String?) -> String { s.map { "\"\($0)\"" } ?? "null" }
        let ratio = peer.map { ours / $0 }
        print("{\"kernel\": \(str(kernel)), \"shape\": \(str(shape)), \"threads\": \(threads), \"ours\": \(num(ours)), "
              + "\"peer\": \(num(peer)), \"peer_name\": \(str(peerName)), \"unit\": \(str(unit)), \"ratio\": \(num(ratio))}")
    }
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }
