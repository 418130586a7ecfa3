import ConcertClient
import ConcertDomain
import ConcertProtocol
import ConcertRPC
import ConcertServer
import ConcertTesting
import Foundation
import Testing

@Suite("ConcertClient transport")
struct TransportTests {
    @Test("Health and ListServices answer through the client")
    func healthAndListServices() async throws {
        try await withLiveServer { server in
            let client = try await ConcertClient.connect(port: server.port)
            let health = try await client.health(HealthCheckRequest())
            #expect(health.status == .serving)
            #expect(health.protocol == "concert.v1")
            let services = try await client.listServices(ListServicesRequest()).services
            #expect(services.map(\.name) == ProtocolServices.all.map(\.name))
            #expect(services.flatMap(\.methods).map(\.path) == ProtocolServices.all.flatMap(\.methods).map(\.path))
            await client.close()
        }
    }

    @Test("a stream that falls silent past the silence timeout ends UNAVAILABLE and the next call reconnects")
    func silentStream() async throws {
        let silent = Route(QueueService.watchQueue, streaming: { _, _, stream in
            stream.send(WatchQueueResponse(status: QueueStatus(state: .waiting, position: 3)))
        })
        let health = Route(SystemService.health) { _, _ in HealthCheckResponse(status: .serving) }
        try await withStubServer([silent, health]) { stub in
            let client = try await ConcertClient.connect(
                port: stub.port, configuration: ClientConfiguration(streamSilenceTimeout: .seconds(1)))
            client.setToken("any-token")
            var updates = 0
            let error = await #expect(throws: RPCError.self) {
                for try await _ in client.watchQueue() { updates += 1 }
            }
            #expect(updates <= 1, "the one message, unless the machine is so busy it came after the timeout")
            #expect(error?.code == .unavailable)
            #expect(error?.knownReason == .connectionClosed)
            #expect(try await client.health().status == .serving)
            await client.close()
        }
    }

    @Test("1,000 concurrent calls share one connection and each gets its own answer")
    func pipelining() async throws {
        let echo = Route(AuthService.issueToken) { request, _ in
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...5)))
            return IssueTokenResponse(token: "echo-" + request.userID)
        }
        try await withStubServer([echo]) { stub in
            let client = try await ConcertClient.connect(port: stub.port)
            let mismatches = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<1_000 {
                    group.addTask {
                        let answer = try await client.caller(token: nil).issueToken(userID: "user-\(index)", concertID: 1)
                        return answer.token == "echo-user-\(index)"
                    }
                }
                return try await group.reduce(into: 0) { count, matched in count += matched ? 0 : 1 }
            }
            #expect(mismatches == 0)
            await client.close()
        }
    }

    @Test("A call whose answer is late fails locally with DEADLINE_EXCEEDED; the connection stays usable")
    func timeout() async throws {
        let slow = Route(SystemService.health) { _, _ in
            try await Task.sleep(for: .seconds(1))
            return HealthCheckResponse(status: .serving)
        }
        let fast = Route(SystemService.listServices) { _, _ in ListServicesResponse() }
        try await withStubServer([slow, fast]) { stub in
            let client = try await ConcertClient.connect(port: stub.port)
            let error = await #expect(throws: RPCError.self) {
                try await client.health(HealthCheckRequest(), timeout: .milliseconds(20))
            }
            #expect(error?.code == .deadlineExceeded)
            #expect(error?.knownReason == .deadlineExceeded)
            _ = try await client.listServices(ListServicesRequest())
            await client.close()
        }
    }

    @Test("The configured default timeout applies when a call names none")
    func defaultTimeout() async throws {
        let slow = Route(SystemService.health) { _, _ in
            try await Task.sleep(for: .seconds(1))
            return HealthCheckResponse(status: .serving)
        }
        try await withStubServer([slow]) { stub in
            let client = try await ConcertClient.connect(
                port: stub.port, configuration: ClientConfiguration(defaultTimeout: .milliseconds(20)))
            let error = await #expect(throws: RPCError.self) { try await client.health(HealthCheckRequest()) }
            #expect(error?.code == .deadlineExceeded)
            await client.close()
        }
    }

    @Test("Connecting to a port nobody listens on fails with UNAVAILABLE / CONNECTION_FAILED")
    func connectFailure() async throws {
        try await withRefusingPort { port in
            let error = await #expect(throws: RPCError.self) { try await ConcertClient.connect(port: port) }
            #expect(error?.code == .unavailable)
            #expect(error?.knownReason == .connectionFailed)
        }
    }

    @Test("A dropped connection fails every call in flight with UNAVAILABLE / CONNECTION_CLOSED, then reconnects")
    func droppedConnection() async throws {
        let calls = 10
        let server = try await ScriptedServer { request, index in
            if request.method == SystemService.listServices.descriptor.path {
                return .frame(ResponseEnvelope(id: request.id, code: .ok))
            }
            return index == calls - 1 ? .close : .silence
        }
        // Retries off: this is about what the transport does with the calls in flight (RetryTests has retries).
        let client = try await ConcertClient.connect(port: server.port, configuration: ClientConfiguration(retry: .none))
        let errors = await withTaskGroup(of: RPCError?.self) { group in
            for _ in 0..<calls {
                group.addTask {
                    do throws(RPCError) {
                        _ = try await client.health(HealthCheckRequest())
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            return await group.reduce(into: [RPCError?]()) { $0.append($1) }
        }
        #expect(errors.count == calls)
        #expect(errors.allSatisfy { $0?.code == .unavailable && $0?.knownReason == .connectionClosed })
        _ = try await client.listServices(ListServicesRequest())
        await client.close()
        await server.stop()
    }

    @Test("An undecodable envelope or payload fails with INTERNAL / MALFORMED_RESPONSE")
    func malformedResponses() async throws {
        let server = try await ScriptedServer { request, _ in
            if request.method == SystemService.health.descriptor.path {
                return .frame(ResponseEnvelope(id: request.id, code: .ok, payload: [0xFF, 0xFF, 0xFF]))
            }
            return .bytes([0, 0, 0, 3, 0xFF, 0xFF, 0xFF])
        }
        let client = try await ConcertClient.connect(port: server.port)
        let payloadError = await #expect(throws: RPCError.self) { try await client.health(HealthCheckRequest()) }
        #expect(payloadError?.code == .internal)
        #expect(payloadError?.knownReason == .malformedResponse)
        let envelopeError = await #expect(throws: RPCError.self) {
            try await client.listServices(ListServicesRequest())
        }
        #expect(envelopeError?.code == .internal)
        #expect(envelopeError?.knownReason == .malformedResponse)
        await client.close()
        await server.stop()
    }

    @Test("A connection-level answer (id 0) fails the call with the server's code and reason")
    func connectionLevelError() async throws {
        try await withLiveServer(maxFrameSize: 64) { server in
            let client = try await ConcertClient.connect(port: server.port)
            let error = await #expect(throws: RPCError.self) {
                try await client.issueToken(userID: String(repeating: "x", count: 200), concertID: 1)
            }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.knownReason == .frameTooLarge)
            #expect(try await client.health(HealthCheckRequest()).status == .serving)
            await client.close()
        }
    }

    @Test("After the server restarts on the same port the next call reconnects")
    func serverRestart() async throws {
        let first = try await LiveServer.start()
        let port = first.port
        // One attempt per call: the next call alone reconnects (RetryTests has backoff and retries).
        let client = try await ConcertClient.connect(
            port: port, configuration: ClientConfiguration(reconnect: .none, retry: .none))
        #expect(try await client.health(HealthCheckRequest()).status == .serving)
        await first.stop(keepingFiles: true)
        let error = await #expect(throws: RPCError.self) { try await client.health(HealthCheckRequest()) }
        #expect(error?.code == .unavailable)
        let second = try await LiveServer.start(port: port, directory: first.directory)
        let health: HealthCheckResponse?
        do {
            health = try await client.health(HealthCheckRequest())
        } catch {
            health = nil
            Issue.record(error, "the call after the restart failed")
        }
        #expect(health?.status == .serving)
        await client.close()
        await second.stop()
    }

    @Test("A watch ends UNAVAILABLE when its server stops; after the restart watching again works")
    func watchAcrossRestart() async throws {
        let first = try await LiveServer.start(queue: QueuePolicy(maxActive: 0))
        let port = first.port
        let client = try await ConcertClient.connect(port: port)
        _ = try await client.issueToken(userID: UUID().uuidString.lowercased(), concertID: 1)
        let watch = Task {
            var states: [ConcertProtocol.TokenState] = []
            for try await update in client.watchQueue() { states.append(update.status?.state ?? .unspecified) }
            return states
        }
        for _ in 0..<1000 where first.application.watchingFans == 0 { try await Task.sleep(for: .milliseconds(10)) }
        await first.stop(keepingFiles: true)
        let ended = await watch.result
        #expect((try? ended.get()) == nil, "the watch ends with an error when the server goes away")
        let second = try await LiveServer.start(port: port, directory: first.directory, queue: QueuePolicy(maxActive: 0))
        // The first attempt may still meet the old connection closing; a client retries.
        var again: [ConcertProtocol.TokenState] = []
        for _ in 0..<3 where again.isEmpty {
            do {
                for try await update in client.watchQueue() {
                    again.append(update.status?.state ?? .unspecified)
                    break
                }
            } catch let error as RPCError where error.code == .unavailable {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(again == [.waiting])
        await client.close()
        await second.stop()
    }

    @Test("A closed client fails later calls with UNAVAILABLE / CONNECTION_CLOSED")
    func closedClient() async throws {
        try await withLiveServer { server in
            let client = try await ConcertClient.connect(port: server.port)
            await client.close()
            let error = await #expect(throws: RPCError.self) { try await client.health(HealthCheckRequest()) }
            #expect(error?.code == .unavailable)
            #expect(error?.knownReason == .connectionClosed)
        }
    }
}
