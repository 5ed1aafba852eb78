import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// A chapter's programs run in parallel, and all chapters' compiles and runs share one limit of `--jobs`:
/// snippet time limits are wall-clock, so the build must never run more programs than it was given.
@Suite struct ProgramConcurrencyTests {
    /// A chapter of `count` programs (snippets separated by `reset`), each of which records when it ran.
    private func chapter(_ name: String, programs count: Int, log: String) -> String {
        (0..<count).map { i in
            """
            ```swift reset
            import Foundation
            // \(name) program \(i)
            let start = Date().timeIntervalSince1970
            Thread.sleep(forTimeInterval: 0.6)
            let end = Date().timeIntervalSince1970
            try! "\\(start) \\(end)\\n".write(toFile: "\(log)/\(name)-\(i)", atomically: true, encoding: .utf8)
            ```

            """
        }.joined(separator: "\n")
    }

    /// The most programs that were running at one instant, from their recorded intervals.
    private func peak(_ log: String) throws -> (peak: Int, programs: Int) {
        var events: [(Double, Int)] = []
        let names = try FileManager.default.contentsOfDirectory(atPath: log)
        for name in names {
            let words = try String(contentsOfFile: "\(log)/\(name)", encoding: .utf8).split(separator: " ")
            events.append((Double(words[0])!, 1))
            events.append((Double(words[1].trimmingCharacters(in: .whitespacesAndNewlines))!, -1))
        }
        // Ends before starts at the same instant.
        var running = 0, most = 0
        for (_, change) in events.sorted(by: { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }) {
            running += change
            most = max(most, running)
        }
        return (most, names.count)
    }

    @Test func aChaptersProgramsRunInParallelUnderTheBookWideLimit() throws {
        let logs = try ScratchFolder("concurrency-log")
        defer { logs.remove() }
        let log = logs.root.path
        let book = try ScratchChapters(
            "concurrency",
            chapters: [
                "one": "# One\n\n" + chapter("one", programs: 3, log: log),
                "two": "# Two\n\n" + chapter("two", programs: 3, log: log),
            ])
        defer { book.remove() }

        // One chapter: its three programs overlap (they ran one after another before).
        var report = try book.build(chapters: ["one"], jobs: 2, useCache: false)
        #expect(report.errors.isEmpty, "\(report.errors)")
        var seen = try peak(log)
        #expect(seen.programs == 3)
        #expect(seen.peak == 2, "one chapter's programs at once with --jobs 2: \(seen.peak)")

        // Two chapters of three programs each, two jobs: never more than two programs at once.
        try FileManager.default.removeItem(atPath: log)
        try FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: true)
        report = try book.build(jobs: 2, useCache: false)
        #expect(report.errors.isEmpty, "\(report.errors)")
        seen = try peak(log)
        #expect(seen.programs == 6)
        #expect(seen.peak <= 2, "programs at once with --jobs 2 over two chapters: \(seen.peak)")

        // And one job means one at a time.
        try FileManager.default.removeItem(atPath: log)
        try FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: true)
        report = try book.build(jobs: 1, useCache: false)
        seen = try peak(log)
        #expect(seen.programs == 6 && seen.peak == 1, "\(seen)")
    }

    /// Results and progress lines keep book order whatever finishes first, also with maps nested in maps.
    @Test func nestedParallelMapsKeepOrderAndTheSlotLimit() {
        let slots = WorkSlots(2)
        let running = Locked((now: 0, most: 0))
        let lines = Locked([Int]())
        let results = ParallelMap.run(Array(0..<4), jobs: 2) { chapter in
            ParallelMap.run(Array(0..<5), jobs: 2) { program in
                slots.run {
                    running.update {
                        $0.now += 1; $0.most = max($0.most, $0.now)
                    }
                    Thread.sleep(forTimeInterval: Double((chapter * 7 + program * 3) % 5) / 100)
                    running.update { $0.now -= 1 }
                    return chapter * 10 + program
                }
            }
        } completed: { chapter in
            lines.update { $0.append(chapter[0] / 10) }
        }
        #expect(results == (0..<4).map { c in (0..<5).map { c * 10 + $0 } })
        #expect(lines.value == [0, 1, 2, 3])
        #expect(running.value.most == 2)
    }
}
