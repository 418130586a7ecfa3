import ConcertProtocol
@testable import ConcertRPC
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

/// The call scheduler driven call by call on an `EmbeddedChannel`, with a dispatch function
/// the test controls: replies ready at once, or held until the test completes them.
@Suite("Call scheduler")
struct CallSchedulerTests {
    /// A dispatch function whose replies for methods named "/later" wait for the test, and whose
    /// "/stream" calls open streams the test sends on.
    final class ScriptedDispatch: Sendable {
        private let held = Mutex<[UInt64: Reply<any CBridgedMessage>.Completion]>([:])
        private let sinks = Mutex<[UInt64: StreamSink]>([:])
        private let ended = Mutex<[UInt64]>([])

        func dispatch(_ call: IncomingCall, _ openStream: () -> StreamSink?) -> Dispatcher.Served {
            switch call.methodPath {
            case "/later":
                return .reply(Reply { completion in self.held.withLock { $0[call.id] = completion } })
            case "/stream":
                let sink = openStream()
                sinks.withLock { $0[call.id] = sink }
                return .stream(terminate: { self.ended.withLock { $0.append(call.id) } })
            default:
                return .reply(Reply(HealthCheckResponse(status: .serving) as any CBridgedMessage))
            }
        }

        /// Sends a message on stream `id`, its status telling the messages apart.
        func send(_ id: UInt64, _ status: ServingStatus) {
            sinks.withLock { $0[id] }?.send(HealthCheckResponse(status: status))
        }

        /// Ends stream `id` with OK.
        func end(_ id: UInt64) {
            sinks.withLock { $0[id] }?.finish(nil)
        }

        /// The streams the transport ended (cancel, close), in order.
        var terminated: [UInt64] { ended.withLock { $0 } }

        /// Completes the held call `id` with an OK reply.
        func complete(_ id: UInt64) {
            let completion = held.withLock { $0.removeValue(forKey: id) }
            completion?(.success(HealthCheckResponse(status: .serving)))
        }

        var heldCount: Int { held.withLock { $0.count } }
    }

