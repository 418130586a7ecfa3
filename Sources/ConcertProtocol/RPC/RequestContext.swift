/// What a handler knows about the call it serves, besides the request message.
public struct RequestContext: Sendable {
    /// The client-chosen request id.
    public var requestID: UInt64
    /// The request's metadata entries.
    public var metadata: [MetadataEntry]

    /// Creates the context of one call.
    public init(requestID: UInt64, metadata: [MetadataEntry]) {
        self.requestID = requestID
        self.metadata = metadata
    }

    /// The queue token from the `queue-token` metadata entry, or nil when absent or empty.
    public var queueToken: String? {
        guard let token = metadata[MetadataKey.queueToken], !token.isEmpty else { return nil }
        return token
    }
}
