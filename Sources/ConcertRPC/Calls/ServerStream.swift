public import ConcertProtocol
internal import Synchronization

/// The sending end of one server stream, handed to a streaming handler.
///
/// ``send(_:)`` and ``finish(_:)`` may be called from any thread. The transport writes a message at
/// once when the client keeps up; when it does not, only the newest unsent message waits (an older
/// one is replaced, never queued). After ``finish(_:)`` (or a cancel by the client, or the connection
/// closing) further messages are dropped. The handler learns of a cancel or a close through
/// ``onTermination(_:)``, so it can stop producing.
public final class ServerStream<Message: ProtoMessage>: Sendable {
    private let deliver: @Sendable (Message) -> Void
    private let end: @Sendable ((any Error)?) -> Void
    private let state = Mutex(State())

    private struct State {
        var ended = false
        var onTermination: (@Sendable () -> Void)?
    }

    /// A stream whose messages go to `deliver` and whose end goes to `end`.
    init(deliver: @escaping @Sendable (Message) -> Void, end: @escaping @Sendable ((any Error)?) -> Void) {
        self.deliver = deliver
        self.end = end
    }

    /// Sends `message`, replacing an older one the client has not received yet.
    public func send(_ message: Message) {
        guard !state.withLock({ $0.ended }) else { return }
        deliver(message)
    }

    /// Ends the stream: with OK when `error` is nil, else with the error's status (a domain error is
    /// translated as a unary call's would be).
    public func finish(_ error: (any Error)? = nil) {
        let first = state.withLock { state in
            defer { state.ended = true }
            return !state.ended
        }
        guard first else { return }
        end(error)
    }

    /// Runs `handler` once when the stream ends for any reason other than ``finish(_:)``: the client
    /// cancelled it, the connection closed, or the server is shutting down. Runs at once if that
    /// already happened.
    public func onTermination(_ handler: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.ended { return true }
            state.onTermination = handler
            return false
        }
        if runNow { handler() }
    }

    /// Whether the stream has ended.
    public var isEnded: Bool { state.withLock { $0.ended } }

    /// Called by the transport when the client cancels or the connection closes.
    func terminate() {
        let handler = state.withLock { state -> (@Sendable () -> Void)? in
            guard !state.ended else { return nil }
            state.ended = true
            defer { state.onTermination = nil }
            return state.onTermination
        }
        handler?()
    }
}

/// The transport's side of a stream, without the message type: where messages and the end go.
package struct StreamSink: Sendable {
    /// Sends one message (from any thread).
    let send: @Sendable (any CBridgedMessage) -> Void
    /// Ends the stream with OK (nil) or an error (from any thread).
    let finish: @Sendable ((any Error)?) -> Void
}
