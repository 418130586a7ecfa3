import Foundation

/// One read of the store: answered at once when the engine reads on the calling thread (SQLite), or
/// later, from another thread, when it reads over a network connection (PostgreSQL). Handlers turn it
/// into their reply without caring which.
public struct StoreRead<Value: Sendable>: Sendable {
    /// Receives a read's outcome.
    public typealias Completion = @Sendable (Result<Value, any Error>) -> Void

    private enum State: Sendable {
        case ready(Result<Value, any Error>)
        case pending(@Sendable (@escaping Completion) -> Void)
    }

    private let state: State

    /// A read answered now with `result`.
    public init(ready result: Result<Value, any Error>) {
        state = .ready(result)
    }

    /// A read answered later: `start` begins it and calls its completion exactly once, from any thread.
    public init(later start: @escaping @Sendable (@escaping Completion) -> Void) {
        state = .pending(start)
    }

    /// The read that `body` describes, failed with what it throws before anything is read.
    init(validating body: () throws -> StoreRead) {
        do {
            self = try body()
        } catch {
            self.init(ready: .failure(error))
        }
    }

    /// The outcome if the read was answered at once, else nil.
    public var readyResult: Result<Value, any Error>? {
        if case .ready(let result) = state { return result }
        return nil
    }

    /// Starts the read if it is not done and hands its outcome to `completion`: at once, on this thread,
    /// when it is ready.
    public func whenDone(_ completion: @escaping Completion) {
        switch state {
        case .ready(let result): completion(result)
        case .pending(let start): start(completion)
        }
    }

    /// The read's value, without suspending when it is ready.
    public func value() async throws -> Value {
        if case .ready(let result) = state { return try result.get() }
        return try await withCheckedThrowingContinuation { continuation in
            whenDone { continuation.resume(with: $0) }
        }
    }

    /// The read's value, blocking the calling thread until it is there. Never call it on a thread the
    /// answer needs (an event loop of the engine's connections).
    public func wait() throws -> Value {
        if case .ready(let result) = state { return try result.get() }
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<Value>()
        whenDone { result in
            box.result = result
            done.signal()
        }
        done.wait()
        return try box.take()
    }

    /// The same read with its value transformed by `transform`.
    public func map<Other>(_ transform: @escaping @Sendable (Value) throws -> Other) -> StoreRead<Other> {
        switch state {
        case .ready(let result):
            return StoreRead<Other>(ready: result.flatMap { value in Result { try transform(value) } })
        case .pending(let start):
            return StoreRead<Other> { completion in
                start { result in completion(result.flatMap { value in Result { try transform(value) } }) }
            }
        }
    }
}
