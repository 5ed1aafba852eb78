import Foundation

/// A live figure's WebAssembly module, built from the snippet's declarations with Embedded Swift, and the
/// evidence that it computes what the native build computes.
///
/// The module is the snippet's declarations compiled together with the portable part of the library
/// (`portableSources`: Kernels' `VectorMath.swift` and `ScalarMath.swift`, Kexue's `LivePlot.swift`) for
/// `wasm32-unknown-none-wasm`, linked with a small C runtime (`LiveRuntime.page`: a bump allocator reset
/// before every call, `fmaf`, `memcpy`…). It imports nothing and exports `memory`, `live_params` (16 floats
/// the page writes the controls' values into) and `live_run` (the address of `LivePlot.encoded`).
///
/// The check: the same object file is linked a second time with a WASI driver (`LiveRuntime.check`) and run by
/// the toolchain's `wasmkit` at the defaults and at each control's two ends (the others at their defaults);
/// the same sources are compiled natively into a probe that prints the same points. Every value must agree
/// within the snippet's tolerance, relative to the largest magnitude of its series' x or y values. Both
/// programs print float bit patterns, so nothing is lost in printing. The result is cached under
/// `.build/book/live/` by everything that goes into it.
struct LiveModule: Sendable, Hashable {
    /// The page's module.
    var wasm: [UInt8]
    /// The points checked, with the native values (`LivePlot.encoded`).
    var checks: [LiveCheckPoint]

    /// The library files compiled into every module, relative to the package root.
    static let portableSources = [
        "Sources/Kernels/VectorMath.swift", "Sources/Kernels/ScalarMath.swift", "Sources/Kexue/Figures/LivePlot.swift",
    ]
    /// Embedded Swift for WebAssembly without an SDK. The stack protector needs a libc symbol the page does
    /// not have.
    static let wasmFlags = [
        "-target", "wasm32-unknown-none-wasm", "-enable-experimental-feature", "Embedded", "-wmo", "-O",
        "-parse-as-library", "-Xfrontend", "-disable-stack-protector",
        // The module name goes into the symbols and a hashed data segment: fixed, so the module's bytes are too.
        "-module-name", "LiveFigure",
    ]
    /// A relative tolerance when the snippet gives none: the two builds run the same IEEE single-precision
    /// operations in the same order; only `fmaf` (one rounding natively, a double-precision emulation in the
    /// module) and the compilers' choices of instructions may differ in the last bits.
    static let defaultTolerance = 1e-5