    private func makeChannel(
        maxInFlight: Int = 2, budget: Int = 1 << 20
    ) throws -> (EmbeddedChannel, SocketEnd, ScriptedDispatch) {
        let socket = SocketEnd()
        let script = ScriptedDispatch()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            socket,
            CallScheduler(
                limits: ConnectionLimits(
                    maxInFlight: maxInFlight, maxPendingBytes: 1 << 20, closeGrace: .seconds(1),
                    budget: RequestMemoryBudget(limit: budget)),
                logger: Frames.logger, metrics: TransportMetrics(),
                dispatch: script.dispatch),
        ])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, socket, script)
    }

    private func call(_ id: UInt64, _ method: String, timeoutMs: UInt32 = 0) -> IncomingCall {
        IncomingCall(
            id: id, method: ByteBuffer(string: method), metadata: [], timeoutMs: timeoutMs, payload: ByteBuffer(),
            frameBytes: 16)
    }

    private func answers(_ channel: EmbeddedChannel) throws -> [(UInt64, String)] {
        var result: [(UInt64, String)] = []
        while let response = try channel.readOutbound(as: OutgoingResponse.self) {
            switch response.body {
            case .unary(.success), .streamEnd(nil): result.append((response.id, "OK"))
            case .unary(.failure(let error)), .streamEnd(let error?): result.append((response.id, error.reason))
            case .streamMessage(let message):
                let status = (message as? HealthCheckResponse)?.status ?? ServingStatus.unspecified
                result.append((response.id, "message \(status.name)"))
            }
        }
        return result
    }

    private func cancelFrame(_ id: UInt64) -> IncomingCall {
        IncomingCall(id: id, method: ByteBuffer(), metadata: [], timeoutMs: 0, payload: ByteBuffer(), frameBytes: 8, cancel: true)
    }

    @Test("a stream's messages are written as they come, then its final OK")
    func streamMessages() throws {
        let (channel, _, script) = try makeChannel()
        try channel.writeInbound(call(1, "/stream"))
        script.send(1, .serving)
        script.send(1, .notServing)
        script.end(1)
        #expect(try answers(channel).map(\.1) == ["message SERVING", "message NOT_SERVING", "OK"])
        #expect(script.terminated.isEmpty)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("while the channel is not writable only the newest unsent stream message waits")
    func newestOnly() throws {
        let (channel, _, script) = try makeChannel()
        try channel.writeInbound(call(1, "/stream"))
        channel.isWritable = false
        script.send(1, .serving)
        script.send(1, .unspecified)
        script.send(1, .notServing)
        #expect(try answers(channel).isEmpty)
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(try answers(channel).map(\.1) == ["message NOT_SERVING"])
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a cancel stops a running stream (answered CANCELLED, the handler told) and ignores unknown ids")
    func cancelStream() throws {
        let (channel, _, script) = try makeChannel()
        try channel.writeInbound(call(1, "/stream"))
        try channel.writeInbound(cancelFrame(99))
        try channel.writeInbound(cancelFrame(1))
        #expect(try answers(channel).map(\.1) == ["CANCELLED"])
        #expect(script.terminated == [1])
        script.send(1, .serving)
        #expect(try answers(channel).isEmpty)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a cancelled call that waits to start never runs; a running unary call answers with its outcome")
    func cancelQueued() throws {
        let (channel, _, script) = try makeChannel(maxInFlight: 1)
        try channel.writeInbound(call(1, "/later"))
        try channel.writeInbound(call(2, "/later"))
        try channel.writeInbound(cancelFrame(2))
        try channel.writeInbound(cancelFrame(1))
        #expect(try answers(channel).map(\.0) == [2])
        script.complete(1)
        channel.embeddedEventLoop.run()
        #expect(try answers(channel).map(\.1) == ["OK"])
        #expect(script.heldCount == 0)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a closing connection ends its streams and tells their handlers")
    func closeEndsStreams() throws {
        let (channel, _, script) = try makeChannel()
        try channel.writeInbound(call(1, "/stream"))
        try channel.writeInbound(call(2, "/stream"))
        _ = try channel.finish(acceptAlreadyClosed: true)
        #expect(script.terminated.sorted() == [1, 2])
    }

    @Test("when quiescing, running streams end at once with SERVER_DRAINING while a running unary call is answered")
    func quiesceDrainsStreams() throws {
        let (channel, socket, script) = try makeChannel()
        try channel.writeInbound(call(1, "/stream"))
        try channel.writeInbound(call(2, "/stream"))
        try channel.writeInbound(call(3, "/later"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(try answers(channel).map(\.1) == ["SERVER_DRAINING", "SERVER_DRAINING"])
        #expect(script.terminated.sorted() == [1, 2])
        #expect(socket.closeRequests == 0)
        script.complete(3)
        channel.embeddedEventLoop.run()
        #expect(try answers(channel).map(\.1) == ["OK"])
        channel.embeddedEventLoop.advanceTime(by: TimeAmount(CallScheduler.drainQuietPeriod))
        #expect(socket.closeRequests == 1)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a ready reply is answered at once; a later one when it completes")
    func readyAndLater() throws {
        let (channel, _, script) = try makeChannel()
        try channel.writeInbound(call(1, "/now"))
        #expect(try answers(channel).map(\.0) == [1])
        try channel.writeInbound(call(2, "/later"))
        #expect(try answers(channel).isEmpty)
        script.complete(2)
        channel.embeddedEventLoop.run()
        #expect(try answers(channel).map(\.0) == [2])
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("beyond the in-flight limit calls wait and reading stops until one finishes")
    func inFlightLimit() throws {
        let (channel, socket, script) = try makeChannel(maxInFlight: 2)
        for id in 1...3 { try channel.writeInbound(call(UInt64(id), "/later")) }
        #expect(script.heldCount == 2)
        channel.read()
        #expect(socket.reads == 0)
        script.complete(1)
        channel.embeddedEventLoop.run()
        #expect(script.heldCount == 2)
        #expect(socket.reads == 0)
        #expect(try answers(channel).map(\.0) == [1])
        script.complete(2)
        channel.embeddedEventLoop.run()
        #expect(socket.reads == 1)
        #expect(try answers(channel).map(\.0) == [2])
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a deadline that passes first is answered DEADLINE_EXCEEDED; the late result is dropped")
    func deadline() throws {
        let (channel, _, script) = try makeChannel()
        try channel.writeInbound(call(4, "/later", timeoutMs: 50))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(60))
        #expect(try answers(channel).map(\.1) == ["DEADLINE_EXCEEDED"])
        script.complete(4)
        channel.embeddedEventLoop.run()
        #expect(try answers(channel).isEmpty)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a call that does not fit the server's memory budget is answered SERVER_OVERLOADED")
    func overloaded() throws {
        let (channel, _, _) = try makeChannel(budget: 100)
        try channel.writeInbound(call(5, "/now"))
        #expect(try answers(channel).map(\.1) == ["SERVER_OVERLOADED"])
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("when quiescing, new calls are refused and the connection closes once the running ones answered and calls stopped coming")
    func quiesce() throws {
        let (channel, socket, script) = try makeChannel()
        try channel.writeInbound(call(6, "/later"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        try channel.writeInbound(call(7, "/now"))
        #expect(try answers(channel).map(\.1) == ["SHUTTING_DOWN"])
        #expect(socket.closeRequests == 0)
        script.complete(6)
        channel.embeddedEventLoop.run()
        #expect(try answers(channel).map(\.0) == [6])
        #expect(socket.closeRequests == 0)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(150))
        try channel.writeInbound(call(8, "/now"))
        #expect(try answers(channel).map(\.1) == ["SHUTTING_DOWN"])
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(150))
        #expect(socket.closeRequests == 0)
        channel.embeddedEventLoop.advanceTime(by: TimeAmount(CallScheduler.drainQuietPeriod))
        #expect(socket.closeRequests == 1)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("reading stops while the channel is not writable and resumes when it is")
    func readsFollowWritability() throws {
        let (channel, socket, _) = try makeChannel()
        channel.read()
        #expect(socket.reads == 1)
        channel.isWritable = false
        channel.read()
        #expect(socket.reads == 1)
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(socket.reads == 2)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("an idle connection with nothing running is closed after its last flush; one with a call running is not")
    func idleConnection() throws {
        let (busy, busySocket, _) = try makeChannel()
        try busy.writeInbound(call(8, "/later"))
        busy.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        busy.embeddedEventLoop.run()
        #expect(busySocket.closeRequests == 0)
        _ = try busy.finish(acceptAlreadyClosed: true)
        let (idle, idleSocket, _) = try makeChannel()
        idle.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        idle.embeddedEventLoop.run()
        #expect(idleSocket.closeRequests == 1)
        _ = try idle.finish(acceptAlreadyClosed: true)
    }
}
