import ConcertProtocol

/// The errors the client raises itself, with the client-side reasons of the catalogue.
extension RPCError {
    /// The connection to `address` could not be opened: `Could not connect to HOST:PORT: connection refused.`
    static func connectionFailed(_ address: String, underlying: any Error) -> RPCError {
        RPCError(
            code: .unavailable, reason: .connectionFailed,
            message: "Could not connect to \(address): \(ConnectFailure.words(for: underlying)).")
    }

    /// The connection closed before the answer arrived.
    static let connectionClosed = RPCError(
        code: .unavailable, reason: .connectionClosed,
        message: "The connection closed before the answer arrived.")

    /// The client was closed by its owner.
    static let clientClosed = RPCError(
        code: .unavailable, reason: .connectionClosed, message: "The client is closed.")

    /// The server's answer could not be decoded.
    static func malformedResponse(_ detail: String) -> RPCError {
        RPCError(code: .internal, reason: .malformedResponse, message: "The server's answer could not be decoded: \(detail).")
    }

    /// The call's timeout elapsed locally before the answer arrived.
    static func deadlineExceeded(after timeout: Duration) -> RPCError {
        RPCError(
            code: .deadlineExceeded, reason: .deadlineExceeded,
            message: "No answer within \(timeout); the call's effect is unknown.")
    }

    /// A stream was silent for `timeout`, so its connection is taken for dead.
    static func silentStream(after timeout: Duration) -> RPCError {
        RPCError(
            code: .unavailable, reason: .connectionClosed,
            message: "The stream was silent for \(timeout); the connection is taken for dead. Watch again.")
    }

    /// The calling task was cancelled while the call was in flight.
    static let cancelled = RPCError(
        code: .cancelled, reason: .cancelled, message: "The calling task was cancelled; the call's effect is unknown.")
}
