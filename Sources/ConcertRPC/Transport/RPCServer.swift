public import Logging
public import NIOCore
internal import NIOExtras
public import NIOPosix
internal import ConcertProtocol

/// The TCP transport: accepts connections and gives each a pipeline of one job per handler
/// (frame decoder, flush coalescer, envelope codec, call scheduler) that hands every call to the
/// dispatcher. Holds at most the configured number of connections, backs off accepting
/// when the process runs out of descriptors, and stops gracefully: no new connections,
/// running requests answered, then close; connections still open after the grace are closed hard.
public final class RPCServer: Sendable {
    private let configuration: TransportConfiguration
    private let logger: Logger
    private let group: any EventLoopGroup
    private let quiesce: ServerQuiescingHelper
    private let connections: ConnectionRegistry
    private let channel: any Channel

    /// Binds the listening socket and starts serving.
    public init(
        configuration: TransportConfiguration,
        dispatcher: Dispatcher,
        logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws {
        self.configuration = configuration
        self.logger = logger
        self.group = group
        let quiesce = ServerQuiescingHelper(group: group)
        self.quiesce = quiesce
        let metrics = TransportMetrics()
        let connections = ConnectionRegistry(limit: configuration.effectiveMaxConnections, logger: logger, metrics: metrics)
        self.connections = connections
        let maxFrameSize = configuration.maxFrameSize
        let limits = ConnectionLimits(
            maxInFlight: configuration.maxInFlightPerConnection,
            maxPendingBytes: configuration.maxPendingBytesPerConnection,
            closeGrace: configuration.shutdownGrace,
            budget: RequestMemoryBudget(limit: configuration.maxPendingBytes))
        let idleTimeout = configuration.idleTimeout.map { TimeAmount($0) }
        let acceptFailures = AcceptFailureLog(logger: logger)
        self.channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                    try channel.pipeline.syncOperations.addHandler(
                        AcceptBackoffHandler(shouldForwardIOErrorCaught: false) { error in
                            acceptFailures.backoff(after: error)
                        })
                }
            }
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let number = connections.admit(channel) else {
                        try channel.pipeline.syncOperations.addHandler(RefusingHandler(grace: limits.closeGrace))
                        return
                    }
                    if let idleTimeout {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    }
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(FrameDecoder(maxFrameSize: maxFrameSize)),
                        FlushCoalescer(),
                        EnvelopeCodec(connection: number, closeGrace: limits.closeGrace, logger: logger, metrics: metrics),
                        CallScheduler(
                            limits: limits, logger: logger, metrics: metrics,
                            dispatch: { call, open in dispatcher.serve(call, openStream: open) }),
                    ])
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
    }

    /// The port the server listens on.
    public var port: Int { channel.localAddress?.port ?? configuration.port }

    /// The most connections the server holds at once.
    public var maxConnections: Int { connections.limit }

    /// Stops accepting and lets every connection answer its running requests; connections
    /// still open after the configured shutdown grace are closed hard. Returns when all are closed.
    public func shutdownGracefully() async {
        let loop = group.next()
        let promise = loop.makePromise(of: Void.self)
        quiesce.initiateShutdown(promise: promise)
        let connections = self.connections
        let logger = self.logger
        let hardClose = loop.scheduleTask(in: TimeAmount(configuration.shutdownGrace)) {
            logger.warning(
                "shutdown grace elapsed: closing the remaining connections hard",
                metadata: ["connections": "\(connections.count)"])
            connections.closeAll()
        }
        try? await promise.futureResult.get()
        hardClose.cancel()
    }
}
