public import Logging
public import NIOCore
import NIOExtras
import NIOPosix
import ConcertProtocol

/// The TCP transport: accepts connections, frames them and hands each request to the
/// dispatcher. Stops gracefully: no new connections, running requests answered, then close.
public final class RPCServer: Sendable {
    private let configuration: TransportConfiguration
    private let dispatcher: Dispatcher
    private let logger: Logger
    private let group: any EventLoopGroup
    private let quiesce: ServerQuiescingHelper
    private let channel: any Channel

    /// Binds the listening socket and starts serving.
    public init(
        configuration: TransportConfiguration,
        dispatcher: Dispatcher,
        logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws {
        self.configuration = configuration
        self.dispatcher = dispatcher
        self.logger = logger
        self.group = group
        let quiesce = ServerQuiescingHelper(group: group)
        self.quiesce = quiesce
        let maxFrameSize = configuration.maxFrameSize
        let maxInFlight = configuration.maxInFlightPerConnection
        let idleTimeout = configuration.idleTimeout.map { TimeAmount($0) }
        self.channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let idleTimeout {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    }
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(FrameDecoder(maxFrameSize: maxFrameSize)),
                        ConnectionHandler(dispatcher: dispatcher, maxInFlight: maxInFlight, logger: logger),
                    ])
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
    }

    /// The port the server listens on.
    public var port: Int { channel.localAddress?.port ?? configuration.port }

    /// Stops accepting, lets every connection answer its running requests, and returns
    /// when all connections are closed.
    public func shutdownGracefully() async {
        let promise = group.next().makePromise(of: Void.self)
        quiesce.initiateShutdown(promise: promise)
        try? await promise.futureResult.get()
    }
}
