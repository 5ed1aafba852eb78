import BookTestSupport
import Testing

@testable import BookKit

@Suite struct ExtractTests {
    static let chapterText = """
        # Title

        ```swift id=a
        let x = 1
        print(x)
        ```

        ```output
        1
        ```

        Prose with `code` and a non-snippet block:

        ```python
        print("not a snippet")
        ```

        ```swift traps timeout=2
        fatalError()
        ```

        ```swift reset setup
        let y = 2
        ```

        """

    @Test func dumpShowsSnippetsWithLines() {
        let source = TestChapter.source(Self.chapterText)
        let (chapter, errors) = Extract.chapter(Parse.chapter(source))
        #expect(errors.isEmpty)
        #expect(
            Extract.dump(chapter) == """
                chapter chapters/t.md
                  program 1
                    snippet 'a' normal lines 3-6
                      | let x = 1
                      | print(x)
                      output lines 8-10
                      > 1
                    snippet #2 traps timeout=2.0 lines 18-20
                      | fatalError()
                  program 2
                    snippet #3 setup reset lines 22-24
                      | let y = 2

                """)
    }

    @Test func strayOutputBlockIsAnError() {
        let text = "Prose.\n\n```output\n1\n```\n\n```swift\nprint(1)\n```\n\nWords.\n\n```output\n1\n```\n"
        let source = TestChapter.source(text)
        let (_, errors) = Extract.chapter(Parse.chapter(source))
        #expect(
            errors.map { $0.description.split(separator: "\n")[0] } == [
                "chapters/t.md:3:1: error: output block does not follow a snippet",
                "chapters/t.md:13:1: error: output block does not follow a snippet",
            ])
    }

    /// Was: an output block after a link reference definition (which cmark drops from the tree) was taken
    /// as the snippet's.
    @Test func onlyBlankLinesMaySeparateASnippetFromItsOutput() {
        let text = "```swift\nprint(1)\n```\n[kexue]: https://kexue.fm\n\n```output\n1\n```\n"
        let (_, chapter, errors) = TestChapter.extract(text)
        #expect(chapter.snippets[0].expected == nil)
        #expect(errors.map(\.message) == ["output block does not follow a snippet"])
    }

    @Test func duplicateIdsAndSilentOutputAreErrors() {
        let text = "```swift id=a\nprint(1)\n```\n\n```swift silent id=a\nprint(2)\n```\n\n```output\n2\n```\n"
        let source = TestChapter.source(text)
        let (_, errors) = Extract.chapter(Parse.chapter(source))
        #expect(
            errors.map { $0.description.split(separator: "\n")[0] } == [
                "chapters/t.md:9:1: error: snippet 'a' is 'silent', which has no checked output, but an output block follows it",
                "chapters/t.md:5:17: error: snippet id 'a' is used twice",
            ])
    }
}
