import ConcertProtocol
import Synchronization

/// The server streams of one connection that are open, by request id: each frame goes to its stream,
/// the final one ends it, and a failing connection ends them all with its error.
final class PendingStreams: Sendable {
    /// The frames of one stream as they arrive.
    typealias Continuation = AsyncThrowingStream<IncomingResponse, any Error>.Continuation

    private struct State {
        var open: [UInt64: Continuation] = [:]
        var failure: RPCError?
    }

    private let state = Mutex(State())

    /// Registers the stream `id`; when the connection has already failed it ends at once with that failure.
    func register(_ id: UInt64, _ continuation: Continuation) {
        let failure = state.withLock { state -> RPCError? in
            if let failure = state.failure { return failure }
            state.open[id] = continuation
            return nil
        }
        if let failure { continuation.finish(throwing: failure) }
    }

    /// Whether `id` is an open stream.
    func contains(_ id: UInt64) -> Bool { state.withLock { $0.open[id] != nil } }

    /// Hands one frame of stream `id` on; a final frame ends the stream (OK, or its error thrown).
    func deliver(_ response: IncomingResponse) {
        if response.streamMessage {
            _ = state.withLock { $0.open[response.id] }?.yield(response)
            return
        }
        guard let continuation = state.withLock({ $0.open.removeValue(forKey: response.id) }) else { return }
        if response.code == .ok {
            continuation.finish()
        } else {
            continuation.finish(throwing: RPCError(code: response.code, reason: response.reason, message: response.message))
        }
    }

    /// Forgets stream `id` (its consumer went away); true when it was open.
    func remove(_ id: UInt64) -> Bool {
        state.withLock { $0.open.removeValue(forKey: id) != nil }
    }

    /// Ends every open stream with `error`; later registrations end at once with it.
    func failAll(_ error: RPCError) {
        let open = state.withLock { state -> [Continuation] in
            guard state.failure == nil else { return [] }
            state.failure = error
            defer { state.open.removeAll() }
            return Array(state.open.values)
        }
        for continuation in open { continuation.finish(throwing: error) }
    }
}
