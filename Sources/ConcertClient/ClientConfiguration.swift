import ConcertProtocol

/// How a ``ConcertClient`` connects and how long its calls may take.
public struct ClientConfiguration: Sendable, Hashable {
    /// How long a call waits for its answer when the caller gives no timeout.
    public var defaultTimeout: Duration
    /// How long opening the TCP connection may take.
    public var connectTimeout: Duration
    /// The largest response frame body accepted; a larger one closes the connection.
    public var maxFrameSize: Int
    /// How long a server stream may stay silent before the client takes its connection for dead: the
    /// server sends a watch's status at least every 30 s.
    public var streamSilenceTimeout: Duration

    /// Creates a configuration; the defaults are a 10 s call timeout, a 5 s connect timeout, the
    /// protocol's 4 MiB frame limit and 75 s of silence on a stream (two heartbeats and a margin).
    public init(
        defaultTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(5),
        maxFrameSize: Int = FrameParser.defaultMaxFrameSize,
        streamSilenceTimeout: Duration = .seconds(75)
    ) {
        self.defaultTimeout = defaultTimeout
        self.connectTimeout = connectTimeout
        self.maxFrameSize = maxFrameSize
        self.streamSilenceTimeout = streamSilenceTimeout
    }
}
