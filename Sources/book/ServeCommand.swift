import ArgumentParser
import BookKit
import FlyingFox
import Foundation
import Synchronization

/// `book serve`: builds, serves `site/` on 127.0.0.1, rebuilds when a chapter or the library changes, and
/// reloads open pages after each rebuild.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Build, serve the site on 127.0.0.1 with live reload, and rebuild on every change."
    )

    @Option(help: "The port on 127.0.0.1.")
    var port: UInt16 = 8000

    @Option(help: "The book root, holding chapters/ and Sources/.")
    var root = "."

    @Option(help: "Where to write the site.")
    var output = "site"

    func run() async throws {
        Interrupts.install()
        let resources: BookResources
        do {
            resources = try BookResources.load()
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(BookExit.environment)
        }
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        let site = URL(fileURLWithPath: output, relativeTo: rootURL).standardizedFileURL
        var options = BookBuilder.Options(root: rootURL)
        options.output = site
        options.fix = false
        options.progress = { line in
            print(line)
            fflush(nil)
        }
        let generation = Generation()
        rebuild(options, generation: generation)

        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: port), logger: .disabled)
        await server.appendRoute(HTTPRoute("GET \(LiveReload.generationPath)")) { _ in
            HTTPResponse(
                statusCode: .ok, headers: [.contentType: "text/plain", .cacheControl: "no-store"],
                body: Data(String(generation.value).utf8))
        }
        await server.appendRoute("GET *") { request in
            guard let file = LiveReload.resolve(request.path, in: site),
                let data = FileManager.default.contents(atPath: file.path)
            else {
                return HTTPResponse(statusCode: .notFound, body: Data("not found\n".utf8))
            }
            let type = LiveReload.contentType(for: file)
            let body =
                type.hasPrefix("text/html")
                ? Data(LiveReload.inject(into: String(decoding: data, as: UTF8.self), resources: resources).utf8) : data
            return HTTPResponse(statusCode: .ok, headers: [.contentType: type, .cacheControl: "no-store"], body: body)
        }
        print("serving \(site.path) at http://127.0.0.1:\(port)/ (Ctrl-C stops)")
        fflush(nil)

        let watched = ["chapters", "Sources/Kernels", "Sources/Kexue"].map { rootURL.appendingPathComponent($0) }
        let watcher = Task.detached {
            var sources = SourceWatcher(folders: watched)
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 300_000_000)
                if sources.changed() {
                    // Edits saved while this runs are seen by the next poll (the build never writes chapters here).
                    rebuild(options, generation: generation)
                }
            }
        }
        defer { watcher.cancel() }
        try await server.run()
    }
}

/// The build generation the live-reload script polls.
final class Generation: Sendable {
    private let current = Mutex(0)
    var value: Int { current.withLock { $0 } }
    func bump() { current.withLock { $0 += 1 } }
}

private func rebuild(_ options: BookBuilder.Options, generation: Generation) {
    do {
        let report = try BookBuilder(options: options).build()
        for error in report.errors { FileHandle.standardError.write(Data(("\n" + error.description + "\n").utf8)) }
        print(String(format: "rebuilt in %.2f s: %d errors", report.seconds, report.errors.count))
        fflush(nil)
    } catch {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
    }
    generation.bump()
}
