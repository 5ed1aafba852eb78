import BookTestSupport
import Foundation
import Testing

@testable import BookKit

@Suite struct StdinInputTests {
    /// A ```stdin block is data: quotes, backslashes, interpolation, `"""`, non-ASCII and 300 KB (more
    /// than a pipe holds) reach `readLine()` byte for byte, and the snippet after reads end of file.
    @Test func stdinTextIsDataNotCode() throws {
        let hostile = #"""); exit(3); print(""" \(1) \" é 🎉 \u{0} "#
        let filler = String(repeating: "x", count: 299) + "\n"
        let input = hostile + "\n" + String(repeating: filler, count: 1000)
        let text = """
            # Hostile input

            ```swift
            let first = readLine()!
            var count = 0, bytes = 0
            while let line = readLine() { count += 1; bytes += line.utf8.count }
            print(first.utf8.count, count, bytes)
            ```

            ```stdin
            \(input)```

            ```output
            \(hostile.utf8.count) 1000 299000
            ```

            ```swift
            print(readLine() == nil)
            ```

            ```output
            true
            ```

            """
        let (_, report) = try Fixtures.check("stdin-hostile", text: text)
        #expect(report.errors.isEmpty, "\(report.errors.map(\.description).joined(separator: "\n"))")
        #expect(report.passed == 2)
    }
}
