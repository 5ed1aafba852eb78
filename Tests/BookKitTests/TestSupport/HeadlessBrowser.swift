import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: commands
/// on fd 3, replies on fd 4, each a JSON message ending in NUL). One browser process serves every page.
final class HeadlessBrowser {
    static func executable() -> String? {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
                let path = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// What loading a page showed.
    struct PageReport {
        /// Console errors, uncaught exceptions and failed loads (a missing font or stylesheet).
        var problems: [String] = []
        var screenshot = Data()
        var evaluation: Any?
    }

    private let pid: pid_t
    private let commands: Int32
    private let replies: Int32
    private let profile: URL
    private var nextID = 0
    private var buffer: [UInt8] = []
    private var session = ""
    private var events: [[String: Any]] = []

    init() throws {
        guard let chromium = Self.executable() else { throw Failure(description: "no chromium on PATH") }
        profile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "book-chromium-\(getpid())-\(UUID().uuidString)")
        var toBrowser: [Int32] = [0, 0], fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else { throw Failure(description: "pipe failed") }
        // posix_spawn, not `Subprocess`: Chromium's DevTools pipe reads commands on descriptor 3 and writes
        // replies on 4, the reverse of the run protocol's channel that `Subprocess` sets up there; and the
        // test talks to it in both directions while it runs. It is killed in deinit.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toBrowser[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fromBrowser[1], 4)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
            "--no-first-run", "--no-default-browser-check", "--hide-scrollbars", "--mute-audio",
            "--user-data-dir=\(profile.path)", "about:blank",
        ]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, chromium, &actions, nil, argv, environ)
        close(toBrowser[0]); close(fromBrowser[1])
        guard status == 0 else { throw Failure(description: "cannot start chromium: \(status)") }
        pid = child
        commands = toBrowser[1]
        replies = fromBrowser[0]
        let target = try send("Target.createTarget", ["url": "about:blank"])
        let attached = try send(
            "Target.attachToTarget", ["targetId": target["targetId"] as? String ?? "", "flatten": true])
        session = attached["sessionId"] as? String ?? ""
        for domain in ["Page", "Runtime", "Log"] { _ = try send("\(domain).enable", [:], inSession: true) }
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(commands); close(replies)
        try? FileManager.default.removeItem(at: profile)
    }

    /// Loads a page at a window width, waits for its load event, evaluates `expression` (awaiting it if it is a
    /// promise), takes a full-page screenshot, and reports console problems.
    /// - Parameters:
    ///   - media: the CSS media type to emulate (`"print"`); nil means the screen.
    ///   - dark: emulates `prefers-color-scheme: dark`.
    func visit(
        _ url: URL, width: Int, media: String? = nil, dark: Bool = false, evaluate expression: String
    ) throws -> PageReport {
        _ = try send(
            "Emulation.setEmulatedMedia",
            [
                "media": media ?? "",
                "features": [["name": "prefers-color-scheme", "value": dark ? "dark" : "light"]],
            ], inSession: true)
        _ = try send(
            "Emulation.setDeviceMetricsOverride",
            ["width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500], inSession: true)
        events.removeAll()
        _ = try send("Page.navigate", ["url": url.absoluteString], inSession: true)
        try waitForEvent("Page.loadEventFired")
        var report = PageReport()
        // A promise is awaited: the probe waits for the page's fonts.
        let result = try send(
            "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true], inSession: true
        )
        report.evaluation = (result["result"] as? [String: Any])?["value"]
        let shot = try send(
            "Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true], inSession: true)
        report.screenshot = Data(base64Encoded: shot["data"] as? String ?? "") ?? Data()
        for event in events {
            let method = event["method"] as? String ?? ""
            let params = event["params"] as? [String: Any] ?? [:]
            if method == "Runtime.exceptionThrown" {
                report.problems.append("exception: \((params["exceptionDetails"] as? [String: Any])?["text"] ?? "?")")
            } else if method == "Runtime.consoleAPICalled", params["type"] as? String == "error" {
                report.problems.append("console.error: \(params["args"] ?? "")")
            } else if method == "Log.entryAdded", let entry = params["entry"] as? [String: Any],
                entry["level"] as? String == "error"
            {
                report.problems.append("\(entry["text"] ?? "") \(entry["url"] ?? "")")
            }
        }
        return report
    }

    /// Sends a DevTools command to the page's session (`Input.dispatchKeyEvent`, ...) and returns its result.
    @discardableResult
    func command(_ method: String, _ params: [String: Any] = [:]) throws -> [String: Any] {
        try send(method, params, inSession: true)
    }

    /// Evaluates `expression` in the page as it is now (awaiting a promise) and returns its value.
    func evaluate(_ expression: String) throws -> Any? {
        let result = try command(
            "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Presses and releases a key in the page, as a reader's keyboard does (the page sees trusted events).
    /// `modifiers` is the DevTools bit set: 1 Alt, 2 Control, 4 Meta, 8 Shift.
    func press(_ key: String, code: String, keyCode: Int, modifiers: Int = 0) throws {
        for type in ["rawKeyDown", "keyUp"] {
            try command(
                "Input.dispatchKeyEvent",
                ["type": type, "key": key, "code": code, "windowsVirtualKeyCode": keyCode, "modifiers": modifiers])
        }
    }

    // MARK: Protocol

    private func send(_ method: String, _ params: [String: Any], inSession: Bool = false) throws -> [String: Any] {
        nextID += 1
        let id = nextID
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if inSession { message["sessionId"] = session }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(0)
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(commands, raw.baseAddress! + offset, raw.count - offset)
                guard written > 0 else { throw Failure(description: "chromium closed its pipe") }
                offset += written
            }
        }
        while true {
            let reply = try readMessage(timeout: 30)
            if reply["id"] as? Int == id {
                if let error = reply["error"] { throw Failure(description: "\(method): \(error)") }
                return reply["result"] as? [String: Any] ?? [:]
            }
            if reply["method"] != nil { events.append(reply) }
        }
    }

    private func waitForEvent(_ method: String) throws {
        if events.contains(where: { $0["method"] as? String == method }) { return }
        while true {
            let message = try readMessage(timeout: 30)
            if message["method"] != nil { events.append(message) }
            if message["method"] as? String == method { return }
        }
    }

    private func readMessage(timeout: Double) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let data = Data(buffer[..<end])
                buffer.removeSubrange(...end)
                return (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            }
            var descriptor = pollfd(fd: replies, events: Int16(POLLIN), revents: 0)
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            guard remaining > 0, poll(&descriptor, 1, remaining) > 0 else {
                throw Failure(description: "chromium did not answer within \(timeout) s")
            }
            let count = read(replies, &chunk, chunk.count)
            guard count > 0 else { throw Failure(description: "chromium exited") }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }
}
