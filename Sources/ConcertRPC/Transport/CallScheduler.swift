internal import ConcertProtocol
internal import Logging
internal import NIOCore

/// Runs one connection's calls through an injected dispatch function and writes their
/// answers in the order they finish.
///
/// A call whose reply is ready when dispatch returns (a read served on the event loop) is
/// answered at once; one that completes later (a write after its commit) is answered when its
/// completion reaches this connection's event loop. At most `maxInFlight` calls run at once;
/// later ones wait here and the connection is not read until the backlog drains. Reading
/// also stops while the channel is not writable (a client that sends but never reads cannot
/// make the server buffer answers without bound) and while its unanswered calls hold more
/// than `maxPendingBytes`. Every call is charged to the server-wide ``RequestMemoryBudget``;
/// one that does not fit is answered SERVER_OVERLOADED. A call's deadline counts from its
/// receipt; when it passes first the call is answered DEADLINE_EXCEEDED. On a quiesce event
/// (graceful shutdown) new calls are answered UNAVAILABLE and the connection closes once the
/// running ones have answered. When the client has sent nothing for the idle timeout and none
/// of its calls is running, the connection is closed.
final class CallScheduler: ChannelDuplexHandler {
    typealias InboundIn = IncomingCall
    typealias OutboundIn = OutgoingResponse
    typealias OutboundOut = OutgoingResponse

    /// Serves one call; the reply fails only with ``RPCError``s.
    typealias Dispatch = @Sendable (IncomingCall) -> Reply<any CBridgedMessage>

    private let dispatch: Dispatch
    private let limits: ConnectionLimits
    private let logger: Logger
    private var running = 0
    private var pendingBytes = 0
    private var waiting = CircularBuffer<(call: IncomingCall, pending: PendingCall)>()
    private var readHeld = false
    private var quiescing = false
    private var closed = false
    private var deadlines = DeadlineQueue()
    private var deadlineTimer: Scheduled<Void>?

    init(limits: ConnectionLimits, logger: Logger, dispatch: @escaping Dispatch) {
        self.dispatch = dispatch
        var limits = limits
        limits.maxInFlight = max(1, limits.maxInFlight)
        self.limits = limits
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        let call = unwrapInboundIn(data)
        guard !quiescing else {
            answer(call.id, .failure(.shuttingDown), context: context)
            return
        }
        let cost = RequestMemoryBudget.cost(frameBytes: call.frameBytes)
        guard limits.budget.reserve(cost) else {
            answer(call.id, .failure(.serverOverloaded), context: context)
            return
        }
        pendingBytes += cost
        let pending = PendingCall(requestID: call.id, cost: cost)
        let deadline = call.timeoutMs > 0 ? context.eventLoop.now + .milliseconds(Int64(call.timeoutMs)) : nil
        if running < limits.maxInFlight {
            start(call, pending: pending, deadline: deadline, context: context)
        } else {
            track(pending, deadline: deadline, context: context)
            waiting.append((call, pending))
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

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        deadlineTimer?.cancel()
        while let next = waiting.popFirst() { release(next.pending) }
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
            // The last answer may still wait for its coalesced flush: send it before closing.
            context.triggerUserOutboundEvent(CloseAfterFlushing(), promise: nil)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Dispatches `call`; its answer is written now when the reply is ready, else when it
    /// completes, unless `pending` was already answered (its `deadline` passed first). Only a call
    /// left waiting needs its deadline watched: one answered at once cannot miss it, so the calls
    /// served on the event loop never touch a timer.
    private func start(_ call: IncomingCall, pending: PendingCall, deadline: NIODeadline?, context: ChannelHandlerContext) {
        running += 1
        let reply = dispatch(call)
        if case .ready(let result) = reply.state {
            finish(pending, result, context: context)
            return
        }
        track(pending, deadline: deadline, context: context)
        let bound = NIOLoopBound((scheduler: self, context: context, pending: pending), eventLoop: context.eventLoop)
        reply.whenComplete { result in
            if bound.eventLoop.inEventLoop {
                bound.value.scheduler.finish(bound.value.pending, result, context: bound.value.context)
            } else {
                bound.eventLoop.execute {
                    bound.value.scheduler.finish(bound.value.pending, result, context: bound.value.context)
                }
            }
        }
    }

    private func finish(
        _ pending: PendingCall, _ result: Result<any CBridgedMessage, any Error>, context: ChannelHandlerContext
    ) {
        running -= 1
        release(pending)
        if !pending.answered {
            deadlines.markAnswered(pending)
            answer(pending.requestID, result.mapError { $0 as? RPCError ?? .internalFailure }, context: context)
        }
        deadlines.dropAnswered()
        while running < limits.maxInFlight, let next = waiting.popFirst() {
            guard !next.pending.answered else {
                release(next.pending)
                continue
            }
            start(next.call, pending: next.pending, deadline: nil, context: context)
        }
        resumeReadingIfPossible(context: context)
        closeIfDrained(context: context)
    }

    /// Watches `deadline` for `pending`, arming the connection's timer when it is the earliest.
    private func track(_ pending: PendingCall, deadline: NIODeadline?, context: ChannelHandlerContext) {
        guard let deadline, let arm = deadlines.add(pending, deadline: deadline) else { return }
        armDeadlineTimer(at: arm, context: context)
    }

    private func armDeadlineTimer(at deadline: NIODeadline, context: ChannelHandlerContext) {
        deadlineTimer?.cancel()
        let bound = NIOLoopBound((scheduler: self, context: context), eventLoop: context.eventLoop)
        deadlineTimer = context.eventLoop.scheduleTask(deadline: deadline) {
            bound.value.scheduler.deadlinesDue(context: bound.value.context)
        }
    }

    private func deadlinesDue(context: ChannelHandlerContext) {
        deadlineTimer = nil
        let (expired, next) = deadlines.expire(now: context.eventLoop.now)
        for pending in expired {
            deadlines.markAnswered(pending)
            answer(pending.requestID, .failure(.deadlineExceeded), context: context)
        }
        if let next { armDeadlineTimer(at: next, context: context) }
    }

    /// Gives the memory `pending` held back to the connection and the server.
    private func release(_ pending: PendingCall) {
        pendingBytes -= pending.cost
        limits.budget.release(pending.cost)
    }

    /// Whether another read may be issued: room to run a call, nothing waiting, the
    /// unanswered calls within their memory, and the outbound buffer below its high-water mark.
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
        context.triggerUserOutboundEvent(CloseAfterFlushing(), promise: nil)
    }

    private func answer(_ id: UInt64, _ outcome: Result<any CBridgedMessage, RPCError>, context: ChannelHandlerContext) {
        guard !closed else { return }
        context.write(wrapOutboundOut(OutgoingResponse(id: id, outcome: outcome)), promise: nil)
        context.flush()
    }
}

extension RPCError {
    /// The answer to a call that arrives while the server shuts down.
    static let shuttingDown = RPCError(code: .unavailable, reason: .shuttingDown, message: "The server is shutting down.")
    /// The answer to a call that does not fit the server's memory budget.
    static let serverOverloaded = RPCError(
        code: .resourceExhausted, reason: .serverOverloaded,
        message: "The server holds as many unanswered requests as its memory budget allows; retry shortly.")
    /// The answer to a call whose deadline passed before it completed.
    static let deadlineExceeded = RPCError(
        code: .deadlineExceeded, reason: .deadlineExceeded,
        message: "The deadline elapsed before the call completed; its effect is unknown.")
}
