import BookTestSupport
import Foundation
import Synchronization
import Testing

@testable import BookKit

/// `book build --output`: never deletes what it did not write.
@Suite struct OutputFolderTests {
    /// Each of these deleted its target with exit 0 before the site writer checked its output.
    @Test(arguments: [".", "chapters", "Sources", "precious", "..", "chapters/site", "linked"])
    func refusesFoldersItDidNotWrite(output: String) throws {
        let book = try ScratchBook(
            "refuse-\(output.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ".", with: "dot"))")
        defer { book.remove() }
        try FileManager.default.createDirectory(
            at: book.root.appendingPathComponent("precious"), withIntermediateDirectories: true)
        try book.write("precious/file.txt", "keep me\n")
        try FileManager.default.createSymbolicLink(
            atPath: book.root.appendingPathComponent("linked").path, withDestinationPath: ".")
        // A marker planted in the protected folders changes nothing.
        for folder in ["", "chapters", "Sources"] {
            try book.write(
                folder.isEmpty ? SiteFolder.markerName : "\(folder)/\(SiteFolder.markerName)", SiteFolder.markerContents
            )
        }
        // Other tests use the same temporary folder: look only at what this book's build could have made there.
        let parentEntries = {
            try FileManager.default.contentsOfDirectory(atPath: book.root.deletingLastPathComponent().path)
                .filter { $0.contains(book.root.lastPathComponent) || $0.hasPrefix(".tmp.") || $0.hasSuffix(".lock") }
                .sorted()
        }
        let parentBefore = try parentEntries()
        let before = book.snapshot()
        let run = try book.book(["build", "--output", output])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("error: refusing to write the site to "), "\(run.stderr)")
        #expect(run.stderr.contains("\nhint: "))
        #expect(book.snapshot() == before, "nothing of the book changed")
        #expect(try parentEntries() == parentBefore)
    }

    @Test func neverReplacesHome() throws {
        let book = try ScratchBook("home")
        defer { book.remove() }
        let home = book.root.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        #expect(throws: BookError.self) {
            try SiteFolder.check(
                home, root: book.root.appendingPathComponent("elsewhere"),
                packageRoot: book.root.appendingPathComponent("elsewhere"),
                slugs: [], home: home.path)
        }
        // Through a symbolic link and `..` too.
        try FileManager.default.createSymbolicLink(
            atPath: book.root.appendingPathComponent("h").path, withDestinationPath: home.path)
        #expect(throws: BookError.self) {
            try SiteFolder.check(
                URL(fileURLWithPath: book.root.path + "/h/x/.."), root: book.root.appendingPathComponent("elsewhere"),
                packageRoot: book.root.appendingPathComponent("elsewhere"), slugs: [], home: home.path)
        }
    }

    /// A fresh clone has no site/; an empty folder, a marked site, and an unmarked site of an earlier
    /// version (adopted: the build writes the marker) are replaced; an unmarked site with a file a build
    /// does not write is refused.
    @Test func replacesOnlyItsOwnSites() throws {
        let book = try ScratchBook("own")
        defer { book.remove() }
        var run = try book.book(["build"])
        #expect(run.status == 0, "\(run.stderr)")
        let marker = book.root.appendingPathComponent("site/\(SiteFolder.markerName)")
        #expect(try String(contentsOf: marker, encoding: .utf8) == SiteFolder.markerContents)
        #expect(try book.book(["build"]).status == 0)

        try FileManager.default.removeItem(at: marker)
        run = try book.book(["build"])
        #expect(run.status == 0, "an unmarked site of an earlier version is adopted: \(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: marker.path))

        try FileManager.default.removeItem(at: marker)
        try book.write("site/notes.txt", "mine\n")
        run = try book.book(["build"])
        #expect(run.status == 64)
        #expect(try String(contentsOf: book.root.appendingPathComponent("site/notes.txt"), encoding: .utf8) == "mine\n")

        try FileManager.default.createDirectory(
            at: book.root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        #expect(try book.book(["build", "--output", "empty"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: book.root.appendingPathComponent("empty/index.html").path))
    }
}

