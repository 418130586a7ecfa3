import ConcertRPC
import ConcertStore

extension Reply {
    /// The reply to a call served by `write`: started now, answered with `transform` of its
    /// result once it has committed.
    init<Value>(_ write: StoreWrite<Value>, _ transform: @escaping @Sendable (Value) throws -> Response) {
        self.init { completion in
            write.whenCommitted { result in completion(result.flatMap { value in Result { try transform(value) } }) }
        }
    }
}
