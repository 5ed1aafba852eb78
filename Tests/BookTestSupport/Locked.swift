import Foundation

/// A value shared between threads (progress lines of a parallel build, what a stand-in renderer was sent).
/// `@unchecked Sendable`: every read and write of `stored` holds `lock`.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    public init(_ value: Value) { stored = value }
    public var value: Value { lock.lock(); defer { lock.unlock() }; return stored }
    public func update<T>(_ body: (inout Value) -> T) -> T { lock.lock(); defer { lock.unlock() }; return body(&stored) }
}
