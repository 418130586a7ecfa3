import ConcertProtocol
import Logging
import NIOCore

/// Serves the frames of one connection: decodes each envelope, runs it through the
/// dispatcher off the event loop, and writes the answers as they finish, in any order.
///
/// At most `maxInFlight` requests run at once; later ones wait here and the handler
/// stops reading from the socket until the backlog drains. It also stops reading while
/// the channel is not writable, so a client that sends but never reads its answers
/// cannot make the server buffer answers without bound, and while its unanswered requests
/// hold more than `maxPendingBytes`. Every request is charged to the server-wide
/// ``RequestMemoryBudget``; one that does not fit is answered SERVER_OVERLOADED. A
/// request that breaks the envelope limits is answered at once without running. A framing
/// violation gets one final answer with id 0 and closes the connection. On a quiesce event
/// (graceful shutdown) new requests are answered UNAVAILABLE and the connection closes once
/// the running ones have answered. When the client has sent nothing for the idle timeout and
/// none of its requests is running, the connection is closed. A closing connection whose
/// last answers cannot be flushed within `closeGrace` (its client does not read) is closed hard.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let dispatcher: Dispatcher
    private let limits: ConnectionLimits
    private let logger: Logger
    private var running = 0
    private var pendingBytes = 0
    private var waiting = CircularBuffer<(request: RequestEnvelope, call: PendingCall)>()
    private var readHeld = false
    private var flushScheduled = false
    private var quiescing = false
    private var closed = false
    private var deadlines = DeadlineQueue()
    private var deadlineTimer: Scheduled<Void>?

    init(dispatcher: Dispatcher, limits: ConnectionLimits, logger: Logger) {
        self.dispatcher = dispatcher
        var limits = limits
        limits.maxInFlight = max(1, limits.maxInFlight)
        self.limits = limits
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
        let cost = RequestMemoryBudget.cost(frameBytes: frame.readableBytes)
        guard limits.budget.reserve(cost) else {
            write(
                ResponseEnvelope(
                    request.id,
                    failure: RPCError(
                        code: .resourceExhausted, reason: .serverOverloaded,
                        message: "The server holds as many unanswered requests as its memory budget allows; retry shortly.")),
                context: context)
            return
        }
        pendingBytes += cost
        let call = PendingCall(requestID: request.id, cost: cost)
        if request.timeoutMs > 0,
            let arm = deadlines.add(call, deadline: .now() + .milliseconds(Int64(request.timeoutMs)))
        {
            armDeadlineTimer(at: arm, context: context)
        }
        if running < limits.maxInFlight {
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
        while let next = waiting.popFirst() { release(next.call) }
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
            deadlines.markAnswered(call)
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
        release(call)
        if !call.answered {
            deadlines.markAnswered(call)
            writeFrame(frame, context: context)
        }
        deadlines.dropAnswered()
        while running < limits.maxInFlight, let next = waiting.popFirst() {
            guard !next.call.answered else {
                release(next.call)
                continue
            }
            start(next.request, call: next.call, context: context)
        }
        resumeReadingIfPossible(context: context)
        closeIfDrained(context: context)
    }

    /// Gives the memory `call` held back to the connection and the server.
    private func release(_ call: PendingCall) {
        pendingBytes -= call.cost
        limits.budget.release(call.cost)
    }

    /// Whether another read may be issued: room to run a request, nothing waiting, the
    /// unanswered requests within their memory, and the outbound buffer below its high-water mark.
    private func canRead(context: ChannelHandlerContext) -> Bool {
        running < limits.maxInFlight && waiting.isEmpty && pendingBytes < limits.maxPendingBytes
            && context.channel.isWritable
    }

    private func resumeReadingIfPossible(context: ChannelHandlerContext) {
        guard readHeld, canRead(context: context) else { return }
        readHeld = false
        context.read()
    }

    private func closeIfDrained(context: ChannelHandlerContext) {
        guard quiescing, running == 0, waiting.isEmpty, !closed else { return }
        closed = true
        context.closeAfterFlushing(context.channel.allocator.buffer(capacity: 0), within: limits.closeGrace)
    }

    private func closeWithFinalAnswer(context: ChannelHandlerContext, error: RPCError) {
        guard !closed else { return }
        closed = true
        var buffer = context.channel.allocator.buffer(capacity: 128)
        FrameParser.writeFrame(ResponseEnvelope(0, failure: error), into: &buffer)
        context.closeAfterFlushing(buffer, within: limits.closeGrace)
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
