/// One write queued on the store's writer, or about to be: start it with a completion (the
/// server does, so the answer goes straight back to the connection that asked) or await it.
public struct StoreWrite<Value: Sendable>: Sendable {
    /// Receives a write's outcome once its batch has committed or failed.
    public typealias Completion = @Sendable (Result<Value, any Error>) -> Void

    private let submit: @Sendable (@escaping Completion) -> Void

    init(submit: @escaping @Sendable (@escaping Completion) -> Void) {
        self.submit = submit
    }

    /// A write refused before it was queued (its arguments broke a rule).
    public init(failure error: any Error) {
        self.submit = { completion in completion(.failure(error)) }
    }

    /// The write that `body` describes, refused with what it throws before anything is queued.
    init(validating body: () throws -> StoreWrite) {
        do {
            self = try body()
        } catch {
            self.init(failure: error)
        }
    }

    /// Queues the write. `completion` runs once the batch holding it has committed (or failed), on
    /// the writer's thread, so it must hand the result on rather than work there; a write refused
    /// before queueing completes at once on the calling thread.
    public func whenCommitted(_ completion: @escaping Completion) {
        submit(completion)
    }

    /// Queues the write and returns its result once it has committed.
    public func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            whenCommitted { continuation.resume(with: $0) }
        }
    }
}

extension StoreWrite {
    /// Queues the write and blocks the calling thread until it has committed; for opening a store, never
    /// on an event loop.
    func wait() throws -> Value {
        try StoreRead<Value> { completion in whenCommitted(completion) }.wait()
    }
}
