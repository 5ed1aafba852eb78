import BookTestSupport
import Foundation
import Testing

@testable import BookKit

@Suite struct LiveReloadTests {
    @Test func resolvesOnlyInsideTheSite() throws {
        let scratch = try ScratchFolder("serve")
        defer { scratch.remove() }
        let site = scratch.root
        try FileManager.default.createDirectory(at: scratch.url("sub"), withIntermediateDirectories: true)
        try scratch.write("index.html", "<html><body>x</body></html>")
        try scratch.write("style.css", "a{}")
        #expect(LiveReload.resolve("/", in: site)?.lastPathComponent == "index.html")
        #expect(LiveReload.resolve("/style.css?v=1", in: site)?.lastPathComponent == "style.css")
        #expect(LiveReload.resolve("/../\(site.lastPathComponent)/index.html", in: site) == nil)
        #expect(LiveReload.resolve("/%2e%2e/etc/passwd", in: site) == nil)
        #expect(LiveReload.resolve("/.hidden", in: site) == nil)
        #expect(LiveReload.resolve("/missing.html", in: site) == nil)
        #expect(LiveReload.resolve("/sub/", in: site) == nil, "a folder without index.html")
    }

    @Test func injectsBeforeTheClosingBody() throws {
        let page = LiveReload.inject(into: "<html><body><p>x</p></body></html>", resources: try BookResources.load())
        #expect(page.hasPrefix("<html><body><p>x</p><script>\n// Injected by `book serve`"))
        #expect(page.hasSuffix("</script>\n</body></html>"))
    }

    /// The route `book serve` answers and the path `live-reload.js` polls are one: the script names it only by
    /// the placeholder `LiveReload` substitutes.
    @Test func theScriptPollsTheGenerationRoute() throws {
        let resources = try BookResources.load()
        #expect(
            resources.liveReload.components(separatedBy: LiveReload.generationPathPlaceholder).count == 2,
            "live-reload.js names the generation path once, by the placeholder")
        #expect(!resources.liveReload.contains(LiveReload.generationPath), "and never spells the path itself")
        let script = LiveReload.script(resources)
        #expect(script.contains("fetch(\"\(LiveReload.generationPath)\""))
        #expect(!script.contains(LiveReload.generationPathPlaceholder))
    }

    @Test func watcherSeesEdits() throws {
        let scratch = try ScratchFolder("watch")
        defer { scratch.remove() }
        let folder = scratch.root, file = scratch.url("a.md")
        try "one".write(to: file, atomically: true, encoding: .utf8)
        var watcher = SourceWatcher(folders: [folder])
        let unchanged = watcher.changed()
        #expect(!unchanged)
        try "one, longer".write(to: file, atomically: true, encoding: .utf8)
        let edited = watcher.changed()
        #expect(edited)
        let settled = watcher.changed()
        #expect(!settled)
    }
}
