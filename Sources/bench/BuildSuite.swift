// `swift run bench build`: how long `book build` takes in the cases an author meets (a warm no-op, a prose
// edit, one program's compile + link + run), through the debug `book` that `swift run book build` runs, on a
// scratch copy of the chapters (nothing in chapters/ is edited), with the issue's goals and whether they hold.
// `--cold` adds the cold build and `--jobs 1` vs `--jobs 2` (minutes: the library and every program again).

import BookKit
import Foundation

struct BuildSuite {
    /// One measured case: its median time, its goal (nil: reported, no goal) and how it was measured.
    struct Row {
        var name: String
        var seconds: Double
        var goal: Double? = nil
        var note: String
        /// Whether the goal holds; nil without a goal.
        var holds: Bool? { goal.map { seconds <= $0 } }
    }

    /// Goals of the book tool's own time (issue 17): a warm no-op of the whole book, and a prose edit.
    static let noOpGoal = 0.3
    static let proseEditGoal = 0.5

    /// The package root (holds chapters/ and Sources/).
    var root: URL
    var rounds = 5
    /// Only the per-program overhead rows.
    var overheadOnly = false
    /// Also the cold rows: a copy of the library built from nothing, every program compiled and run again.
    var cold = false

    func run(json: Bool) throws {
        let started = now()
        let book = try buildBookBinary()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bench-build-\(getpid())")
        try? FileManager.default.removeItem(at: scratch)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: root.appendingPathComponent("chapters"), to: scratch.appendingPathComponent("chapters"))
        // The chapters are a scratch copy; the library, the program cache and the KaTeX cache are the package's
        // own (`--package`), so that "warm" means what it means for the author: built once before.
        let build = [book.path, "build", "--root", scratch.path, "--package", root.path]
        var rows: [Row] = []
        if !json {
            print(
                "Book build bench: the debug `book` (\(book.path)), the chapters copied to \(scratch.path), "
                    + "medians of \(rounds) rounds.")
        }

        if !overheadOnly {
            // Warm-up: fills the scratch site (and the package's caches, when the book was never built: minutes).
            let first = try timed(build)
            if !json { print(String(format: "first build of the copy: %.1f s", first.seconds)) }

            let noOps = try (0..<rounds).map { _ in try timed(build) }
            rows.append(
                Row(
                    name: "warm no-op (book binary)", seconds: median(noOps.map(\.seconds)), goal: Self.noOpGoal,
                    note: workLine(noOps[0].output)))
            let swiftRun = median(
                try (0..<3).map { _ in
                    try timed(
                        [
                            "swift", "run", "--package-path", root.path, "book", "build", "--root", scratch.path,
                            "--package", root.path,
                        ]
                    ).seconds
                })
            rows.append(
                Row(
                    name: "warm no-op (swift run)", seconds: swiftRun,
                    note: String(
                        format: "SwiftPM's start-up and up-to-date check %.2f s, the book tool %.2f s",
                        swiftRun - rows[0].seconds, rows[0].seconds)))

            // A prose edit: one sentence of a chapter changed, a different one each round, and the page checked
            // to carry it (a build that skipped the edit would be fast and wrong).
            let (file, page, original, line) = try proseTarget(in: scratch)
            defer { try? original.write(to: file, atomically: true, encoding: .utf8) }
            var edits: [Double] = []
            var lastOutput = ""
            for round in 0..<rounds {
                let marker = "Edited by the bench, round \(round)."
                try original.replacingOccurrences(of: line, with: line + " " + marker)
                    .write(to: file, atomically: true, encoding: .utf8)
                let result = try timed(build)
                let html = try String(contentsOf: scratch.appendingPathComponent("site/\(page)"), encoding: .utf8)
                guard html.contains(marker) else {
                    throw BuildSuiteError("the prose edit of \(file.lastPathComponent) did not reach site/\(page)")
                }
                edits.append(result.seconds)
                lastOutput = result.output
            }
            try original.write(to: file, atomically: true, encoding: .utf8)
            rows.append(
                Row(
                    name: "prose edit, one sentence", seconds: median(edits), goal: Self.proseEditGoal,
                    note: "\(file.lastPathComponent); " + workLine(lastOutput)))
        }

