import BookKit
import Foundation

/// The browser suites' view of a headless Chromium: loads a page at a width, evaluates a probe, takes a full-page
/// screenshot and collects console problems. One browser process serves every page; it runs as BookKit's
/// `DevToolsSession` (under the build's supervisor, killed when the browser is released).
final class HeadlessBrowser {
    static func executable() -> String? { ChromiumExecutable.find() }

    /// What loading a page showed.
    struct PageReport {
        /// Console errors, uncaught exceptions and failed loads (a missing font or stylesheet).
        var problems: [String] = []
        var screenshot = Data()
        var evaluation: Any?
    }

    private let session: DevToolsSession

    init() throws {
        session = try DevToolsSession(chromium: try ChromiumExecutable.locate(), timeout: 30)
    }

    /// Loads a page at a window width, waits for its load event, evaluates `expression` (awaiting it if it is a
    /// promise), takes a full-page screenshot, and reports console problems.
    /// - Parameters:
    ///   - media: the CSS media type to emulate (`"print"`); nil means the screen.
    ///   - dark: emulates `prefers-color-scheme: dark`.
    func visit(
        _ url: URL, width: Int, media: String? = nil, dark: Bool = false, evaluate expression: String
    ) throws -> PageReport {
        try session.send(
            "Emulation.setEmulatedMedia",
            [
                "media": media ?? "",
                "features": [["name": "prefers-color-scheme", "value": dark ? "dark" : "light"]],
            ])
        try session.send(
            "Emulation.setDeviceMetricsOverride",
            ["width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500])
        session.clearEvents()
        try session.send("Page.navigate", ["url": url.absoluteString])
        try session.waitForEvent("Page.loadEventFired")
        var report = PageReport()
        // A promise is awaited: the probe waits for the page's fonts.
        let result = try session.send(
            "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        report.evaluation = (result["result"] as? [String: Any])?["value"]
        let shot = try session.send("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true])
        report.screenshot = Data(base64Encoded: shot["data"] as? String ?? "") ?? Data()
        for event in session.events {
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
        try session.send(method, params)
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
}
