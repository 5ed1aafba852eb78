import Foundation

@testable import BookKit

/// A chapter made from Markdown text in memory (`chapters/t.md`, slug `t`), taken through the pure stages:
/// what most stage tests start from.
public enum TestChapter {
    public static func source(
        _ text: String, slug: String = "t", title: String = "T", summary: String = "",
        original: OriginalPost? = nil
    ) -> ChapterSource {
        ChapterSource(
            slug: slug, path: "chapters/\(slug).md", title: title, summary: summary, text: text, original: original)
    }

    /// Parse and Extract: the parse, the chapter, and Extract's errors.
    public static func extract(_ text: String, summary: String = "", original: OriginalPost? = nil) -> (
        ParsedChapter, Chapter, [BookError]
    ) {
        let parsed = Parse.chapter(source(text, summary: summary, original: original))
        let (chapter, errors) = Extract.chapter(parsed)
        return (parsed, chapter, errors)
    }

    /// The chapter's rendered body (no typeset math: formulas show as their source) with the given outcomes.
    public static func body(_ text: String, outcomes: [Int: SnippetOutcome] = [:]) -> String {
        let (parsed, chapter, _) = extract(text)
        return ChapterPage.chapterBody(CheckedChapter(parsed: parsed, chapter: chapter, outcomes: outcomes, errors: []))
            .0
    }
}
