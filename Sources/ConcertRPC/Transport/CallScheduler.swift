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
/// (graceful shutdown, the drain) every running stream ends at once with UNAVAILABLE / SERVER_DRAINING
/// (its client moves to another server), new calls are answered UNAVAILABLE / SHUTTING_DOWN without
/// running, and the connection closes once the running unary calls have answered and no call has arrived
/// for ``drainQuietPeriod`` (the calls a client sent before it read the drain are answered, not lost).
/// When the client has sent nothing for the idle timeout and none of its calls is running, the
/// connection is closed.
///
/// A streaming call runs until its handler finishes it, the client cancels it, or the connection
/// closes; it counts as running. Its messages are written as they come while the channel is
/// writable; while it is not, only the newest unsent message of each stream waits, and a connection
/// that stays unwritable for `closeGrace` with messages waiting is closed. A cancel frame stops a
/// call that waits to start (it never runs) or a running stream, answering it CANCELLED; a unary
/// call already running answers with its outcome; an unknown id is ignored.
final class CallScheduler: ChannelDuplexHandler {
    typealias InboundIn = IncomingCall
    typealias OutboundIn = OutgoingResponse
    typealias OutboundOut = OutgoingResponse

    /// Serves one call, opening a stream with the given function when the method streams.
    typealias Dispatch = @Sendable (IncomingCall, () -> StreamSink?) -> Dispatcher.Served

    /// One running stream.
    private final class StreamSlot {
        let pending: PendingCall
        var terminate: (@Sendable () -> Void)?
        var unsent: (any CBridgedMessage)?

        init(pending: PendingCall) {
            self.pending = pending
        }
    }

    private let dispatch: Dispatch
    private let limits: ConnectionLimits
    private let logger: Logger
    private let metrics: TransportMetrics
    private var running = 0
    private var pendingBytes = 0
    /// Calls beyond the in-flight limit. Rarely used (reads are answered at once), so it starts with room
    /// for one instead of the default sixteen: an idle connection costs 1.5 KB less.
    private var waiting = CircularBuffer<(call: IncomingCall, pending: PendingCall)>(initialCapacity: 1)
    private var readHeld = false
    private var quiescing = false
    private var closed = false
    private var deadlines = DeadlineQueue()
    private var deadlineTimer: Scheduled<Void>?
    private var streams: [UInt64: StreamSlot] = [:]
    private var stallTimer: Scheduled<Void>?
    private var quietTimer: Scheduled<Void>?

    /// How long a draining connection with nothing running stays open for calls still on their way.
    static let drainQuietPeriod = Duration.milliseconds(200)

