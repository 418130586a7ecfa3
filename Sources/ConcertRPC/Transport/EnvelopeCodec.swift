internal import ConcertProtocol
internal import Logging
internal import NIOCore

/// The server's codec, between the frame decoder and the call scheduler: each frame body is
/// checked and read as a call (``RequestEnvelope/inspect(_:)``); each outgoing response is
/// encoded into a frame.
///
/// A well-formed request that breaks the envelope limits is answered here at once and never
/// reaches the scheduler. A framing violation (a frame that is not an envelope, or one over
/// the size limit) gets one final answer with id 0, and the connection closes, hard if that
/// answer cannot be flushed within `closeGrace`; nothing read after it is passed on.
final class EnvelopeCodec: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = IncomingCall
    typealias OutboundIn = OutgoingResponse
    typealias OutboundOut = ByteBuffer

    private let connection: UInt64
    private let closeGrace: Duration
    private let logger: Logger
    private let metrics: TransportMetrics
    private var closed = false

    /// The codec of connection number `connection`, counting what it refuses in `metrics`.
    init(connection: UInt64, closeGrace: Duration, logger: Logger, metrics: TransportMetrics) {
        self.connection = connection
        self.closeGrace = closeGrace
        self.logger = logger
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        switch RequestEnvelope.inspect(unwrapInboundIn(data)) {
        case .request(var call):
            call.connection = connection
            context.fireChannelRead(wrapInboundOut(call))
        case .rejected(let id, let error):
            metrics.refused(error.reason)
            var buffer = context.channel.allocator.buffer(capacity: 128)
            ResponseFrame.write(id: id, failure: error, into: &buffer)
            context.write(wrapOutboundOut(buffer), promise: nil)
            context.flush()
        case .malformed:
            closeWithFinalAnswer(
                context: context,
                error: RPCError(
                    code: .invalidArgument, reason: .malformedEnvelope,
                    message: "The frame is not a valid concert.v1.RequestEnvelope."))
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let response = unwrapOutboundIn(data)
        var buffer = context.channel.allocator.buffer(capacity: 128)
        switch response.body {
        case .unary(.success(let message)): ResponseFrame.write(id: response.id, response: message, into: &buffer)
        case .unary(.failure(let error)), .streamEnd(let error?): ResponseFrame.write(id: response.id, failure: error, into: &buffer)
        case .streamMessage(let message): ResponseFrame.write(id: response.id, streamMessage: message, into: &buffer)
        case .streamEnd(nil): ResponseFrame.write(id: response.id, failure: nil, into: &buffer)
        }
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is CloseAfterFlushing else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        closed = true
        context.closeAfterFlushing(context.channel.allocator.buffer(capacity: 0), within: closeGrace)
        promise?.succeed()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case FrameError.frameTooLarge(let announced, let limit):
            closeWithFinalAnswer(
                context: context,
                error: RPCError(
                    code: .resourceExhausted, reason: .frameTooLarge,
                    message: "A frame of \(announced) bytes exceeds the maximum of \(limit) bytes."))
        default:
            logger.debug("closing connection", metadata: ["error": "\(error)"])
            closed = true
            context.close(promise: nil)
        }
    }

    private func closeWithFinalAnswer(context: ChannelHandlerContext, error: RPCError) {
        guard !closed else { return }
        closed = true
        metrics.refused(error.reason)
        var buffer = context.channel.allocator.buffer(capacity: 128)
        ResponseFrame.write(id: 0, failure: error, into: &buffer)
        context.closeAfterFlushing(buffer, within: closeGrace)
    }
}

/// Asks the codec to flush what was written and close the connection (hard after its grace).
struct CloseAfterFlushing {}
