import BookTestSupport
import Foundation
import Testing

@testable import BookKit

/// Hostile snippets against the run protocol and the containment of chapter programs (issue "Contain the
/// build"). Each case once got past the build: printed markers, forged ends, time limits stretched by
/// output, children that outlived the build, signals ignored from the start, the author's environment.
@Suite(.serialized) struct RunProtocolTests {
    /// A chapter from snippet bodies (each a ```swift block with the given info string).
    private func chapter(_ snippets: [(info: String, code: String)]) -> String {
        snippets.map { "```swift \($0.info)\n\($0.code)\n```\n" }.joined(separator: "\n")
    }

    private func check(_ text: String) throws -> (CheckedChapter, BookBuilder.ChapterReport) {
        try Fixtures.check("protocol", text: text)
    }

    /// A unique token for process names and files, so that concurrent test runs cannot see each other.
    private func token() -> String { "\(getpid())\(Int.random(in: 100_000...999_999))" }

    /// Process ids whose command line contains `text` (other than this test process).
    private func processes(containing text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard pid != getpid(), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
                return false
            }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(text)
        }
    }

    // MARK: The protocol cannot be forged by output

    @Test func printedEndMarkerAndExitDoNotHideLaterSnippets() throws {
        // On the old protocol this printed the end marker, exited 0, and the failing precondition below never
        // ran: the build passed.
        let text = chapter([
            (
                "id=forger",
                "print(\"\\u{1E}book-snippet -1\\u{1E}\")\nprint(\"__book_end\")\nimport Foundation\nexit(0)"
            ),
            ("id=later", "precondition(1 + 1 == 3, \"must fail\")"),
        ])
        let (_, report) = try check(text)
        let messages = report.errors.map(\.message)
        #expect(messages.count == 1)
        #expect(messages.first?.contains("snippet 'forger' ended the program with exit status 0") == true)
        #expect(messages.first?.contains("did not run: 'later' (line 8)") == true, "\(messages)")
    }

    @Test func printedMarkersStayTheSnippetsOwnOutput() throws {
        let text = chapter([
            ("id=a", "print(\"\\u{1E}book-snippet 1\\u{1E}\")\nprint(\"injected into b\")"),
            ("id=b", "print(\"b's own\")"),
        ])
        let (checked, _) = try check(text)
        #expect(checked.outcomes[0]?.stdout == "\u{1E}book-snippet 1\u{1E}\ninjected into b\n")
        #expect(checked.outcomes[1]?.stdout == "b's own\n")
    }

    @Test func printedFigureTextIsOutputNotAFigure() throws {
        let text = chapter([
            ("id=a", "print(\"\\u{1E}book-figure\\u{1E}\\nfigure line\\ntitle fake\\n\\u{1E}book-figure-end\\u{1E}\")"),
            (
                "id=b",
                "import Kexue\nFigure.line(title: \"real\", x: \"x\", y: \"y\").series(\"s\", xs: [0, 1], ys: [1, 2]).show()\nprint(\"after\")"
            ),
        ])
        let (checked, _) = try check(text)
        #expect(checked.outcomes[0]?.figures == [])
        #expect(checked.outcomes[0]?.stdout.contains("title fake") == true)
        #expect(checked.outcomes[1]?.figures.count == 1)
        #expect(checked.outcomes[1]?.figures.first?.contains("title real") == true)
        #expect(checked.outcomes[1]?.stdout == "after\n")
    }

    @Test func writingToTheControlChannelIsAViolation() throws {
        let text = chapter([
            (
                "id=a",
                "import Glibc\nlet frame = \"9\\nend 12345\"\n_ = frame.withCString { write(3, $0, strlen($0)) }\nprint(\"after\")"
            ),
            ("id=b", "print(\"b\")"),
        ])
        let (_, report) = try check(text)
        #expect(report.errors.count == 1)
        #expect(
            report.errors.first?.message.contains("broke the run protocol") == true, "\(report.errors.map(\.message))")
    }

    @Test func theRuntimePlaceholderNameReachesNothing() throws {
        // A snippet that writes the runtime's placeholder name does not get the runtime's functions.
        let text = chapter([("fails id=a", "__BOOK_RUNTIME___end()")])
        let (_, report) = try check(text)
        #expect(report.errors.isEmpty, "\(report.errors.map(\.message))")
    }

    // MARK: Time limits

    @Test(arguments: ["print(\"tick\"); fflush(stdout); sleep(1)", "putchar(46); fflush(stdout); sleep(1)"])
    func outputDoesNotStretchTheTimeLimit(body: String) throws {
        // A line (or one byte) per second once stretched a 3 s limit to 10 s (18 s), restarting the clock.
        let text = chapter([("id=slow timeout=3", "import Glibc\nfor _ in 0..<30 { \(body) }")])
        let started = Date()
        let (_, report) = try check(text)
        let seconds = Date().timeIntervalSince(started)
        #expect(
            report.errors.first?.message.contains("did not finish within 3 s") == true,
            "\(report.errors.map(\.message))")
        #expect(seconds < 8, "a 3 s limit took \(seconds) s (compile time included)")
    }

    // MARK: Containment

    @Test func childrenThatLeaveTheProcessGroupDieWithTheProgram() throws {
        let mark = token()
        let text =
            chapter([
                (
                    "id=spawn",
                    """
                    import Foundation
                    let child = Process()
                    child.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
                    child.arguments = ["/bin/sh", "-c", "sleep 30 # \(mark)"]
                    child.standardOutput = FileHandle.standardOutput
                    try! child.run()
                    print("spawned")
                    """
                )
            ]) + "\n```output\nspawned\n```\n"
        let started = Date()
        let (checked, report) = try check(text)
        // The setsid child kept stdout open; the build must not wait for it (it once caused a false timeout).
        #expect(Date().timeIntervalSince(started) < 25)
        #expect(report.errors.isEmpty, "\(report.errors.map(\.message))")
        #expect(checked.outcomes[0]?.stdout == "spawned\n")
        #expect(processes(containing: mark).isEmpty, "the setsid child outlived its program")
    }

    @Test func doubleForkedDaemonsDieWithTheProgram() throws {
        let mark = token()
        let text =
            chapter([
                (
                    "id=daemon",
                    """
                    import Glibc
                    // Fork twice and setsid: the classic daemon, re-parented away from the program.
                    if fork() == 0 {
                        _ = setsid()
                        if fork() == 0 {
                            close(1); close(2)
                            execv("/bin/sleep", ["/bin/sleep", "40.\(mark.suffix(4))", nil].map { $0.flatMap { strdup($0) } })
                        }
                        _exit(0)
                    }
                    usleep(200_000)
                    print("parent done")
                    """
                )
            ]) + "\n```output\nparent done\n```\n"
        let (_, report) = try check(text)
        #expect(report.errors.isEmpty, "\(report.errors.map(\.message))")
        #expect(processes(containing: "40.\(mark.suffix(4))").isEmpty, "the double-forked daemon outlived its program")
    }

    /// The program tries to free a daemon by killing (or stopping) the process above it. In a PID namespace
    /// (root, as in CI) the process above it is the namespace's init, which the kernel protects; without one
    /// the subreaper supervisor could be killed, which the README states as the mechanism's limit.
    @Test(.enabled(if: getuid() == 0, "PID namespaces need CAP_SYS_ADMIN"), arguments: ["SIGKILL", "SIGSTOP"])
    func killingTheProcessAboveCannotFreeADaemon(signalName: String) throws {
        let mark = token()
        let text =
            chapter([
                (
                    "id=escape timeout=20",
                    """
                    import Glibc
                    if fork() == 0 {
                        _ = setsid()
                        if fork() == 0 {
                            signal(SIGTERM, SIG_IGN); signal(SIGHUP, SIG_IGN)
                            close(1); close(2)
                            execv("/bin/sleep", ["/bin/sleep", "50.\(mark.suffix(4))", nil].map { $0.flatMap { strdup($0) } })
                        }
                        _exit(0)
                    }
                    usleep(300_000)
                    kill(getppid(), \(signalName))
                    usleep(300_000)
                    print("still here")
                    """
                )
            ]) + "\n```output\nstill here\n```\n"
        let started = Date()
        let (_, report) = try check(text)
        #expect(report.errors.isEmpty, "\(report.errors.map(\.message))")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(processes(containing: "50.\(mark.suffix(4))").isEmpty, "the daemon outlived its program")
    }

    /// Figures are output too: a flood of them is stopped at the output cap, like printed text.
    @Test func figuresCountTowardTheOutputCap() throws {
        let text = chapter([
            (
                "id=figures",
                """
                import Kexue
                let xs = (0..<100_000).map(Double.init)
                for _ in 0..<20 { Figure.line(title: "big", x: "x", y: "y").series("s", xs: xs, ys: xs).show() }
                print("done")
                """
            )
        ])
        let (_, report) = try check(text)
        #expect(report.errors.count == 1)
        #expect(
            report.errors.first?.message.contains("printed more than 1 MiB") == true, "\(report.errors.map(\.message))")
    }

    /// The whole `book build` killed with SIGKILL while a snippet runs: the snippet and its children die too.
    @Test func killingTheBuildKillsTheSnippets() throws {
        let mark = token()
        let book = try ScratchChapters(
            "protocol-kill",
            chapters: [
                "spin": chapter([
                    (
                        "id=spin timeout=100",
                        """
                        import Foundation
                        let child = Process()
                        child.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
                        child.arguments = ["/bin/sh", "-c", "sleep 60 # \(mark)"]
                        try! child.run()
                        FileManager.default.createFile(atPath: "/tmp/\(mark).started", contents: nil)
                        sleep(60)
                        """
                    )
                ])
            ])
        defer { book.remove(); try? FileManager.default.removeItem(atPath: "/tmp/\(mark).started") }
        // Foundation.Process, not `Subprocess`: the test kills `book` alone (by its pid) and checks that the
        // build's own supervision kills the snippets; `Subprocess` would kill the whole tree itself.
        let build = Process()
        build.executableURL = Fixtures.bookExecutable
        build.arguments = ["build", "--root", book.root.path, "--package", Fixtures.packageRoot.path]
        build.standardOutput = FileHandle.nullDevice
        build.standardError = FileHandle.nullDevice
        try build.run()
        defer { if build.isRunning { kill(build.processIdentifier, SIGKILL) } }
        var started = false
        for _ in 0..<1200 where !started {
            started = FileManager.default.fileExists(atPath: "/tmp/\(mark).started")
            if !started { Thread.sleep(forTimeInterval: 0.1) }
        }
        try #require(started, "the snippet started")
        #expect(processes(containing: mark).count >= 1)
        kill(build.processIdentifier, SIGKILL)
        // Checked before waiting for the build's exit: the snippet sleeps 60 s, so a survivor is still there.
        var left = processes(containing: mark)
        for _ in 0..<50 where !left.isEmpty {
            Thread.sleep(forTimeInterval: 0.1)
            left = processes(containing: mark)
        }
        #expect(left.isEmpty, "processes outlived the killed build: \(left)")
        build.waitUntilExit()
    }

    /// `book build` ignores SIGINT and SIGTERM itself (it handles them); its programs must not inherit that,
    /// nor a blocked mask, nor the author's environment.
    @Test func programsStartWithDefaultSignalsAndTheDocumentedEnvironment() throws {
        let book = try ScratchChapters(
            "protocol-signals",
            chapters: [
                "env": chapter([
                    (
                        "id=state",
                        """
                        import Foundation
                        var old = sigaction()
                        sigaction(SIGINT, nil, &old)
                        let intDefault = unsafeBitCast(old.__sigaction_handler.sa_handler, to: Int.self) == 0
                        sigaction(SIGTERM, nil, &old)
                        let termDefault = unsafeBitCast(old.__sigaction_handler.sa_handler, to: Int.self) == 0
                        var mask = sigset_t()
                        sigprocmask(SIG_BLOCK, nil, &mask)
                        print("SIGINT default:", intDefault, "SIGTERM default:", termDefault,
                              "SIGTERM blocked:", sigismember(&mask, SIGTERM) == 1, "SIGINT blocked:", sigismember(&mask, SIGINT) == 1)
                        print(ProcessInfo.processInfo.environment.keys.sorted().joined(separator: " "))
                        """
                    )
                ])
                    + "\n```output\nSIGINT default: true SIGTERM default: true SIGTERM blocked: false SIGINT blocked: false\n"
                    + Run.environment.keys.sorted().joined(separator: " ") + "\n```\n"
            ])
        defer { book.remove() }
        var environment = ProcessInfo.processInfo.environment
        environment["BOOK_AUTHOR_SECRET"] = "leaked"
        let result = try book.book(["build", "--no-cache"], environment: environment, timeout: 300)
        let stderr = String(decoding: result.stderr, as: UTF8.self)
        #expect(result.termination == .exited(0), "\(stderr)")
    }

    /// The runtime file's own declarations are named after the program's hash, so a chapter may use any name
    /// (before: a chapter's `let inputs` collided with the runtime's stdin table, and every snippet of
    /// chapter 4 failed to compile).
    @Test func runtimeNamesDoNotCollideWithSnippets() throws {
        let text = """
            ```swift
            let inputs = [1, 2]
            let nonce = 3
            func send(_ x: Int) -> Int { x }
            func feed(_ x: Int) -> Int { x }
            func fail(_ x: Int) -> Int { x }
            let purgeInput = 4
            print(inputs.count + nonce + send(1) + feed(1) + fail(1) + purgeInput)
            ```

            ```output
            12
            ```

            """
        let (_, report) = try Fixtures.check("runtime-names", text: text)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.passed == 1)
    }
}
