// The peers: a persistent `python3 -c` process per library and thread count (numpy with its OpenBLAS; torch
// with MKL/oneDNN), so that the thread count is fixed at its start. Each receives one JSON request per line and
// answers with the mean time per call (seconds) of `reps` back-to-back calls, or `none` when it has no such op.

import BookKit
import Foundation

/// A library the bench compares against.
enum PeerLibrary: String, CaseIterable {
    case numpy, torch

    /// The command that installs it on this machine kind (pip's configured local wheel), for the message
    /// printed when it is missing. The bench installs nothing by itself.
    var installHint: String {
        switch self {
        case .numpy: return "pip install numpy"
        case .torch: return "pip install torch==2.13.0+cpu"
        }
    }

    /// Whether `python3` can import it.
    var isAvailable: Bool {
        let result = try? Subprocess(executable: "python3", arguments: ["-c", "import \(rawValue)"], timeout: 120).run()
        return result?.termination == .exited(0)
    }

    fileprivate var script: String {
        switch self {
        case .numpy: return peerServeLoop + "\n" + numpyPeerScript
        case .torch: return peerServeLoop + "\n" + torchPeerScript
        }
    }
}

/// One persistent peer, started like every process of this package (`BookKit.Subprocess`: supervised,
/// killed with its children if the bench dies) and talked to over its standard input and output.
final class PeerProcess {
    let library: PeerLibrary
    let threads: Int
    private let process: Subprocess.Running
    private(set) var versionLine = ""

    /// - Parameter script: the peer's program (default: the library's kernels peer; `bench train` passes its own).
    init(_ library: PeerLibrary, threads: Int, script: String? = nil) throws {
        self.library = library
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
        env["MKL_NUM_THREADS"] = String(threads)
        // The same courtesy from torch's OpenMP workers: sleep when idle instead of spinning on our core.
        env["OMP_WAIT_POLICY"] = env["OMP_WAIT_POLICY"] ?? "PASSIVE"
        env["BENCH_THREADS"] = String(threads)
        // A whole bench run talks to the same peer: no time limit of its own.
        process = try Subprocess(
            executable: "python3", arguments: ["-c", script ?? library.script], environment: env,
            timeout: .greatestFiniteMagnitude
        ).start(interactive: true)
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

    /// Mean seconds per call over `reps` calls of the op (set up and warmed on first use); nil when this
    /// peer has no such operation.
    func time(op: String, shape: String, reps: Int) throws -> Double? {
        let answer = try request(#"{"op": "\#(op)", "shape": \#(shape), "reps": \#(reps)}"#)
        if answer == "none" { return nil }
        guard let t = Double(answer) else { throw BenchError.peer("bad answer '\(answer)' for \(op) \(shape)") }
        return t
    }
}

enum BenchError: Error, CustomStringConvertible {
    case peer(String)
    var description: String {
        switch self {
        case .peer(let m): return "peer: \(m)"
        }
    }
}

/// The request loop both peers run: `version` answers the given line; any other op is set up and warmed once
/// per shape by `make(op, shape)` (None: the peer has no such op, answered `none`), then timed over `reps` calls.
private let peerServeLoop = #"""
    import sys, json, time

    def serve(make, version):
        cache = {}
        for line in sys.stdin:
            req = json.loads(line)
            if req['op'] == 'version':
                print(version, flush=True); continue
            key = json.dumps([req['op'], req['shape']])
            if key not in cache:
                cache[key] = make(req['op'], req['shape'])
                if cache[key] is not None: cache[key]()
            fn = cache[key]; reps = req['reps']
            if fn is None:
                print('none', flush=True); continue
            t0 = time.perf_counter()
            for _ in range(reps): fn()
            print((time.perf_counter() - t0) / reps, flush=True)
    """#

private let numpyPeerScript = #"""
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
        return None

    serve(make, 'numpy ' + np.__version__)
    """#

/// The torch peer: the same operations as torch users write them (fused library calls where torch has one:
/// `scaled_dot_product_attention`, `layer_norm`, `rms_norm`, `softmax`, `logsumexp`), under `inference_mode`,
/// with `BENCH_THREADS` intra-op threads and one inter-op thread.
private let torchPeerScript = #"""
    import os, sys, json, time
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(int(os.environ['BENCH_THREADS']))
    torch.set_num_interop_threads(1)

    def make(op, shape):
        g = torch.Generator().manual_seed(0)
        f = lambda *s: torch.randn(*s, generator=g, dtype=torch.float32)
        if op == 'gemm':
            ta, tb, m, n, k = shape
            A = f(k, m).t() if ta else f(m, k)
            B = f(n, k).t() if tb else f(k, n)
            c = torch.empty(m, n)
            return lambda: torch.matmul(A, B, out=c)
        if op == 'bgemm':
            bt, m, n, d = shape
            q = f(bt, m, d); kt = f(bt, n, d).transpose(1, 2); c = torch.empty(bt, m, n)
            return lambda: torch.bmm(q, kt, out=c)
        if op == 'softmax':
            r, c = shape; x = f(r, c)
            return lambda: torch.softmax(x, dim=1)
        if op == 'attention':
            kind, n, d, causal = shape
            q = f(1, 1, n, d); k = f(1, 1, n, d); v = f(1, 1, n, d); scale = 1 / d ** 0.5
            if kind == 'softmax':
                return lambda: F.scaled_dot_product_attention(q, k, v, is_causal=causal, scale=scale)
            mask = torch.triu(torch.full((n, n), float('-inf')), 1) if causal else None
            def run():
                s = (q @ k.transpose(-1, -2)) * scale
                if mask is not None: s = s + mask
                return (torch.relu(s).square_() / n) @ v
            return run
        if op == 'ce':
            r, c = shape; s = f(r, c); y = (torch.rand(r, c, generator=g) < 0.05).float()
            z = torch.zeros(r, 1)
            def run():
                yp = (1 - 2 * y) * s
                yn = torch.cat([yp - y * 1e12, z], -1)
                ypos = torch.cat([yp - (1 - y) * 1e12, z], -1)
                return torch.logsumexp(yn, -1) + torch.logsumexp(ypos, -1)
            return run
        if op == 'rope':
            n, h, d = shape; x = f(n, h, d)
            pos = torch.arange(n, dtype=torch.float64)[:, None] * torch.pow(10000.0, -2 * torch.arange(d // 2) / d)[None, :]
            cos = torch.repeat_interleave(torch.cos(pos), 2, -1).float()[:, None, :]
            sin = torch.repeat_interleave(torch.sin(pos), 2, -1).float()[:, None, :]
            def run():
                x2 = torch.stack([-x[..., 1::2], x[..., ::2]], -1).reshape(x.shape)
                return x * cos + x2 * sin
            return run
        if op == 'layernorm':
            r, d = shape; x = f(r, d); w = f(d); b = f(d)
            return lambda: F.layer_norm(x, (d,), w, b, 1e-12)
        if op == 'rmsnorm':
            r, d = shape; x = f(r, d); w = f(d)
            return lambda: F.rms_norm(x, (d,), w, 1e-12)
        return None

    with torch.inference_mode():
        serve(make, 'torch ' + torch.__version__)
    """#
