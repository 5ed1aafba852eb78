// `swift run -c release bench build`: how long `book build` takes in the cases an author meets, on a
// scratch copy of the book (chapters and library sources), so that nothing in the repository is edited.

import BookKit
import Foundation

struct BuildSuite {
    struct Row {
        var name: String
        var seconds: Double
        var note: String
    }

    /// The package root (holds chapters/ and Sources/).
    var root: URL
    var rounds = 5
    /// Only the per-program overhead rows (a minute, instead of the whole book built several times).
    var overheadOnly = false

    func run(json: Bool) throws {
        let book = try buildBookBinary()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bench-build-\(getpid())")
        try? FileManager.default.removeItem(at: scratch)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for folder in ["chapters", "Sources/Kernels", "Sources/Kexue"] {
            let target = scratch.appendingPathComponent(folder)
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: root.appendingPathComponent(folder), to: target)
        }
        let build = [book.path, "build", "--root", scratch.path]
        var rows: [Row] = []

        if !overheadOnly {
            // Cold: no library build, no program cache.
            let cold = try timed(build)
            rows.append(
                Row(
                    name: "cold full build", seconds: cold.seconds,
                    note: "library release build + every chapter program"))

            // Chapters in parallel: every program compiled and run again, 1 job vs 2.
            let one = try timed(build + ["--no-cache", "--jobs", "1"]).seconds
            let two = try timed(build + ["--no-cache", "--jobs", "2"]).seconds
            rows.append(
                Row(name: "rebuild all, --jobs 1", seconds: one, note: "library cached; programs compiled and run"))
            rows.append(
                Row(
                    name: "rebuild all, --jobs 2", seconds: two,
                    note: String(format: "speed-up %.2fx over --jobs 1", one / two)))

            // Warm no-op, with the binary run directly and through `swift run`.
            let direct = try median((0..<rounds).map { _ in try timed(build).seconds })
            rows.append(Row(name: "warm no-op (book binary)", seconds: direct, note: "median of \(rounds)"))
            let swiftRun = try median(
                (0..<3).map { _ in
                    try timed([
                        "swift", "run", "-c", "release", "--package-path", root.path, "book", "build", "--root",
                        scratch.path,
                    ]).seconds
                })
            rows.append(
                Row(
                    name: "warm no-op (swift run)", seconds: swiftRun,
                    note: String(
                        format: "SwiftPM start-up %.0f%%, book %.0f%%", 100 * (swiftRun - direct) / swiftRun,
                        100 * direct / swiftRun)))

            // Edits of the first chapter.
            let chapters = try FileManager.default.contentsOfDirectory(
                atPath: scratch.appendingPathComponent("chapters").path
            )
            .filter { $0.hasSuffix(".md") }.sorted()
            guard let first = chapters.first else { throw BuildSuiteError("no chapters to edit") }
            let file = scratch.appendingPathComponent("chapters/\(first)")
            let original = try String(contentsOf: file, encoding: .utf8)

            try (original + "\nAn added paragraph of prose.\n").write(to: file, atomically: true, encoding: .utf8)
            let prose = try timed(build)
            rows.append(
                Row(name: "prose edit, one chapter", seconds: prose.seconds, note: workLine(prose.output, first)))

            guard let fence = original.range(of: "```swift"), let end = original[fence.upperBound...].range(of: "\n")
            else {
                throw BuildSuiteError("\(first) has no snippet to edit")
            }
            var edited = original
            edited.insert(contentsOf: "// edited by bench \(getpid())\n", at: end.upperBound)
            try edited.write(to: file, atomically: true, encoding: .utf8)
            let code = try timed(build)
            rows.append(Row(name: "code edit, one chapter", seconds: code.seconds, note: workLine(code.output, first)))
        }