        rows += try overheadRows(book: book, scratch: scratch)
        if cold { rows += try coldRows(book: book, scratch: scratch) }

        for row in rows {
            if json {
                print(
                    #"{"suite": "build", "case": "\#(row.name)", "seconds": \#(String(format: "%.3f", row.seconds)), "#
                        + #""goal_seconds": \#(row.goal.map { String(format: "%.3f", $0) } ?? "null"), "#
                        + #""holds": \#(row.holds.map { "\($0)" } ?? "null"), "note": "\#(jsonEscaped(row.note))"}"#)
            } else {
                if row.name == rows.first?.name {
                    print("")
                    print(pad("case", 30) + lpad("seconds", 9) + lpad("goal", 8) + "  " + pad("holds", 6) + "how")
                }
                print(
                    pad(row.name, 30) + lpad(String(format: "%.3f", row.seconds), 9)
                        + lpad(row.goal.map { String(format: "≤ %.1f", $0) } ?? "-", 8) + "  "
                        + pad(row.holds.map { $0 ? "yes" : "NO" } ?? "-", 6) + row.note)
            }
        }
        if !json { print(String(format: "\nTotal %.0f s.", now() - started)) }
    }

    /// The line the prose edit extends: in the first chapter file (by name), the first line of plain prose
    /// (outside fences, not a heading, list, table or quote, no math, code or link) that ends a sentence.
    /// - Returns: the chapter file, its page, its text before the edit, and the line.
    private func proseTarget(in scratch: URL) throws -> (file: URL, page: String, text: String, line: String) {
        let folder = scratch.appendingPathComponent("chapters")
        let manifest = try String(contentsOf: folder.appendingPathComponent("book.json"), encoding: .utf8)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        where name.hasSuffix(".md") {
            let file = folder.appendingPathComponent(name)
            let text = try String(contentsOf: file, encoding: .utf8)
            var fenced = false
            for line in text.split(separator: "\n").map(String.init) {
                if line.hasPrefix("```") { fenced.toggle() }
                guard !fenced, let first = line.first, first.isUppercase, line.hasSuffix("."),
                    !line.contains(where: { "$`[]<>|*_\\".contains($0) }),
                    text.components(separatedBy: line).count == 2
                else { continue }
                // The manifest entry naming this file gives the page's slug.
                guard let entry = manifest.range(of: "\"\(name)\"").map({ manifest[..<$0.lowerBound] }),
                    let slugKey = entry.range(of: "\"slug\"", options: .backwards),
                    let slug = entry[slugKey.upperBound...].split(separator: "\"").dropFirst().first
                else { throw BuildSuiteError("book.json has no slug for \(name)") }
                return (file, "\(slug).html", text, line)
            }
        }
        throw BuildSuiteError("no chapter has a line of plain prose to edit")
    }

