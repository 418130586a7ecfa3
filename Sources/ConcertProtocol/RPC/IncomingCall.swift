public import NIOCore

/// One request as a server receives it: the envelope read and checked, the method path and the
/// payload still in the memory of the frame that carried them.
public struct IncomingCall: Sendable {
    /// The client-chosen request id.
    public var id: UInt64
    /// The method path's UTF-8 bytes, `/package.Service/Method`.
    public var method: ByteBuffer
    /// The request's metadata entries.
    public var metadata: [MetadataEntry]
    /// How long the caller waits for an answer, in milliseconds; 0 means no deadline.
    public var timeoutMs: UInt32
    /// The method's request message, protobuf-encoded.
    public var payload: ByteBuffer
    /// The size of the frame body that carried the call, which its slices keep in memory.
    public var frameBytes: Int
    /// Whether the frame cancels the call `id` instead of starting one.
    public var cancel: Bool
    /// The number the server gave the connection that carried the call (0 in-process), for logs.
    public var connection: UInt64 = 0

    /// Creates a call from its parts.
    public init(
        id: UInt64, method: ByteBuffer, metadata: [MetadataEntry], timeoutMs: UInt32, payload: ByteBuffer, frameBytes: Int,
        cancel: Bool = false
    ) {
        self.id = id
        self.method = method
        self.metadata = metadata
        self.timeoutMs = timeoutMs
        self.payload = payload
        self.frameBytes = frameBytes
        self.cancel = cancel
    }

    /// The call a decoded envelope describes (for serving requests in-process).
    public init(_ envelope: RequestEnvelope) {
        self.init(
            id: envelope.id, method: ByteBuffer(string: envelope.method), metadata: envelope.metadata,
            timeoutMs: envelope.timeoutMs, payload: ByteBuffer(bytes: envelope.payload),
            frameBytes: envelope.payload.count + envelope.method.utf8.count, cancel: envelope.cancel)
    }

    /// The method path as a string.
    public var methodPath: String { String(buffer: method) }
}
