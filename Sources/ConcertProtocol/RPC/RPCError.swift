/// A failed call: a status code, a stable machine-readable reason and a human message.
///
/// The server sends the three in the response envelope; the client library throws this
/// error for every answer that is not OK and for connection failures, so callers can
/// `switch` on ``code`` or on ``knownReason``.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The status code.
    public var code: StatusCode
    /// The machine-readable reason, e.g. `SEAT_ALREADY_HELD`; see ``ErrorReason``.
    public var reason: String
    /// A human-readable explanation. Never contains server internals.
    public var message: String

    /// Creates an error from its parts.
    public init(code: StatusCode, reason: String, message: String) {
        self.code = code
        self.reason = reason
        self.message = message
    }

    /// Creates an error with a reason from the catalogue.
    public init(code: StatusCode, reason: ErrorReason, message: String) {
        self.init(code: code, reason: reason.name, message: message)
    }

    /// Creates an error with a reason from the catalogue and the status code that reason travels with
    /// (``ErrorReason/statusCode``, the `@code` of the .proto file), as the server sends it.
    public init(_ reason: ErrorReason, message: String) {
        self.init(code: reason.statusCode, reason: reason, message: message)
    }

    /// The reason as a catalogue value, or nil for a reason this version does not know.
    public var knownReason: ErrorReason? { ErrorReason(name: reason) }

    /// `CODE REASON: message`.
    public var description: String { "\(code.name) \(reason): \(message)" }
}
