import Synchronization

/// Hands one result from the thread that produced it to a thread blocked waiting for it.
final class ResultBox<Value: Sendable>: Sendable {
    private let stored = Mutex<Result<Value, any Error>?>(nil)

    /// The result, set once by the producer.
    var result: Result<Value, any Error>? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }

    /// The result's value or error; the producer must have set it.
    func take() throws -> Value {
        guard let result else { preconditionFailure("result taken before it was set") }
        return try result.get()
    }
}