    /// Builds and checks the module for `spec`, or reads it from the cache.
    static func build(
        _ spec: LiveFigureSpec, snippet: Snippet, file: String, tools: LiveTools, packageRoot: URL
    ) throws(BookError) -> LiveModule {
        let tolerance = snippet.info.tolerance ?? defaultTolerance
        let portable: [(String, String)]
        do {
            portable = try portableSources.map {
                ($0, try String(contentsOf: packageRoot.appendingPathComponent($0), encoding: .utf8))
            }
        } catch {
            throw BookError(
                .environment, at: snippet.info.livePosition,
                "live figure '\(spec.function)': cannot read the library's portable sources",
                detail: "\(error)", hint: "live figures need the book's package (Sources/Kernels, Sources/Kexue)")
        }
        let points = checkPoints(spec)
        let entry = LiveRuntime.entry(spec)
        let folder = cacheFolder(spec, tolerance: tolerance, tools: tools, packageRoot: packageRoot, portable: portable)
        if let cached = read(folder) { return cached }
        let fm = FileManager.default
        // An entry that cannot be read (a damaged disk, an edit by hand) is built again, not trusted.
        try? fm.removeItem(at: folder)

        let work = packageRoot.appendingPathComponent(".build/book/live/tmp-\(getpid())-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: work) }
        func write(_ text: String, _ name: String) throws(BookError) -> String {
            let url = work.appendingPathComponent(name)
            do { try Data(text.utf8).write(to: url) } catch {
                throw BookError(.environment, at: nil, "cannot write \(url.path)", detail: "\(error)")
            }
            return url.path
        }
        do { try fm.createDirectory(at: work, withIntermediateDirectories: true) } catch {
            throw BookError(.environment, at: nil, "cannot create \(work.path)", detail: "\(error)")
        }
        var portablePaths: [String] = []
        for (path, text) in portable {
            portablePaths.append(try write(text, (path as NSString).lastPathComponent))
        }
        let snippetPath = try write(spec.declarations, "snippet.swift")
        let entryPath = try write(entry, "entry.swift")
        let pageC = try write(LiveRuntime.page, "runtime.c"), checkC = try write(LiveRuntime.check, "check.c")
        let probePath = try write(LiveRuntime.probe, "main.swift")
        let at = work.path

        // The snippet's code for Embedded Swift: its diagnostics are the author's, located in the chapter.
        let swiftObject = at + "/live.o"
        let compile = try run(
            tools.swiftc, wasmFlags + portablePaths + [snippetPath, entryPath, "-c", "-o", swiftObject], in: at)
        if compile.termination != .exited(0) || compile.timedOut {
            throw compileError(compile, spec: spec, snippet: snippet, file: file, snippetPath: snippetPath)
        }
        let cFlags = ["--target=wasm32-unknown-unknown", "-O2", "-nostdlib", "-ffreestanding", "-fno-builtin", "-c"]
        try expect(
            run(tools.clang, cFlags + [pageC, "-o", at + "/runtime.o"], in: at), "compile the page runtime", spec)
        try expect(
            run(tools.clang, cFlags + [checkC, "-o", at + "/check.o"], in: at), "compile the check driver", spec)
        let pageWasm = at + "/page.wasm", checkWasm = at + "/check.wasm"
        try expect(
            run(
                tools.wasmLD,
                [
                    "--no-entry", "--export=live_params", "--export=live_run", "--strip-all", "-O2", "--gc-sections",
                    swiftObject, at + "/runtime.o", "-o", pageWasm,
                ], in: at),
            "link the page's module", spec, snippet: snippet, file: file)
        try expect(
            run(
                tools.wasmLD, ["--gc-sections", swiftObject, at + "/runtime.o", at + "/check.o", "-o", checkWasm],
                in: at),
            "link the check module", spec, snippet: snippet, file: file)
        // The same sources natively, optimised like the library the chapter programs link.
        let probe = at + "/probe"
        try expect(
            run(
                tools.swiftc,
                LibraryBuild.codegenFlags + portablePaths + [snippetPath, entryPath, probePath, "-o", probe], in: at),
            "compile the native probe", spec, snippet: snippet, file: file)

        let arguments = points.map { "p:" + $0.map { String($0.bitPattern, radix: 16) }.joined(separator: ",") }
        // The function runs at every point in both; one that does not end fails here, after the snippet's
        // `timeout=` (default a minute: wasmkit interprets the module), instead of freezing a reader's page.
        let limit = snippet.info.timeout ?? 60
        let native = try values(
            run(probe, arguments, in: at, timeout: limit), "the native probe", count: points.count, spec, snippet,
            file)
        let wasm = try values(
            run(tools.wasmkit, ["run", checkWasm] + arguments, in: at, timeout: limit),
            "the WebAssembly module (wasmkit)",
            count: points.count, spec, snippet, file)
        for (index, point) in points.enumerated() {
            if let difference = compare(native: native[index], wasm: wasm[index], tolerance: tolerance) {
                throw BookError(
                    .output, at: snippet.info.livePosition ?? snippet.fence,
                    "live figure '\(spec.function)' computes differently in WebAssembly than natively at \(describe(point, spec))",
                    detail: difference,
                    hint:
                        "code that branches on the platform, or depends on libm or on undefined behaviour, differs; widen tolerance= only for rounding"
                )
            }
        }
        let module = LiveModule(
            wasm: Array((try? Data(contentsOf: URL(fileURLWithPath: pageWasm))) ?? Data()),
            checks: zip(points, native).map { LiveCheckPoint(parameters: $0, values: $1) })
        guard !module.wasm.isEmpty else {
            throw BookError(.environment, at: nil, "live figure '\(spec.function)': wasm-ld wrote no module")
        }
        store(module, in: folder, from: work)
        return module
    }

    /// Where the module for `spec` is cached: named after a hash of everything that goes into building and
    /// checking it.
    static func cacheFolder(
        _ spec: LiveFigureSpec, tolerance: Double, tools: LiveTools, packageRoot: URL, portable: [(String, String)]
    ) -> URL {
        var hash = SHA256()
        for part in [tools.version, LiveRuntime.entry(spec), spec.declarations, LiveRuntime.page, LiveRuntime.check]
            + [LiveRuntime.probe] + portable.map(\.1) + (wasmFlags + LibraryBuild.codegenFlags) + ["\(tolerance)"]
            + checkPoints(spec).map({ $0.map { "\($0.bitPattern)" }.joined(separator: ",") })
        {
            hash.update(part)
            hash.update([0])
        }
        return packageRoot.appendingPathComponent(".build/book/live/\(hash.hexDigest().prefix(24))")
    }

    /// The defaults, then each control at its lower and upper end with the others at their defaults.
    static func checkPoints(_ spec: LiveFigureSpec) -> [[Float]] {
        let defaults = spec.controls.map(\.value)
        var points = [defaults]
        for (index, control) in spec.controls.enumerated() {
            for end in [control.lower, control.upper] where end != control.value {
                var point = defaults
                point[index] = end
                points.append(point)
            }
        }
        return points
    }

    static func describe(_ point: [Float], _ spec: LiveFigureSpec) -> String {
        zip(spec.controls, point).map { "\($0.name) = \($1)" }.joined(separator: ", ")
    }

    /// Compares two encoded plots: nil when they agree, else what differs first.
    static func compare(native: [Float], wasm: [Float], tolerance: Double) -> String? {
        guard let plots = LiveCheckPoint.series(native), let other = LiveCheckPoint.series(wasm) else {
            return "the encoded plot is malformed"
        }
        guard plots.count == other.count else { return "\(plots.count) series natively, \(other.count) in WebAssembly" }
        for (index, (a, b)) in zip(plots, other).enumerated() {
            guard a.xs.count == b.xs.count else {
                return "series \(index + 1): \(a.xs.count) points natively, \(b.xs.count) in WebAssembly"
            }
            for (axis, left, right) in [("x", a.xs, b.xs), ("y", a.ys, b.ys)] {
                let scale = left.map { Double(abs($0)) }.filter(\.isFinite).max() ?? 0
                for (point, (n, w)) in zip(left, right).enumerated() {
                    let same =
                        n.isFinite && w.isFinite
                        ? abs(Double(n) - Double(w)) <= tolerance * scale
                        : (n.isNaN && w.isNaN) || n == w
                    if !same {
                        return "series \(index + 1), point \(point + 1): \(axis) = \(n) natively, \(w) in WebAssembly"
                            + " (tolerance \(tolerance) × \(scale))"
                    }
                }
            }
        }
        return nil
    }

    // MARK: Processes

    private static func run(
        _ executable: String, _ arguments: [String], in directory: String, timeout: Double = 300
    ) throws(BookError) -> Subprocess.Result {
        var process = Subprocess(executable: executable, arguments: arguments, timeout: timeout, outputCap: 16 << 20)
        process.directory = directory
        return try process.run()
    }

    private static func expect(
        _ result: Subprocess.Result, _ what: String, _ spec: LiveFigureSpec, snippet: Snippet? = nil, file: String = ""
    ) throws(BookError) {
        guard result.termination != .exited(0) || result.timedOut else { return }
        throw BookError(
            .compile, at: snippet?.info.livePosition, "live figure '\(spec.function)': could not \(what)",
            detail: String(decoding: result.stderr + result.stdout, as: UTF8.self),
            hint: "the toolchain's clang, wasm-ld and Embedded Swift for wasm32 are needed (README: Live figures)")
    }

    /// The Embedded Swift compiler's first error, at its place in the chapter when it is in the snippet.
    private static func compileError(
        _ result: Subprocess.Result, spec: LiveFigureSpec, snippet: Snippet, file: String, snippetPath: String
    ) -> BookError {
        let text = String(decoding: result.stderr + result.stdout, as: UTF8.self)
        let hint =
            "a live figure is compiled with Embedded Swift for WebAssembly: the standard library without Foundation or libm (use ScalarMath.exp and ScalarMath.log), no existentials, no print"
        for line in text.split(separator: "\n") where line.contains(": error: ") {
            let parts = line.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
            if parts.count == 5, parts[0] == snippetPath, let row = Int(parts[1]), let column = Int(parts[2]) {
                return BookError(
                    .compile, at: SourcePosition(file: file, line: snippet.codeLine + row - 1, column: column),
                    "live figure '\(spec.function)' does not compile for WebAssembly: "
                        + parts[4].trimmingCharacters(in: .whitespaces),
                    detail: text, hint: hint)
            }
            return BookError(
                .compile, at: snippet.info.livePosition,
                "live figure '\(spec.function)' does not compile for WebAssembly: \(line)", detail: text, hint: hint)
        }
        return BookError(
            .compile, at: snippet.info.livePosition, "live figure '\(spec.function)' does not compile for WebAssembly",
            detail: text, hint: hint)
    }

    /// Parses one line of float bit patterns per point.
    private static func values(
        _ result: Subprocess.Result, _ what: String, count: Int, _ spec: LiveFigureSpec, _ snippet: Snippet,
        _ file: String
    ) throws(BookError) -> [[Float]] {
        let text = String(decoding: result.stdout, as: UTF8.self)
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("v:") }
        guard result.termination == .exited(0), !result.timedOut, lines.count == count else {
            throw BookError(
                .run, at: snippet.info.livePosition,
                "live figure '\(spec.function)': \(what) did not print its \(count) points"
                    + (result.timedOut ? " (it ran out of time)" : ""),
                detail: String(decoding: result.stderr, as: UTF8.self) + text,
                hint: "a trap (an index out of range, a precondition) or a crash in the function at one of its ends")
        }
        return lines.map { line in
            line.dropFirst(2).split(separator: " ").compactMap { UInt32($0, radix: 16) }.map(Float.init(bitPattern:))
        }
    }

