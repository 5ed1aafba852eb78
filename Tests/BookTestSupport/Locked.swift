import Synchronization

/// A value shared between threads (progress lines of a parallel build, what a stand-in renderer was sent):
/// a `Mutex` that closures can capture (a class holding it).
public final class Locked<Value: Sendable>: Sendable {
    private let stored: Mutex<Value>
    public init(_ value: Value) { stored = Mutex(value) }
    public var value: Value { stored.withLock { $0 } }
    public func update<T: Sendable>(_ body: (inout Value) -> T) -> T { stored.withLock { body(&$0) } }
}
