import ConcertRPC
import ConcertStore

extension Reply {
    /// The reply to a call served by `read`: ready now when the read was answered at once (SQLite, on
    /// the event loop), else answered with `transform` of its value when it arrives.
    init<Value>(_ read: StoreRead<Value>, _ transform: @escaping @Sendable (Value) throws -> Response) {
        if let result = read.readyResult {
            switch result.flatMap({ value in Result { try transform(value) } }) {
            case .success(let response): self.init(response)
            case .failure(let error): self.init(failure: error)
            }
            return
        }
        self.init { completion in
            read.whenDone { result in completion(result.flatMap { value in Result { try transform(value) } }) }
        }
    }
}
