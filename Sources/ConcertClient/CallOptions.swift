public import ConcertProtocol

/// What a caller adds to each of its calls: metadata of the caller's choosing and a deadline.
///
/// ```swift
/// let traced = client.caller(token: client.token, options: CallOptions(
///     metadata: [MetadataEntry(key: "x-request-id", value: "42")], deadline: .after(.seconds(2))))
/// let seats = try await traced.listAvailableSeats(concertID: 1, date: "2027-03-06")
/// ```
public struct CallOptions: Sendable, Hashable {
    /// Metadata sent with every call. An entry whose key is `queue-token` or `authorization` replaces
    /// the token or JWT the client would send under that key.
    public var metadata: [MetadataEntry]
    /// How long a call may wait for its answer when the call itself names no timeout.
    public var deadline: CallDeadline

    /// Creates options; by default no extra metadata and the client's default timeout.
    public init(metadata: [MetadataEntry] = [], deadline: CallDeadline = .clientDefault) {
        self.metadata = metadata
        self.deadline = deadline
    }
}

/// How long a call may wait for its answer.
public enum CallDeadline: Sendable, Hashable {
    /// The client's configured `defaultTimeout`.
    case clientDefault
    /// At most this long from when the call is made; the server is told the same deadline.
    case after(Duration)
    /// No deadline: the call waits until it is answered, cancelled or its connection fails.
    case none
}

extension CallDeadline {
    /// The timeout in force for a call that names `timeout` (nil: none of its own), or nil for no
    /// deadline, given the client's `defaultTimeout`.
    func timeout(overriddenBy timeout: Duration?, default defaultTimeout: Duration) -> Duration? {
        if let timeout { return timeout }
        switch self {
        case .clientDefault: return defaultTimeout
        case .after(let duration): return duration
        case .none: return nil
        }
    }
}

extension [MetadataEntry] {
    /// These entries, then those of `overrides`; an entry of `overrides` replaces every entry here
    /// with the same key.
    func overridden(by overrides: [MetadataEntry]) -> [MetadataEntry] {
        guard !overrides.isEmpty else { return self }
        let replaced = Set(overrides.map(\.key))
        return filter { !replaced.contains($0.key) } + overrides
    }
}
