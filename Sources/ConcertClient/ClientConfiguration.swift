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
    /// How a connection that cannot be opened is tried again.
    public var reconnect: ReconnectPolicy
    /// Which calls are sent again after their connection broke, and how often.
    public var retry: RetryPolicy

    /// Creates a configuration; the defaults are a 10 s call timeout, a 5 s connect timeout, the
    /// protocol's 4 MiB frame limit, 75 s of silence on a stream (two heartbeats and a margin), the
    /// default ``ReconnectPolicy`` (5 attempts, 100 ms doubling up to 5 s, full jitter) and the default
    /// ``RetryPolicy`` (safe calls sent up to 3 times).
    public init(
        defaultTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(5),
        maxFrameSize: Int = FrameParser.defaultMaxFrameSize,
        streamSilenceTimeout: Duration = .seconds(75),
        reconnect: ReconnectPolicy = ReconnectPolicy(),
        retry: RetryPolicy = RetryPolicy()
    ) {
        self.defaultTimeout = defaultTimeout
        self.connectTimeout = connectTimeout
        self.maxFrameSize = maxFrameSize
        self.streamSilenceTimeout = streamSilenceTimeout
        self.reconnect = reconnect
        self.retry = retry
    }
}
