import Foundation

/// Renders LaTeX to HTML (+ MathML) at build time with KaTeX from Debian's `katex` package, run by Node.
/// Pages then need only KaTeX's stylesheet and fonts (from `libjs-katex`, copied into the site): no
/// JavaScript, no CDN.
///
/// One Node process renders all formulas that are not in the cache (`.build/book/katex/`, one small file per
/// formula, keyed by the formula, the mode, KaTeX's version and the render script), so a warm build starts no
/// Node at all.
/// Cache entries are checked before use (`KaTeXCacheEntry`): one that was edited, truncated or written for
/// another formula is rendered again, never published.
struct KaTeX {
    /// Where Debian puts Node modules and KaTeX's browser files.
    static let nodeModules = "/usr/share/nodejs"
    static let assets = URL(fileURLWithPath: "/usr/share/javascript/katex")

    struct Formula: Hashable {
        var tex: String
        var display: Bool
    }

    var cacheDirectory: URL
    /// The Node executable (looked up on `PATH`) and the folder holding the `katex` module; tests point
    /// them elsewhere to stand for a machine without them.
    var node = "node"
    var nodeModules = KaTeX.nodeModules
    /// The script Node runs; nil means the bundled `Resources/katex-render.js` (`BookResources`). Its hash is part
    /// of every cache key beside KaTeX's version, so an edited script renders every formula again.
    var renderScript: String? = nil

    /// Renders each formula: its HTML, or KaTeX's error message.
    ///
    /// Each distinct formula (and mode) is looked up in the cache, and rendered by Node, once, however often it
    /// occurs: a large chapter repeats a few formulas thousands of times, and a cache read (a file, a JSON
    /// decode, a SHA-256) per occurrence made 1.25 MB of prose take 28 s in a debug build.
    func render(_ formulas: [Formula]) throws(BookError) -> [Result<String, KaTeXError>] {
        var slot: [Formula: Int] = [:]
        var distinct: [Formula] = []
        let slots = formulas.map { formula in
            if let index = slot[formula] { return index }
            slot[formula] = distinct.count
            distinct.append(formula)
            return distinct.count - 1
        }
        let rendered = try renderDistinct(distinct)
        return slots.map { rendered[$0] }
    }

    private func renderDistinct(_ formulas: [Formula]) throws(BookError) -> [Result<String, KaTeXError>] {
        let script: String
        if let renderScript { script = renderScript } else { script = try BookResources.load().katexRender }
        let version = "\(Self.version)+script-\(SHA256.hex(script).prefix(16))"
        var results = [Result<String, KaTeXError>?](repeating: nil, count: formulas.count)
        var misses: [Int] = []
        for (index, formula) in formulas.enumerated() {
            if let html = KaTeXCacheEntry.load(
                from: cacheFile(formula, version: version), formula: formula, version: version)
            {
                results[index] = .success(html)
            } else {
                misses.append(index)
            }
        }
        if !misses.isEmpty {
            let rendered = try runNode(misses.map { formulas[$0] }, script: script)
            try? FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
            for (index, result) in zip(misses, rendered) {
                results[index] = result
                if case .success(let html) = result {
                    KaTeXCacheEntry.store(
                        html, formula: formulas[index], version: version,
                        to: cacheFile(formulas[index], version: version))
                }
            }
        }
        return results.map { $0! }
    }

    struct KaTeXError: Error, Hashable { var message: String }

    /// The installed KaTeX's version (from its package.json), part of every cache key: an upgrade must not
    /// serve old HTML beside the new stylesheet.
    static let version: String = {
        let url = URL(fileURLWithPath: "\(nodeModules)/katex/package.json")
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let version = object["version"] as? String
        else { return "unknown" }
        return version
    }()

    /// - Parameter version: KaTeX's version and the render script's hash.
    private func cacheFile(_ formula: Formula, version: String) -> URL {
        // `.json`, not the `.html` of unchecked entries from earlier versions, which are never read.
        cacheDirectory.appendingPathComponent(
            SHA256.hex("katex-\(version)\u{0}\(formula.display)\u{0}\(formula.tex)").prefix(24) + ".json")
    }

    private struct Answer: Decodable { var html: String?; var error: String? }

    /// - Parameter script: `katex-render.js`: formulas in (a JSON file named by its argument), `{html}` or `{error}` out.
    private func runNode(_ formulas: [Formula], script renderScript: String) throws(BookError) -> [Result<
        String, KaTeXError
    >] {
        guard FileManager.default.fileExists(atPath: "\(nodeModules)/katex/package.json") else {
            throw BookError(
                .environment, at: nil, "KaTeX is not installed (no \(nodeModules)/katex)",
                hint: "install the Debian packages katex and libjs-katex (.ci/deps does)")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "book-katex-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("formulas.json"),
            script = scratch.appendingPathComponent("render.js")
        do {
            let payload = formulas.map { ["tex": $0.tex, "display": $0.display] as [String: Any] }
            try JSONSerialization.data(withJSONObject: payload).write(to: input)
            try renderScript.write(to: script, atomically: true, encoding: .utf8)
        } catch {
            throw BookError(.environment, at: nil, "cannot write KaTeX's input to \(scratch.path): \(error)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["NODE_PATH"] = nodeModules
        let result = try Subprocess(
            executable: node, arguments: [script.path, input.path], environment: environment,
            timeout: 300
        ).run()
        guard result.termination == .exited(0),
            let answers = try? JSONDecoder().decode([Answer].self, from: Data(result.stdout)),
            answers.count == formulas.count
        else {
            throw BookError(
                .environment, at: nil, "KaTeX (node) failed",
                detail: String(decoding: result.stderr.suffix(2000), as: UTF8.self),
                hint: "check that node and the Debian package katex are installed")
        }
        return answers.map { answer in
            if let html = answer.html { return .success(html) }
            return .failure(KaTeXError(message: answer.error ?? "unknown KaTeX error"))
        }
    }
}
