import ConcertClient
import ConcertProtocol
import ConcertRPC
import Testing

@Suite("ConcertClient lifecycle: graceful close, immediate close, withConcertClient")
struct ClientLifecycleTests {
    /// A Health route that holds each answer at `gate`, and a ListServices route that answers at once.
    private static func routes(_ gate: Gate) -> [Route] {
        [
            Route(SystemService.health) { _, _ in
                await gate.pass()
                return HealthCheckResponse(status: .serving)
            },
            Route(SystemService.listServices) { _, _ in ListServicesResponse() },
        ]
    }

    @Test("close() refuses new calls at once, lets the call in flight finish, then closes")
    func gracefulClose() async throws {
        let gate = Gate()
        try await withStubServer(Self.routes(gate)) { stub in
            let client = try await ConcertClient.connect(port: stub.port)
            let inFlight = Task { try await client.health() }
            try await gate.waitForArrivals(1)
            let closing = Task { await client.close() }
            var refusal: RPCError?
            for _ in 0..<1000 where refusal == nil {
                do {
                    _ = try await client.listServices()
                    try await Task.sleep(for: .milliseconds(10))
                } catch let error as RPCError {
                    refusal = error
                }
            }
            #expect(refusal?.code == .unavailable)
            #expect(refusal?.knownReason == .connectionClosed)
            gate.open()
            #expect(try await inFlight.value.status == .serving, "the call in flight is answered")
            await closing.value
            let after = await #expect(throws: RPCError.self) { try await client.health() }
            #expect(after?.knownReason == .connectionClosed)
        }
    }

    @Test("close(immediately: true) fails the call in flight with UNAVAILABLE / CONNECTION_CLOSED")
    func immediateClose() async throws {
        let gate = Gate()
        try await withStubServer(Self.routes(gate)) { stub in
            let client = try await ConcertClient.connect(port: stub.port)
            let inFlight = Task { () async throws(RPCError) -> HealthCheckResponse in try await client.health() }
            try await gate.waitForArrivals(1)
            await client.close(immediately: true)
            let error = await #expect(throws: RPCError.self) { try await inFlight.value }
            #expect(error?.code == .unavailable)
            #expect(error?.knownReason == .connectionClosed)
            gate.open()
        }
    }

    @Test("withConcertClient waits for the calls its body left in flight before closing")
    func scopedClientDrains() async throws {
        let gate = Gate()
        try await withStubServer(Self.routes(gate)) { stub in
            let inFlight = try await withConcertClient(port: stub.port) { client in
                let call = Task { try await client.health() }
                try await gate.waitForArrivals(1)
                Task {
                    try await Task.sleep(for: .milliseconds(100))
                    gate.open()
                }
                return call
            }
            #expect(try await inFlight.value.status == .serving)
        }
    }

    @Test("withConcertClient closes the client when its body throws, and rethrows")
    func scopedClientThrows() async throws {
        struct BodyFailed: Error {}
        try await withStubServer(Self.routes(Gate())) { stub in
            let kept = Recorder<ConcertClient>()
            await #expect(throws: BodyFailed.self) {
                try await withConcertClient(port: stub.port) { client in
                    kept.record(client)
                    _ = try await client.listServices()
                    throw BodyFailed()
                }
            }
            let client = try #require(kept.recorded.first)
            let error = await #expect(throws: RPCError.self) { try await client.listServices() }
            #expect(error?.code == .unavailable)
            #expect(error?.knownReason == .connectionClosed)
        }
    }
}
