/// A handler's answer to one call: ready when the handler returns (a read served on the
/// event loop), or delivered later by work that finishes elsewhere (a write's commit, an
/// `async` check), exactly once, from any thread.
public struct Reply<Response: Sendable>: Sendable {
    /// Receives the outcome of a reply that is not ready yet.
    public typealias Completion = @Sendable (Result<Response, any Error>) -> Void

    enum State: Sendable {
        case ready(Result<Response, any Error>)
        case pending(@Sendable (@escaping Completion) -> Void)
    }

    let state: State

    /// The reply `response`, ready now.
    public init(_ response: Response) {
        state = .ready(.success(response))
    }

    /// A reply that fails with `error`, ready now.
    public init(failure error: any Error) {
        state = .ready(.failure(error))
    }

    /// A reply delivered later: `start` begins the work when the call is served and calls its
    /// completion exactly once, from any thread.
    public init(later start: @escaping @Sendable (@escaping Completion) -> Void) {
        state = .pending(start)
    }

    /// A reply computed by `body` in a task of its own: for handlers that must `await`.
    public static func task(_ body: @escaping @Sendable () async throws -> Response) -> Reply {
        Reply { completion in
            Task {
                do {
                    completion(.success(try await body()))
                } catch {
                    completion(.failure(error))
                }
            }
        }
    }

    /// A reply that first awaits `first` in a task of its own (an `async` check), then answers as the reply
    /// `then` makes of its result does; an error either throws fails the reply.
    public static func after<Value: Sendable>(
        _ first: @escaping @Sendable () async throws -> Value, then: @escaping @Sendable (Value) throws -> Reply
    ) -> Reply {
        Reply { completion in
            Task {
                do {
                    let value = try await first()
                    Reply(catching: { try then(value) }).whenComplete(completion)
                } catch {
                    completion(.failure(error))
                }
            }
        }
    }

    /// The same reply with its response transformed by `transform` (an error it throws fails the reply).
    public func map<Other>(_ transform: @escaping @Sendable (Response) throws -> Other) -> Reply<Other> {
        switch state {
        case .ready(let result):
            return Reply<Other>(state: .ready(result.flatMap { response in Result { try transform(response) } }))
        case .pending(let start):
            return Reply<Other> { completion in
                start { result in completion(result.flatMap { response in Result { try transform(response) } }) }
            }
        }
    }

    init(state: State) {
        self.state = state
    }

    /// Runs `body` now: its result or thrown error is the ready reply.
    init(catching body: () throws -> Reply) {
        do {
            self = try body()
        } catch {
            self.init(failure: error)
        }
    }

    /// Starts the work if it is not done and hands the outcome to `completion`: at once, on this
    /// thread, when the reply is ready.
    func whenComplete(_ completion: @escaping Completion) {
        switch state {
        case .ready(let result): completion(result)
        case .pending(let start): start(completion)
        }
    }
}
