import ConcertProtocol
import NIOCore
import NIOPosix

/// One TCP connection to a server, carrying any number of concurrent calls matched by id.
final class Connection: Sendable {
    private let channel: any Channel
    private let pending: PendingCalls

    private init(channel: any Channel, pending: PendingCalls) {
        self.channel = channel
        self.pending = pending
    }

    deinit {
        channel.close(promise: nil)
    }

    /// Opens a connection to `host`:`port` with TCP_NODELAY and the protocol's framing.
    static func open(host: String, port: Int, configuration: ClientConfiguration) -> EventLoopFuture<Connection> {
        let pending = PendingCalls()
        let maxFrameSize = configuration.maxFrameSize
        return ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(configuration.connectTimeout.timeAmount)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(FrameDecoder(maxFrameSize: maxFrameSize)),
                        ResponseHandler(pending: pending),
                    ])
                }
            }
            .connect(host: host, port: port)
            .map { Connection(channel: $0, pending: pending) }
    }

    /// True once the connection has failed or closed; calls then need a new connection.
    var isClosed: Bool { pending.failure != nil }

    /// Sends `envelope` under a fresh id and waits for its answer, at most `timeout`.
    ///
    /// The deadline timer and the write go to the event loop in one task; the pipeline's
    /// flush coalescing sends a burst of concurrent calls together.
    func send(_ envelope: RequestEnvelope, timeout: Duration) async -> PendingCalls.Outcome {
        var envelope = envelope
        let id = pending.makeID()
        envelope.id = id
        var buffer = channel.allocator.buffer(capacity: 64 + envelope.payload.count)
        FrameParser.writeFrame(envelope, into: &buffer)
        let frame = buffer
        let pending = self.pending
        let channel = self.channel
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                pending.register(id, continuation)
                if Task.isCancelled {
                    pending.complete(id, with: .failure(.cancelled))
                    return
                }
                channel.eventLoop.execute {
                    let deadline = channel.eventLoop.scheduleTask(in: timeout.timeAmount) {
                        pending.complete(id, with: .failure(.deadlineExceeded(after: timeout)))
                    }
                    pending.attach(deadline, to: id)
                    channel.writeAndFlush(frame, promise: nil)
                }
            }
        } onCancel: {
            pending.complete(id, with: .failure(.cancelled))
        }
    }

    /// Closes the connection; calls still waiting fail with CONNECTION_CLOSED.
    func close() async {
        try? await channel.close()
    }
}
