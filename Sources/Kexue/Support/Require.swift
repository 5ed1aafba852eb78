/// Checks a shape or argument contract and stops with `message` if it does not hold.
///
/// Why not `precondition`: under `-O` (how the book compiles Kexue) a failed `precondition` traps *without printing
/// its message*, so a reader would see "Illegal instruction" instead of
/// "matmul: [3, 4] and [5, 6]: inner dimensions 4 and 5 differ". `fatalError` prints in every mode except
/// `-Ounchecked`. The message is an autoclosure, so it costs nothing when the check passes.
@inline(__always)
func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() { contractViolation(message(), file: file, line: line) }
}

/// Out of line so the failure path does not bloat the callers.
@inline(never)
func contractViolation(_ message: String, file: StaticString, line: UInt) -> Never {
    fatalError(message, file: file, line: line)
}
