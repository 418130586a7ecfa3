import ConcertProtocol

/// How a ``ConcertClient`` connects and how long its calls may take.
public struct ClientConfiguration: Sendable, Hashable {
    /// How long a call waits for its answer when the caller gives no timeout.
    public var defaultTimeout: Duration
    /// How long opening the TCP connection may take.
    public var connectTimeout: Duration
    /// The largest response frame body accepted; a larger one closes the connection.
    public var maxFrameSize: Int

    /// Creates a configuration; the defaults are a 10 s call timeout, a 5 s connect
    /// timeout and the protocol's 4 MiB frame limit.
    public init(
        defaultTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(5),
        maxFrameSize: Int = FrameParser.defaultMaxFrameSize
    ) {
        self.defaultTimeout = defaultTimeout
        self.connectTimeout = connectTimeout
        self.maxFrameSize = maxFrameSize
    }
}
