public import ConcertProtocol

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
    /// The most connections open at once; more are answered TOO_MANY_CONNECTIONS and closed.
    /// Nil derives it from the open-file limit (``FileDescriptorLimit/connectionCapacity(forLimit:)``);
    /// a larger value is lowered to that capacity.
    public var maxConnections: Int?
    /// The most bytes that unanswered requests of the whole server may hold; a request that
    /// does not fit is answered RESOURCE_EXHAUSTED / SERVER_OVERLOADED.
    public var maxPendingBytes: Int
    /// The bytes of unanswered requests above which one connection is not read (back-pressure).
    public var maxPendingBytesPerConnection: Int
    /// How long graceful shutdown, or the close after a framing violation, may wait for
    /// answers to be flushed and requests to finish before connections are closed hard.
    public var shutdownGrace: Duration

    /// The default port, 50051.
    public static let defaultPort = 50051
    /// The default number of requests in flight per connection, 128.
    public static let defaultMaxInFlight = 128
    /// The default idle timeout, 5 minutes.
    public static let defaultIdleTimeout = Duration.seconds(300)
    /// The default server-wide budget for unanswered requests, 256 MiB.
    public static let defaultMaxPendingBytes = 256 << 20
    /// The default per-connection budget for unanswered requests, 8 MiB.
    public static let defaultMaxPendingBytesPerConnection = 8 << 20
    /// The default shutdown grace, 10 seconds.
    public static let defaultShutdownGrace = Duration.seconds(10)

    /// Creates a configuration; the defaults are loopback, port 50051, 4 MiB frames, 128 in
    /// flight, idle connections closed after 5 minutes, connections capped by the open-file
    /// limit, 256 MiB of unanswered requests (8 MiB per connection) and a 10-second shutdown grace.
    public init(
        host: String = "127.0.0.1",
        port: Int = TransportConfiguration.defaultPort,
        maxFrameSize: Int = FrameParser.defaultMaxFrameSize,
        maxInFlightPerConnection: Int = TransportConfiguration.defaultMaxInFlight,
        idleTimeout: Duration? = TransportConfiguration.defaultIdleTimeout,
        maxConnections: Int? = nil,
        maxPendingBytes: Int = TransportConfiguration.defaultMaxPendingBytes,
        maxPendingBytesPerConnection: Int = TransportConfiguration.defaultMaxPendingBytesPerConnection,
        shutdownGrace: Duration = TransportConfiguration.defaultShutdownGrace
    ) {
        self.host = host
        self.port = port
        self.maxFrameSize = maxFrameSize
        self.maxInFlightPerConnection = maxInFlightPerConnection
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.maxPendingBytes = maxPendingBytes
        self.maxPendingBytesPerConnection = maxPendingBytesPerConnection
        self.shutdownGrace = shutdownGrace
    }

    /// The connection cap in force: ``maxConnections`` lowered to what the open-file limit allows.
    var effectiveMaxConnections: Int {
        let capacity = FileDescriptorLimit.current.map(FileDescriptorLimit.connectionCapacity(forLimit:)) ?? Int.max
        return min(maxConnections ?? capacity, capacity)
    }
}