    init(limits: ConnectionLimits, logger: Logger, metrics: TransportMetrics, dispatch: @escaping Dispatch) {
        self.dispatch = dispatch
        self.metrics = metrics
        var limits = limits
        limits.maxInFlight = max(1, limits.maxInFlight)
        self.limits = limits
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        let call = unwrapInboundIn(data)
        if call.cancel {
            cancel(call.id, context: context)
            return
        }
        guard !quiescing else {
            answer(call.id, .failure(.shuttingDown), context: context)
            closeIfDrained(context: context)
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
        if context.channel.isWritable {
            stallTimer?.cancel()
            stallTimer = nil
            for (id, slot) in streams {
                guard let message = slot.unsent else { continue }
                slot.unsent = nil
                write(OutgoingResponse(id: id, body: .streamMessage(message)), context: context)
            }
        }
        resumeReadingIfPossible(context: context)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        deadlineTimer?.cancel()
        stallTimer?.cancel()
        quietTimer?.cancel()
        while let next = waiting.popFirst() { release(next.pending) }
        let ended = streams.values
        streams = [:]
        for slot in ended {
            release(slot.pending)
            slot.terminate?()
        }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            quiescing = true
            for id in Array(streams.keys) { endStream(id, .serverDraining, context: context) }
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
        let served = dispatch(call) { openStream(call.id, pending: pending, context: context) }
        let reply: Reply<any CBridgedMessage>
        switch served {
        case .stream(let terminate):
            guard let slot = streams[call.id] else { return }
            slot.terminate = terminate
            track(pending, deadline: deadline, context: context)
            return
        case .reply(let answer):
            streams[call.id] = nil
            reply = answer
        }
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
        complete(pending, with: .unary(result.mapError { $0 as? RPCError ?? .internalFailure }), context: context)
    }

    /// Ends a running call with `body`, unless it was already answered, and lets the next ones start.
    private func complete(_ pending: PendingCall, with body: OutgoingResponse.Body, context: ChannelHandlerContext) {
        running -= 1
        release(pending)
        if !pending.answered {
            deadlines.markAnswered(pending)
            write(OutgoingResponse(id: pending.requestID, body: body), context: context)
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
            if streams[pending.requestID]?.pending === pending {
                endStream(pending.requestID, .deadlineExceeded, context: context)
                continue
            }
            deadlines.markAnswered(pending)
            answer(pending.requestID, .failure(.deadlineExceeded), context: context)
        }
        if let next { armDeadlineTimer(at: next, context: context) }
    }

    /// The sink of the stream `id` now starting: its messages and its end come back to this event loop.
    private func openStream(_ id: UInt64, pending: PendingCall, context: ChannelHandlerContext) -> StreamSink {
        let slot = StreamSlot(pending: pending)
        streams[id] = slot
        let bound = NIOLoopBound((scheduler: self, context: context, slot: slot), eventLoop: context.eventLoop)
        @Sendable func onLoop(_ work: @escaping @Sendable () -> Void) {
            if bound.eventLoop.inEventLoop { work() } else { bound.eventLoop.execute(work) }
        }
        return StreamSink(
            send: { message in
                onLoop { bound.value.scheduler.streamMessage(message, slot: bound.value.slot, id: id, context: bound.value.context) }
            },
            finish: { error in
                onLoop {
                    let scheduler = bound.value.scheduler
                    guard scheduler.streams[id] === bound.value.slot else { return }
                    scheduler.endStream(id, error as? RPCError, terminating: false, context: bound.value.context)
                }
            })
    }

    /// Writes a stream's message now, or keeps it as the newest unsent one while the channel is not writable.
    private func streamMessage(_ message: any CBridgedMessage, slot: StreamSlot, id: UInt64, context: ChannelHandlerContext) {
        guard streams[id] === slot, !closed else { return }
        guard context.channel.isWritable else {
            slot.unsent = message
            armStallTimer(context: context)
            return
        }
        write(OutgoingResponse(id: id, body: .streamMessage(message)), context: context)
    }

    /// Ends the stream `id` with OK (nil) or `error`: its unsent message first, then the final status.
    /// `terminating` tells the handler (it did not end the stream itself).
    private func endStream(_ id: UInt64, _ error: RPCError?, terminating: Bool = true, context: ChannelHandlerContext) {
        guard let slot = streams.removeValue(forKey: id) else { return }
        if let message = slot.unsent, error == nil {
            write(OutgoingResponse(id: id, body: .streamMessage(message)), context: context)
        }
        if terminating { slot.terminate?() }
        complete(slot.pending, with: .streamEnd(error), context: context)
    }

    /// Cancels the call `id`: one waiting to start never runs, a running stream stops; both are answered
    /// CANCELLED. A running unary call answers with its outcome; an unknown id is ignored.
    private func cancel(_ id: UInt64, context: ChannelHandlerContext) {
        if streams[id] != nil {
            endStream(id, .cancelled, context: context)
            return
        }
        guard let index = waiting.firstIndex(where: { $0.pending.requestID == id && !$0.pending.answered }) else { return }
        let queued = waiting.remove(at: index)
        release(queued.pending)
        deadlines.markAnswered(queued.pending)
        answer(id, .failure(.cancelled), context: context)
        resumeReadingIfPossible(context: context)
    }

    /// Closes the connection when it stays unwritable for the close grace with stream messages waiting.
    private func armStallTimer(context: ChannelHandlerContext) {
        guard stallTimer == nil else { return }
        let bound = NIOLoopBound((scheduler: self, context: context), eventLoop: context.eventLoop)
        stallTimer = context.eventLoop.scheduleTask(in: TimeAmount(limits.closeGrace)) {
            let scheduler = bound.value.scheduler
            scheduler.stallTimer = nil
            guard !bound.value.context.channel.isWritable, !scheduler.closed else { return }
            scheduler.logger.debug("closing a connection that does not read its streams")
            scheduler.closed = true
            bound.value.context.close(promise: nil)
        }
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

    /// Closes a draining connection once nothing runs or waits and no call arrived for the quiet period
    /// (each call restarts it).
    private func closeIfDrained(context: ChannelHandlerContext) {
        guard quiescing, running == 0, waiting.isEmpty, !closed else { return }
        quietTimer?.cancel()
        let bound = NIOLoopBound((scheduler: self, context: context), eventLoop: context.eventLoop)
        quietTimer = context.eventLoop.scheduleTask(in: TimeAmount(Self.drainQuietPeriod)) {
            let scheduler = bound.value.scheduler
            scheduler.quietTimer = nil
            guard scheduler.running == 0, scheduler.waiting.isEmpty, !scheduler.closed else { return }
            scheduler.closed = true
            bound.value.context.triggerUserOutboundEvent(CloseAfterFlushing(), promise: nil)
        }
    }

    /// Answers `id` without its handler (a refusal, a deadline, a cancel), counting the refusal.
    private func answer(_ id: UInt64, _ outcome: Result<any CBridgedMessage, RPCError>, context: ChannelHandlerContext) {
        if case .failure(let error) = outcome { metrics.refused(error.reason) }
        write(OutgoingResponse(id: id, body: .unary(outcome)), context: context)
    }

    private func write(_ response: OutgoingResponse, context: ChannelHandlerContext) {
        guard !closed else { return }
        context.write(wrapOutboundOut(response), promise: nil)
        context.flush()
    }
}

extension RPCError {
    /// The answer to a call that arrives while the server shuts down.
    static let shuttingDown = RPCError(code: .unavailable, reason: .shuttingDown, message: "The server is shutting down.")
    /// The end of a stream that was running when the server began to drain.
    static let serverDraining = RPCError(
        code: .unavailable, reason: .serverDraining,
        message: "The server is draining for a restart; reconnect (to another server) and call again.")
    /// The answer to a call that does not fit the server's memory budget.
    static let serverOverloaded = RPCError(
        code: .resourceExhausted, reason: .serverOverloaded,
        message: "The server holds as many unanswered requests as its memory budget allows; retry shortly.")
    /// The answer to a call the client cancelled.
    static let cancelled = RPCError(code: .cancelled, reason: .cancelled, message: "The call was cancelled.")
    /// The answer to a call whose deadline passed before it completed.
    static let deadlineExceeded = RPCError(
        code: .deadlineExceeded, reason: .deadlineExceeded,
        message: "The deadline elapsed before the call completed; its effect is unknown.")
}
