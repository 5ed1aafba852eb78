// The peer: a persistent `python3 -c` process running numpy, one per thread count, so that
// OPENBLAS_NUM_THREADS is fixed at its start. It receives one JSON request per line and answers with
// the mean time per call (seconds) of `reps` back-to-back calls.

import BookKit
import Foundation

/// One persistent numpy peer, started like every process of this package (`BookKit.Subprocess`: supervised,
/// killed with its children if the bench dies) and talked to over its standard input and output.
final class PeerProcess {
    let threads: Int
    private let process: Subprocess.Running
    private(set) var versionLine = ""

    init(threads: Int) throws {
        self.threads = threads
        var env = ProcessInfo.processInfo.environment
        // These two slow numpy's bundled OpenBLAS down on this machine (cpu-performance.md).
        env.removeValue(forKey: "OPENBLAS_CORETYPE")
        env.removeValue(forKey: "OPENBLAS_L2_SIZE")
        env["OPENBLAS_NUM_THREADS"] = String(threads)
        // OpenBLAS' idle threads spin for 2^28 cycles by default; in interleaved rounds they spin on
        // the core our next round needs (measured: our 2-thread SGEMM at 1-thread speed). 2^22
        // cycles (≈ 1.5 ms) matches our worker's own ≈ 1 ms of polling before it sleeps.
        env["OPENBLAS_THREAD_TIMEOUT"] = env["OPENBLAS_THREAD_TIMEOUT"] ?? "22"
        env["OMP_NUM_THREADS"] = String(threads)
        // A whole bench run talks to the same peer: no time limit of its own.
        process = try Subprocess(executable: "python3", arguments: ["-c", peerScript], environment: env,
                                 timeout: .greatestFiniteMagnitude).start(interactive: true)
        versionLine = try request(#"{"op": "version"}"#)
    }

    deinit {
        _ = try? process.wait()
    }

    /// Sends one request line and returns the answer line.
    func request(_ json: String) throws -> String {
        try process.send(Array((json + "\n").utf8))
        guard let line = process.readLine() else { throw BenchError.peer("python3 exited (request \(json))") }
        return line
    }

    /// Mean seconds per call over `reps` calls of the op (set up and warmed on first use).
    func time(op: String, shape: String, reps: Int) throws -> Double {
        let answer = try request(#"{"op": "\#(op)", "shape": \#(shape), "reps": \#(reps)}"#)
        guard let t = Double(answer) else { throw BenchError.peer("bad answer '\(answer)' for \(op) \(shape)") }
        return t
    }
}

enum BenchError: Error, CustomStringConvertible {
    case peer(String)
    var description: String {
        switch self { case .peer(let m): return "peer: \(m)" }
    }
}

/// torch is the second peer of the issue; it is used only to report whether it is importable.
func torchAvailable() -> Bool {
    let result = try? Subprocess(executable: "python3", arguments: ["-c", "import torch"], timeout: 120).run()
    return result?.termination == .exited(0)
}

private let peerScript = #"""
import sys, json, time
import numpy as np

def lse(x):
    m = x.max(axis=-1, keepdims=True)
    return (m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True)))[..., 0]

def make(op, shape):
    rng = np.random.default_rng(0)
    f = lambda *s: rng.standard_normal(s, dtype=np.float32)
    if op == 'gemm':
        ta, tb, m, n, k = shape
        A = f(k, m).T if ta else f(m, k)
        B = f(n, k).T if tb else f(k, n)
        c = np.empty((m, n), np.float32)
        return lambda: np.matmul(A, B, out=c)
    if op == 'bgemm':
        bt, m, n, d = shape
        q = f(bt, m, d); kt = f(bt, n, d).transpose(0, 2, 1); c = np.empty((bt, m, n), np.float32)
        return lambda: np.matmul(q, kt, out=c)
    if op == 'softmax':
        r, c = shape; x = f(r, c)
        def run():
            e = np.exp(x - x.max(axis=1, keepdims=True)); e /= e.sum(axis=1, keepdims=True); return e
        return run
    if op == 'attention':
        kind, n, d, causal = shape
        q = f(n, d); k = f(n, d); v = f(n, d); scale = np.float32(1 / np.sqrt(d))
        mask = np.triu(np.full((n, n), -np.inf, np.float32), 1) if causal else None
        def run():
            s = (q @ k.T) * scale
            if mask is not None: s += mask
            if kind == 'softmax':
                s -= s.max(axis=1, keepdims=True); np.exp(s, out=s); s /= s.sum(axis=1, keepdims=True)
            else:
                np.maximum(s, 0, out=s); s *= s; s /= np.float32(n)
            return s @ v
        return run
    if op == 'ce':
        r, c = shape; s = f(r, c); y = (rng.random((r, c)) < 0.05).astype(np.float32)
        z = np.zeros((r, 1), np.float32)
        def run():
            yp = (1 - 2 * y) * s
            yn = np.concatenate([yp - y * np.float32(1e12), z], -1)
            ypos = np.concatenate([yp - (1 - y) * np.float32(1e12), z], -1)
            return lse(yn) + lse(ypos)
        return run
    if op == 'rope':
        n, h, d = shape; x = f(n, h, d)
        pos = np.arange(n, dtype=np.float64)[:, None] * np.power(10000.0, -2 * np.arange(d // 2) / d)[None, :]
        cos = np.repeat(np.cos(pos), 2, -1).astype(np.float32)[:, None, :]
        sin = np.repeat(np.sin(pos), 2, -1).astype(np.float32)[:, None, :]
        def run():
            x2 = np.stack([-x[..., 1::2], x[..., ::2]], -1).reshape(x.shape)
            return x * cos + x2 * sin
        return run
    if op == 'layernorm':
        r, d = shape; x = f(r, d); g = f(d); b = f(d)
        def run():
            mu = x.mean(-1, keepdims=True); xc = x - mu
            var = (xc * xc).mean(-1, keepdims=True)
            return xc / np.sqrt(var + np.float32(1e-12)) * g + b
        return run
    if op == 'rmsnorm':
        r, d = shape; x = f(r, d); g = f(d)
        def run():
            return x / np.sqrt((x * x).mean(-1, keepdims=True) + np.float32(1e-12)) * g
        return run
    raise ValueError(op)

cache = {}
for line in sys.stdin:
    req = json.loads(line)
    if req['op'] == 'version':
        print('numpy ' + np.__version__, flush=True); continue
    key = json.dumps([req['op'], req['shape']])
    if key not in cache:
        cache[key] = make(req['op'], req['shape']); cache[key]()
    fn = cache[key]; reps = req['reps']
    t0 = time.perf_counter()
    for _ in range(reps): fn()
    print((time.perf_counter() - t0) / reps, flush=True)
"""#
