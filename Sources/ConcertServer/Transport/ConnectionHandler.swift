import ConcertProtocol
import Logging
import NIOCore

/// Serves the frames of one connection: decodes each envelope, runs it through the
/// dispatcher off the event loop, and writes the answers as they finish, in any order.
///
/// At most `maxInFlight` requests run at once; later ones wait here and the handler
/// stops reading from the socket until the backlog drains. It also stops reading while
/// the channel is not writable, so a client that sends but never reads its answers
/// cannot make the server buffer answers without bound. A framing violation gets one
/// final answer with id 0 and closes the connection. On a quiesce event (graceful
/// shutdown) new requests are answered UNAVAILABLE and the connection closes once the
/// running ones have answered. When the client has sent nothing for the idle timeout and
/// none of its requests is running, the connection is closed.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let dispatcher: Dispatcher
    private let maxInFlight: Int
    private let logger: Logger
    private var running = 0
    private var waiting = CircularBuffer<(request: RequestEnvelope, call: PendingCall)>()
    private var readHeld = false
    private var flushScheduled = false
    private var quiescing = false
    private var closed = false
    private var deadlines = DeadlineQueue()
    private var deadlineTimer: Scheduled<Void>?

    init(dispatcher: Dispatcher, maxInFlight: Int, logger: Logger) {
        self.dispatcher = dispatcher
        self.maxInFlight = max(1, maxInFlight)
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        let frame = unwrapInboundIn(data)
        let request: RequestEnvelope
        switch RequestEnvelope.inspect(frame) {
        case .request(let envelope):
            request = envelope
        case .rejected(let id, let error):
            write(ResponseEnvelope(id, failure: error), context: context)
            return
        case .malformed:
            closeWithFinalAnswer(
                context: context,
                error: RPCError(
                    code: .invalidArgument, reason: .malformedEnvelope,
                    message: "The frame is not a valid concert.v1.RequestEnvelope."))
            return
        }
        guard !quiescing else {
            write(
                ResponseEnvelope(
                    request.id,
                    failure: RPCError(
                        code: .unavailable, reason: .shuttingDown, message: "The server is shutting down.")),
                context: context)
            return
        }
        let call = PendingCall(requestID: request.id)
        if request.timeoutMs > 0,
            let arm = deadlines.add(call, deadline: .now() + .milliseconds(Int64(request.timeoutMs)))
        {
            armDeadlineTimer(at: arm, context: context)
        }
        if running < maxInFlight {
            start(request, call: call, context: context)
        } else {
            waiting.append((request, call))
        }
    }

    func read(context: ChannelHandlerContext) {
        if canRead(context: context) {
            context.read()
        } else {
            readHeld = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        resumeReadingIfPossible(context: context)
        context.fireChannelWritabilityChanged()
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

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        deadlineTimer?.cancel()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            quiescing = true
            closeIfDrained(context: context)
        case IdleStateHandler.IdleStateEvent.read:
            guard running == 0, waiting.isEmpty, !closed else { return }
            logger.debug("closing idle connection")
            closed = true
            context.close(promise: nil)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Runs `request` off the event loop and writes its answer unless `call` was already
    /// answered (its deadline, which counts from receipt, passed first).
    private func start(_ request: RequestEnvelope, call: PendingCall, context: ChannelHandlerContext) {
        running += 1
        let bound = NIOLoopBound((handler: self, context: context, call: call), eventLoop: context.eventLoop)
        let dispatcher = self.dispatcher
        let allocator = context.channel.allocator
        Task {
            let response = await dispatcher.dispatch(request)
            var buffer = allocator.buffer(capacity: 64 + response.payload.count)
            FrameParser.writeFrame(response, into: &buffer)
            let frame = buffer
            bound.eventLoop.execute {
                bound.value.handler.finish(bound.value.call, frame: frame, context: bound.value.context)
            }
        }
    }

    private func armDeadlineTimer(at deadline: NIODeadline, context: ChannelHandlerContext) {
        deadlineTimer?.cancel()
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        deadlineTimer = context.eventLoop.scheduleTask(deadline: deadline) {
            bound.value.handler.deadlinesDue(context: bound.value.context)
        }
    }

    private func deadlinesDue(context: ChannelHandlerContext) {
        deadlineTimer = nil
        let (expired, next) = deadlines.expire(now: .now())
        for call in expired {
            call.answered = true
            write(
                ResponseEnvelope(
                    call.requestID,
                    failure: RPCError(
                        code: .deadlineExceeded, reason: .deadlineExceeded,
                        message: "The deadline elapsed before the call completed; its effect is unknown.")),
                context: context)
        }
        if let next { armDeadlineTimer(at: next, context: context) }
    }

    private func finish(_ call: PendingCall, frame: ByteBuffer, context: ChannelHandlerContext) {
        running -= 1
        if !call.answered {
            call.answered = true
            writeFrame(frame, context: context)
        }
        deadlines.dropAnswered()
        while running < maxInFlight, let next = waiting.popFirst() {
            guard !next.call.answered else { continue }
            start(next.request, call: next.call, context: context)
        }
        resumeReadingIfPossible(context: context)
        closeIfDrained(context: context)
    }

    /// Whether another read may be issued: room to run a request, nothing waiting, and
    /// the outbound buffer below its high-water mark.
    private func canRead(context: ChannelHandlerContext) -> Bool {
        running < maxInFlight && waiting.isEmpty && context.channel.isWritable
    }

    private func resumeReadingIfPossible(context: ChannelHandlerContext) {
        guard readHeld, canRead(context: context) else { return }
        readHeld = false
        context.read()
    }

    private func closeIfDrained(context: ChannelHandlerContext) {
        guard quiescing, running == 0, waiting.isEmpty, !closed else { return }
        closed = true
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    private func closeWithFinalAnswer(context: ChannelHandlerContext, error: RPCError) {
        guard !closed else { return }
        closed = true
        var buffer = context.channel.allocator.buffer(capacity: 128)
        FrameParser.writeFrame(ResponseEnvelope(0, failure: error), into: &buffer)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    private func write(_ response: ResponseEnvelope, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 128)
        FrameParser.writeFrame(response, into: &buffer)
        writeFrame(buffer, context: context)
    }

    /// Writes now and flushes once per burst: the flush runs after the answers
    /// already queued on the event loop have been written.
    private func writeFrame(_ frame: ByteBuffer, context: ChannelHandlerContext) {
        guard !closed else { return }
        context.write(wrapOutboundOut(frame), promise: nil)
        guard !flushScheduled else { return }
        flushScheduled = true
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            bound.value.handler.flushScheduled = false
            bound.value.context.flush()
        }
    }
}
