import ConcertProtocol
import ConcertRPC
import NIOCore
import NIOPosix

/// One TCP connection to a server, carrying any number of concurrent calls matched by id.
final class Connection: Sendable {
    private let channel: any Channel
    private let pending: PendingCalls
    private let streams: PendingStreams
    private let outbound: OutboundQueue
    private let drain: DrainNotice

    private init(channel: any Channel, pending: PendingCalls, streams: PendingStreams, drain: DrainNotice) {
        self.channel = channel
        self.pending = pending
        self.streams = streams
        self.drain = drain
        self.outbound = OutboundQueue(channel: channel)
    }

    deinit {
        channel.close(promise: nil)
    }

    /// Opens a connection to `host`:`port` with TCP_NODELAY and the protocol's framing.
    static func open(host: String, port: Int, configuration: ClientConfiguration) -> EventLoopFuture<Connection> {
        let pending = PendingCalls()
        let streams = PendingStreams()
        let drain = DrainNotice()
        let maxFrameSize = configuration.maxFrameSize
        return ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(configuration.connectTimeout.timeAmount)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(FrameDecoder(maxFrameSize: maxFrameSize)),
                        FlushCoalescer(),
                        ResponseHandler(pending: pending, streams: streams, drain: drain),
                    ])
                }
            }
            .connect(host: host, port: port)
            .map { Connection(channel: $0, pending: pending, streams: streams, drain: drain) }
    }

    /// True once the connection has failed or closed; calls then need a new connection.
    var isClosed: Bool { pending.failure != nil }

    /// Whether new calls may go on this connection: it is open and its server has not said it is draining
    /// (``DrainNotice``). A draining connection still answers the calls already sent on it, and closes once
    /// the last of them is done with it.
    var takesNewCalls: Bool { !isClosed && !drain.isDraining }

    /// Sends `request` to `method` under a fresh id and waits for its answer, at most `timeout` (nil: with
    /// no deadline).
    ///
    /// The frame is encoded on the calling thread and queued; the calls of a burst reach the event loop
    /// in one task and leave in one flush.
    func send(
        method: String, metadata: [MetadataEntry], request: some ProtoMessage, timeout: Duration?
    ) async -> PendingCalls.Outcome {
        let id = pending.makeID()
        var frame = channel.allocator.buffer(capacity: 128)
        RequestFrame.write(
            id: id, method: method, metadata: metadata, timeoutMs: timeout?.envelopeMilliseconds ?? 0, request: request,
            into: &frame)
        let pending = self.pending
        let outbound = self.outbound
        let eventLoop = channel.eventLoop
        let cancelFrame = cancelFrame(id)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if let deadline = pending.register(id, continuation, timeout: timeout) {
                    Self.armTimer(at: deadline, pending: pending, eventLoop: eventLoop)
                }
                if Task.isCancelled {
                    pending.complete(id, with: .failure(.cancelled))
                    return
                }
                outbound.enqueue(frame)
            }
        } onCancel: {
            pending.complete(id, with: .failure(.cancelled))
            outbound.enqueue(cancelFrame)
        }
    }

    /// Opens a server stream of `method` for `request`: its frames, until the final one. When the consumer
    /// stops (its task is cancelled, or it stops iterating) before the end, the call is cancelled on the server.
    func openStream(
        method: String, metadata: [MetadataEntry], request: some ProtoMessage
    ) -> AsyncThrowingStream<IncomingResponse, any Error> {
        let id = pending.makeID()
        var frame = channel.allocator.buffer(capacity: 128)
        RequestFrame.write(id: id, method: method, metadata: metadata, timeoutMs: 0, request: request, into: &frame)
        let (frames, continuation) = AsyncThrowingStream<IncomingResponse, any Error>.makeStream()
        let streams = self.streams
        let outbound = self.outbound
        let cancelFrame = cancelFrame(id)
        continuation.onTermination = { termination in
            if case .cancelled = termination, streams.remove(id) { outbound.enqueue(cancelFrame) }
        }
        streams.register(id, continuation)
        outbound.enqueue(frame)
        return frames
    }

    /// The frame that cancels call `id`.
    private func cancelFrame(_ id: UInt64) -> ByteBuffer {
        var frame = channel.allocator.buffer(capacity: 16)
        RequestFrame.writeCancel(id: id, into: &frame)
        return frame
    }

    /// Closes the connection; calls still waiting fail with CONNECTION_CLOSED.
    func close() async {
        try? await channel.close()
    }

    /// Takes the connection for dead: its waiting calls and open streams fail with `error` at once (so the
    /// next call opens a new connection), then it is closed.
    func abandon(_ error: RPCError) async {
        pending.failAll(error)
        streams.failAll(error)
        try? await channel.close()
    }

    /// Arms the connection's deadline timer for `deadline`; when it fires it fails the calls due and
    /// re-arms itself for the next deadline, if any.
    private static func armTimer(at deadline: NIODeadline, pending: PendingCalls, eventLoop: any EventLoop) {
        eventLoop.scheduleTask(deadline: deadline) {
            if let next = pending.expire(now: .now(), firing: deadline) {
                armTimer(at: next, pending: pending, eventLoop: eventLoop)
            }
        }
    }
}