/// What the author adds to a built site (a `CNAME`, a gh-pages worktree's `.git`, a link) outlives every
/// build. Was: a full build deleted them with exit 0.
@Suite struct AuthorFilesTests {
    @Test func buildsKeepWhatTheyDidNotWrite() throws {
        let book = try ScratchBook("author-files")
        defer { book.remove() }
        #expect(try book.book(["build"]).status == 0)
        let site = book.root.appendingPathComponent("site")
        try book.write("site/CNAME", "book.example.org\n")
        try FileManager.default.createDirectory(
            at: site.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try book.write("site/.git/HEAD", "ref: refs/heads/gh-pages\n")
        try FileManager.default.createSymbolicLink(
            atPath: site.appendingPathComponent(".git/head-link").path, withDestinationPath: "HEAD")
        try FileManager.default.createSymbolicLink(
            atPath: site.appendingPathComponent("latest").path, withDestinationPath: "/etc/hostname")
        let authored = {
            book.snapshot("site").filter { $0.key == "CNAME" || $0.key == "latest" || $0.key.hasPrefix(".git") }
        }
        let mine = authored()
        #expect(mine.count == 5 && mine["latest"] == Data("-> /etc/hostname".utf8))

        var run = try book.book(["build"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("kept 3 entries the build did not write: .git, CNAME, latest\n"), "\(run.stdout)")
        #expect(authored() == mine, "byte-identical, links still links")
        run = try book.book(["build", "--chapter", "one"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(authored() == mine)

        // Still one atomic exchange: killed before it, the previous site (with the author's files) is whole;
        // killed after it, the new one is.
        try book.chapter("one", prose: "Changed prose.")
        let before = book.snapshot("site")
        #expect(try book.book(["build"], killAt: "swap").signaled)
        #expect(book.snapshot("site") == before)
        #expect(try book.book(["build"], killAt: "retire").signaled)
        #expect(authored() == mine)
        #expect(String(decoding: book.snapshot("site")["one.html"] ?? Data(), as: UTF8.self).contains("Changed prose."))
        #expect(try book.book(["build"]).status == 0)
        #expect(book.leftovers().isEmpty)

        // A page a build wrote for a chapter since removed from the manifest is not the author's: it goes.
        try book.write(
            "chapters/book.json",
            """
            { "title": "Safety", "chapters": [ { "slug": "one", "file": "one.md", "title": "One", "summary": "s" } ] }
            """)
        try book.write("chapters/one.md", "# one\n\nAlone.\n")
        run = try book.book(["build"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(book.snapshot("site")["two.html"] == nil)
        #expect(authored() == mine)
    }

    /// Without author files, two builds write the same bytes (and print no note).
    @Test func rebuildIsByteIdentical() throws {
        let book = try ScratchBook("author-none")
        defer { book.remove() }
        #expect(try book.book(["build"]).status == 0)
        let first = book.snapshot("site")
        let run = try book.book(["build"])
        #expect(run.status == 0)
        #expect(!run.stdout.contains("kept "))
        #expect(book.snapshot("site") == first)
    }
}

/// The swap: atomic, recovered after a kill, never publishing dangling links, and clean on permission errors.
@Suite struct SiteSwapTests {
    /// `kill -9` at each stage boundary: the previous site stays whole (or, after the exchange, the new one
    /// is whole), the chapters are untouched, and the next build exits 0 and leaves no leftovers.
    @Test(arguments: ["load", "library", "chapters", "render", "write", "swap", "retire"])
    func killedAtEachStage(stage: String) throws {
        let book = try ScratchBook("kill-\(stage)")
        defer { book.remove() }
        #expect(try book.book(["build"]).status == 0)
        let oldSite = book.snapshot("site")
        try book.chapter("one", prose: "Changed prose.")
        let chapters = book.snapshot("chapters")

        let killed = try book.book(["build", "--fix"], killAt: stage)
        #expect(killed.signaled && killed.status == SIGKILL, "killed at \(stage): \(killed.stderr)")
        #expect(book.snapshot("chapters") == chapters, "chapter files are byte-identical")
        let site = book.snapshot("site")
        if stage == "retire" {
            #expect(
                String(decoding: site["one.html"] ?? Data(), as: UTF8.self).contains("Changed prose."),
                "the new site is in place")
            #expect(Set(site.keys) == Set(oldSite.keys), "and whole")
        } else {
            #expect(site == oldSite, "the previous site is intact")
        }
        #expect(try book.danglingLinks() == [])

        let next = try book.book(["build"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(book.leftovers().isEmpty, "\(book.leftovers())")
        #expect(String(decoding: book.snapshot("site")["one.html"] ?? Data(), as: UTF8.self).contains("Changed prose."))
    }

    /// An older version killed between its two renames left no site/ and a `.site.old-PID`; the next
    /// build (even of one chapter) puts it back instead of publishing a site without the other pages.
    @Test func restoresARetiredSite() throws {
        let book = try ScratchBook("restore")
        defer { book.remove() }
        #expect(try book.book(["build"]).status == 0)
        let two = book.snapshot("site")["two.html"]
        try FileManager.default.moveItem(
            at: book.root.appendingPathComponent("site"), to: book.root.appendingPathComponent(".site.old-99999"))
        try book.write(".site.staging-99998", "a half-written staging folder")
        let run = try book.book(["build", "--chapter", "one"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("restored "))
        #expect(book.snapshot("site")["two.html"] == two)
        #expect(book.leftovers().isEmpty)
        #expect(try book.danglingLinks() == [])
    }

    /// A `--chapter` build with no previous site publishes the other chapters as marked placeholders:
    /// exit 0 (the chapter built is fine), the progress says so, and no link dangles.
    @Test func chapterBuildWithoutASiteHasNoDanglingLinks() throws {
        let book = try ScratchBook("subset")
        defer { book.remove() }
        // The claims page links to a snippet anchor of chapter two, whose page is a placeholder in this build
        // (a --chapter build into a fresh output once failed with a "no anchor" error per such claim).
        try book.write(
            "chapters/two.md",
            "# two\n\nSecond. See [the other](one.html).\n\n```swift id=second\nprint(\"two\")\n```\n\n```output\ntwo\n```\n\n```claims\nreproduced: two prints its name (#second)\n```\n"
        )
        let run = try book.book(["build", "--chapter", "one"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("stub  two: not built yet"))
        let page = String(decoding: book.snapshot("site")["two.html"] ?? Data(), as: UTF8.self)
        #expect(page.contains("Not built yet"))
        #expect(try book.danglingLinks() == [])
        // A full build replaces the placeholder.
        #expect(try book.book(["build"]).status == 0)
        #expect(!String(decoding: book.snapshot("site")["two.html"] ?? Data(), as: UTF8.self).contains("Not built yet"))
    }

    /// A read-only or foreign-owned site (or a read-only folder above it) is an environment error (exit 2)
    /// before anything is staged: no `.site.old-*` or staging folder is left, the site is unchanged.
    @Test(arguments: ["read-only site", "read-only subfolder", "foreign-owned site", "read-only parent"])
    func unwritableSiteLeavesNothingBehind(setup: String) throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        let book = try ScratchBook("perm-\(setup.replacingOccurrences(of: " ", with: "-"))")
        defer { book.remove() }
        let nobody: UInt32 = 65534
        _ = Subprocess.launchedProcessAndWait("/bin/chown", ["-R", "\(nobody)", book.root.path])
        #expect(try book.book(["build"], asUser: nobody).status == 0)
        try book.chapter("one", prose: "Changed prose.")
        _ = Subprocess.launchedProcessAndWait(
            "/bin/chown", ["\(nobody)", book.root.appendingPathComponent("chapters/one.md").path])
        let site = book.root.appendingPathComponent("site")
        switch setup {
        case "read-only site":
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: site.path)
        case "read-only subfolder":
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o555], ofItemAtPath: site.appendingPathComponent("katex").path)
        case "foreign-owned site": _ = Subprocess.launchedProcessAndWait("/bin/chown", ["0", site.path])
        default: try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: book.root.path)
        }
        let before = book.snapshot("site")
        let run = try book.book(["build"], asUser: nobody)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("error: cannot write the site to \(site.path): "), "\(run.stderr)")
        #expect(book.leftovers().isEmpty)
        #expect(book.snapshot("site") == before)
    }
}

extension Subprocess {
    /// Runs a tool to its end; its exit status, or -1 if it could not start or was killed.
    static func launchedProcessAndWait(_ path: String, _ arguments: [String]) -> Int32 {
        guard let result = try? Subprocess(executable: path, arguments: arguments, timeout: 60).run(),
            case .exited(let status) = result.termination
        else { return -1 }
        return status
    }
}