    /// Per-program overhead: a chapter of one-line snippets, each in a program of its own (`reset`), compiled,
    /// linked and run with nothing cached; and the same chapter with one snippet that does not compile, which
    /// costs one more compile of its program (the snippet is left out, the rest recompiled).
    private func overheadRows(book: URL, scratch: URL) throws -> [Row] {
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
            book.path, "build", "--root", tiny.path, "--package", root.path, "--no-cache", "--jobs", "1",
        ]
        let tinyFile = tiny.appendingPathComponent("chapters/tiny.md")
        try tinyChapter(broken: false).write(to: tinyFile, atomically: true, encoding: .utf8)
        _ = try timed(tinyBuild)  // warms the library's verification and the file cache
        // The chapter alone, with nothing to compile (every snippet `display`): the build's fixed cost, taken
        // off the per-program figure.
        try (0..<programs).map { "```swift display\nprint(\($0))\n```\n\n" }.joined()
            .write(to: tinyFile, atomically: true, encoding: .utf8)
        let fixed = median(try (0..<rounds).map { _ in try timed(tinyBuild).seconds })
        // Interleaved, so that a load that comes and goes falls on both.
        var clean: [Double] = [], broken: [Double] = []
        for _ in 0..<rounds {
            try tinyChapter(broken: false).write(to: tinyFile, atomically: true, encoding: .utf8)
            clean.append(try timed(tinyBuild).seconds)
            try tinyChapter(broken: true).write(to: tinyFile, atomically: true, encoding: .utf8)
            broken.append(try timed(tinyBuild).seconds)
        }
        return [
            Row(
                name: "per program (compile+link+run)", seconds: (median(clean) - fixed) / Double(programs),
                note: "\(programs) one-line programs, --no-cache --jobs 1: (median build - "
                    + String(format: "%.2f s", fixed) + " with nothing to compile) / \(programs)"),
            Row(
                name: "one snippet left out", seconds: median(zip(broken, clean).map { $0 - $1 }),
                note: "extra time when one snippet does not compile (its failed compile, then the program without it)"),
        ]
    }

    /// The cold rows (`--cold`): the chapters and a copy of the library sources built with nothing cached, then
    /// every program compiled and run again with one job and with two.
    private func coldRows(book: URL, scratch: URL) throws -> [Row] {
        let copy = scratch.appendingPathComponent("cold")
        for folder in ["chapters", "Sources/Kernels", "Sources/Kexue", "Sources/CKernelsSupport"] {
            let target = copy.appendingPathComponent(folder)
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: root.appendingPathComponent(folder), to: target)
        }
        let build = [book.path, "build", "--root", copy.path]
        let cold = try timed(build).seconds
        let one = try timed(build + ["--no-cache", "--jobs", "1"]).seconds
        let two = try timed(build + ["--no-cache", "--jobs", "2"]).seconds
        return [
            Row(name: "cold full build", seconds: cold, note: "library release build + every chapter program"),
            Row(name: "rebuild all, --jobs 1", seconds: one, note: "library cached; programs compiled and run"),
            Row(
                name: "rebuild all, --jobs 2", seconds: two,
                note: String(format: "speed-up %.2fx over --jobs 1", one / two)),
        ]
    }

    /// Builds the debug `book` (what `swift run book build` runs) and returns its path.
    private func buildBookBinary() throws -> URL {
        _ = try timed(["swift", "build", "--package-path", root.path, "--product", "book"])
        let output = try timed(["swift", "build", "--package-path", root.path, "--show-bin-path"]).output
        return URL(fileURLWithPath: output.trimmingCharacters(in: .whitespacesAndNewlines)).appendingPathComponent(
            "book")
    }

    /// What the chapters' progress lines say was done: `9 chapters cached`, or the work of the others.
    private func workLine(_ output: String) -> String {
        let lines = output.split(separator: "\n").filter {
            $0.hasPrefix("ok") || $0.hasPrefix("FAIL") || $0.hasPrefix("fixed")
        }
        let cached = lines.filter { $0.hasSuffix("cached") }.count
        let work = lines.filter { !$0.hasSuffix("cached") }.map { line -> String in
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            return "\(words[1]): " + words.suffix(from: 6).joined(separator: " ")
        }
        return (["\(cached) chapter(s) cached"] + work).joined(separator: "; ")
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
            throw BuildSuiteError(
                "\(command.joined(separator: " ")) failed (\(result.termination)):\n\(output)"
                    + String(decoding: result.stderr.suffix(3000), as: UTF8.self))
        }
        return (result.seconds, output)
    }

    private func jsonEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}

struct BuildSuiteError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