    // MARK: Cache

    private static func read(_ folder: URL) -> LiveModule? {
        guard let wasm = try? Data(contentsOf: folder.appendingPathComponent("page.wasm")),
            let json = try? Data(contentsOf: folder.appendingPathComponent("native.json")),
            let checks = try? JSONDecoder().decode([LiveCheckPoint].self, from: json)
        else { return nil }
        return LiveModule(wasm: Array(wasm), checks: checks)
    }

    /// Moves the verified module into the cache in one rename, so a killed build leaves no half entry.
    private static func store(_ module: LiveModule, in folder: URL, from work: URL) {
        let fm = FileManager.default
        let staging = work.appendingPathComponent("entry")
        guard (try? fm.createDirectory(at: staging, withIntermediateDirectories: true)) != nil,
            let json = try? JSONEncoderSorted.encode(module.checks),
            (try? Data(module.wasm).write(to: staging.appendingPathComponent("page.wasm"))) != nil,
            (try? json.write(to: staging.appendingPathComponent("native.json"))) != nil
        else { return }
        try? fm.moveItem(at: staging, to: folder)
    }
}

/// One parameter point of a live figure's check, with the native values.
struct LiveCheckPoint: Codable, Hashable, Sendable {
    var parameters: [Float]
    /// `LivePlot.encoded`.
    var values: [Float]