        // Per-program overhead: a chapter of one-line snippets, each in a program of its own (`reset`),
        // compiled, linked and run with nothing cached; and the same chapter with one snippet that does not
        // compile, which costs one more compile of its program (the snippet is left out, the rest recompiled).
        let programs = 8
        let tiny = scratch.appendingPathComponent("tiny")
        try FileManager.default.createDirectory(
            at: tiny.appendingPathComponent("chapters"), withIntermediateDirectories: true)
        try
            #"{"title": "Overhead", "chapters": [{"slug": "tiny", "file": "tiny.md", "title": "Tiny", "summary": "One-line programs."}]}"#
            .write(to: tiny.appendingPathComponent("chapters/book.json"), atomically: true, encoding: .utf8)
        func tinyChapter(broken: Bool) -> String {
            (0..<programs).map { i in
                "```swift reset\nprint(\(i))\n```\n\n```output\n\(i)\n```\n\n"
                    + (broken && i == 0 ? "```swift\nlet broken: Int = \"\(i)\"\n```\n\n" : "")
            }.joined()
        }
        let tinyBuild = [
            book.path, "build", "--root", tiny.path, "--package", scratch.path, "--no-cache", "--jobs", "1",
        ]
        let tinyFile = tiny.appendingPathComponent("chapters/tiny.md")
        try tinyChapter(broken: false).write(to: tinyFile, atomically: true, encoding: .utf8)
        _ = try timed(tinyBuild)  // the library's release build for this package copy
        // Interleaved, so that a load that comes and goes falls on both.
        var clean: [Double] = [], broken: [Double] = []
        for _ in 0..<rounds {
            try tinyChapter(broken: false).write(to: tinyFile, atomically: true, encoding: .utf8)
            clean.append(try timed(tinyBuild).seconds)
            try tinyChapter(broken: true).write(to: tinyFile, atomically: true, encoding: .utf8)
            broken.append(try timed(tinyBuild).seconds)
        }
        rows.append(
            Row(
                name: "per program (compile+run)", seconds: median(clean) / Double(programs),
                note: "\(programs) one-line programs, --no-cache --jobs 1, median of \(rounds) builds / \(programs)"))
        rows.append(
            Row(
                name: "one snippet left out", seconds: median(zip(broken, clean).map { $0 - $1 }),
                note: "extra time when one snippet does not compile (its failed compile, then the program without it)"))

        for row in rows {
            if json {
                print(
                    "{\"suite\":\"build\",\"case\":\"\(row.name)\",\"seconds\":\(String(format: "%.3f", row.seconds)),\"note\":\"\(row.note)\"}"
                )
            } else {
                print(
                    row.name.padding(toLength: 28, withPad: " ", startingAt: 0)
                        + String(format: "%8.3f s   ", row.seconds) + row.note)
            }
        }
    }

    /// Builds `book` in release (the binary the warm cases time) and returns its path. For the overhead rows
    /// alone the debug binary does: the compiler, the linker and the program dominate them, not BookKit.
    private func buildBookBinary() throws -> URL {
        let configuration = overheadOnly ? "debug" : "release"
        _ = try timed(["swift", "build", "-c", configuration, "--package-path", root.path, "--product", "book"])
        let output = try timed(["swift", "build", "-c", configuration, "--package-path", root.path, "--show-bin-path"])
            .output
        return URL(fileURLWithPath: output.trimmingCharacters(in: .whitespacesAndNewlines)).appendingPathComponent(
            "book")
    }

    /// The progress line of `chapter` (`ok ... 1 compiled, 1 run`), trimmed to its work summary.
    private func workLine(_ output: String, _ chapter: String) -> String {
        let lines = output.split(separator: "\n").filter {
            $0.hasPrefix("ok") || $0.hasPrefix("FAIL") || $0.hasPrefix("fixed")
        }
        let work = lines.map { line in line.split(separator: " ", omittingEmptySubsequences: true) }
            .map { words in "\(words[1]): " + words.suffix(from: 6).joined(separator: " ") }
        return work.joined(separator: "; ")
    }

    private func timed(_ command: [String]) throws -> (seconds: Double, output: String) {
        // No limit of its own: a cold build of the whole book is the slowest case timed here.
        let result = try Subprocess(
            executable: command[0], arguments: Array(command.dropFirst()),
            timeout: .greatestFiniteMagnitude
        ).run()
        let output = String(decoding: result.stdout, as: UTF8.self)
        // 1 means a chapter failed its checks (a chapter in progress): the timing still counts.
        guard
            result.termination == .exited(0)
                || (command.contains("build") && command.contains("--root") && result.termination == .exited(1))
        else {
            throw BuildSuiteError("\(command.joined(separator: " ")) failed (\(result.termination)):\n\(output)")
        }
        return (result.seconds, output)
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}

struct BuildSuiteError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
