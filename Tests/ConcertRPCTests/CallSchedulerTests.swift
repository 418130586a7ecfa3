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
    /// A dispatch function whose replies for methods named "/later" wait for the test.
    final class ScriptedDispatch: Sendable {
        private let held = Mutex<[UInt64: Reply<any CBridgedMessage>.Completion]>([:])

        func dispatch(_ call: IncomingCall) -> Reply<any CBridgedMessage> {
            guard call.methodPath == "/later" else {
                return Reply(HealthCheckResponse(status: .serving) as any CBridgedMessage)
            }
            return Reply { completion in self.held.withLock { $0[call.id] = completion } }
        }

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
                logger: Frames.logger,
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
            switch response.outcome {
            case .success: result.append((response.id, "OK"))
            case .failure(let error): result.append((response.id, error.reason))
            }
        }
        return result
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

    @Test("when quiescing, new calls are refused and the connection closes once the running ones answered")
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