    init(parameters: [Float], values: [Float]) {
        self.parameters = parameters
        self.values = values
    }

    // Stored as bit patterns: exact, and JSON has no NaN or infinity.
    private enum CodingKeys: String, CodingKey { case parameters, values }
    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        parameters = try container.decode([UInt32].self, forKey: .parameters).map(Float.init(bitPattern:))
        values = try container.decode([UInt32].self, forKey: .values).map(Float.init(bitPattern:))
    }
    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(parameters.map(\.bitPattern), forKey: .parameters)
        try container.encode(values.map(\.bitPattern), forKey: .values)
    }

    /// The series of an encoded plot, or nil when the encoding is malformed.
    static func series(_ encoded: [Float]) -> [(xs: [Float], ys: [Float])]? {
        guard let first = encoded.first, first >= 0, first <= 64, first == first.rounded() else { return nil }
        var result: [(xs: [Float], ys: [Float])] = [], at = 1
        for _ in 0..<Int(first) {
            guard at < encoded.count, encoded[at] >= 0, encoded[at] == encoded[at].rounded() else { return nil }
            let n = Int(encoded[at])
            guard at + 1 + 2 * n <= encoded.count else { return nil }
            result.append((Array(encoded[at + 1..<at + 1 + n]), Array(encoded[at + 1 + n..<at + 1 + 2 * n])))
            at += 1 + 2 * n
        }
        return at == encoded.count ? result : nil
    }
}
