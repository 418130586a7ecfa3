import ConcertClient
import ConcertProtocol
import ConcertRPC
import Testing

@Suite("waitUntilActive throws each reason with the code the server sends it with")
struct AdmissionErrorTests {
    @Test("Polling: an expired or abandoned token throws its reason with the catalogue's code", arguments: [
        (TokenState.expired, ErrorReason.tokenExpired), (.abandoned, .tokenAbandoned),
    ])
    func polling(state: TokenState, reason: ErrorReason) async throws {
        let status = Route(QueueService.getQueueStatus) { _, _ in
            GetQueueStatusResponse(status: QueueStatus(state: state))
        }
        try await withStubServer([status]) { stub in
            let client = try await ConcertClient.connect(port: stub.port)
            client.setToken("any-token")
            let error = await #expect(throws: RPCError.self) { try await client.waitUntilActive(pollInterval: .milliseconds(10)) }
            #expect(error?.knownReason == reason)
            #expect(error?.code == reason.statusCode)
            #expect(error?.code == .unauthenticated)
            await client.close()
        }
    }

    @Test("Watching: an expired or abandoned token throws its reason with the catalogue's code", arguments: [
        (TokenState.expired, ErrorReason.tokenExpired), (.abandoned, .tokenAbandoned),
    ])
    func watching(state: TokenState, reason: ErrorReason) async throws {
        let watch = Route(QueueService.watchQueue, streaming: { _, _, stream in
            stream.send(WatchQueueResponse(status: QueueStatus(state: .waiting, position: 2)))
            stream.send(WatchQueueResponse(status: QueueStatus(state: state)))
            stream.finish()
        })
        try await withStubServer([watch]) { stub in
            let client = try await ConcertClient.connect(port: stub.port)
            client.setToken("any-token")
            let error = await #expect(throws: RPCError.self) { try await client.waitUntilActive() }
            #expect(error?.knownReason == reason)
            #expect(error?.code == reason.statusCode)
            await client.close()
        }
    }
}
