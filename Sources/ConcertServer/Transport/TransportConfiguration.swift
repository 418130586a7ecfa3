import ConcertProtocol

/// Where the server listens and the limits it applies to each connection.
public struct TransportConfiguration: Sendable {
    /// The address to bind; loopback by default.
    public var host: String
    /// The TCP port; 0 picks a free one.
    public var port: Int
    /// The largest frame body accepted; a larger announced length closes the connection.
    public var maxFrameSize: Int
    /// How many requests of one connection run at once; further requests wait, and the
    /// server stops reading from the connection until one finishes (back-pressure).
    public var maxInFlightPerConnection: Int
    /// How long a connection may send nothing while none of its requests is running
    /// before the server closes it; nil never closes idle connections.
    public var idleTimeout: Duration?

    /// The default port, 50051.
    public static let defaultPort = 50051
    /// The default number of requests in flight per connection, 128.
    public static let defaultMaxInFlight = 128
    /// The default idle timeout, 5 minutes.
    public static let defaultIdleTimeout = Duration.seconds(300)

    /// Creates a configuration; the defaults are loopback, port 50051, 4 MiB frames, 128 in
    /// flight, and idle connections closed after 5 minutes.
    public init(
        host: String = "127.0.0.1",
        port: Int = TransportConfiguration.defaultPort,
        maxFrameSize: Int = FrameParser.defaultMaxFrameSize,
        maxInFlightPerConnection: Int = TransportConfiguration.defaultMaxInFlight,
        idleTimeout: Duration? = TransportConfiguration.defaultIdleTimeout
    ) {
        self.host = host
        self.port = port
        self.maxFrameSize = maxFrameSize
        self.maxInFlightPerConnection = maxInFlightPerConnection
        self.idleTimeout = idleTimeout
    }
}
