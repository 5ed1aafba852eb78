/// Reading compiler diagnostics in chapter terms, shared by the stages that produce them (Build) and judge
/// them (Check), so that neither reaches into the other. Pure: text in, snippets out.
enum Diagnostics {
    /// The snippet a diagnostic line points into, by line range.
    /// Errors first; then notes ("to match this opening '{'"), which name the snippet when the error itself
    /// is reported at the end of the generated program (an unclosed brace).
    static func culprit(in diagnostics: String, plan: ProgramPlan) -> Snippet? {
        for kind in [": error: ", ": note: "] {
            for line in diagnostics.split(separator: "\n") where line.hasPrefix(plan.path + ":") && line.contains(kind) {
                let parts = line.dropFirst(plan.path.count + 1).split(separator: ":")
                if let number = parts.first.flatMap({ Int($0) }),
                   let match = plan.snippets.first(where: { $0.codeLine <= number && number < $0.endLine }) {
                    return match
                }
            }
        }
        return nil
    }
}
