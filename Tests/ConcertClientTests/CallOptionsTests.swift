import ConcertClient
import ConcertProtocol
import ConcertRPC
import ConcertTesting
import Foundation
import Testing

@Suite("ConcertClient call options: metadata and deadlines, through withOptions and caller(token:options:)")
struct CallOptionsTests {
    private static let traced = MetadataEntry(key: "x-request-id", value: "42")

    /// An IssueToken route that answers with the call's `queue-token` and `x-request-id` metadata as its token.
    private static let echo = Route(AuthService.issueToken) { _, context in
        IssueTokenResponse(token: "\(context.metadata[MetadataKey.queueToken] ?? "-")|\(context.metadata["x-request-id"] ?? "-")")
    }

    @Test("Metadata reaches the server: withOptions follows the client's token, caller(token:options:) sends its own")
    func metadataReachesTheServer() async throws {
        try await withStubServer([Self.echo]) { stub in
            let client = try await ConcertClient.connect(port: stub.port)
            client.setToken("mine")
            let options = CallOptions(metadata: [Self.traced])
            #expect(try await client.withOptions(options).issueToken(userID: "u", concertID: 1).token == "mine|42")
            #expect(client.token == "mine|42", "IssueToken through withOptions sets the client's token")
            #expect(try await client.caller(token: "theirs", options: options).issueToken(userID: "u", concertID: 1).token == "theirs|42")
            #expect(client.token == "mine|42", "a token-scoped caller leaves the client's token alone")
            let replaced = CallOptions(metadata: [Self.traced, MetadataEntry(key: MetadataKey.queueToken, value: "other")])
            #expect(try await client.withOptions(replaced).issueToken(userID: "u", concertID: 1).token == "other|42")
            await client.close()
        }
    }

    @Test("A live server ignores unknown metadata keys; a queue-token entry replaces the client's token")
    func liveServerMetadata() async throws {
        try await withLiveServer { server in
            let client = try await ConcertClient.connect(port: server.port)
            _ = try await client.issueToken(userID: UUID().uuidString.lowercased(), concertID: 1)
            let other = try await client.caller(token: nil).issueToken(userID: UUID().uuidString.lowercased(), concertID: 1).token
            let asOther = client.withOptions(CallOptions(metadata: [Self.traced, MetadataEntry(key: MetadataKey.queueToken, value: other)]))
            _ = try await asOther.chargeBalance(amount: 5, idempotencyKey: "")
            #expect(try await client.caller(token: other).getBalance(GetBalanceRequest()).balance == 5)
            #expect(try await client.getBalance(GetBalanceRequest()).balance == 0)
            let tracedOnly = client.withOptions(CallOptions(metadata: [Self.traced]))
            #expect(try await tracedOnly.getBalance(GetBalanceRequest()).balance == 0, "the unknown key changes nothing")
            await client.close()
        }
    }

    @Test("timeout_ms on the wire: the client's default, a deadline's milliseconds, 0 for none")
    func timeoutOnTheWire() async throws {
        let timeouts = Recorder<UInt32>()
        let server = try await ScriptedServer { request, _ in
            timeouts.record(request.timeoutMs)
            return .frame(ResponseEnvelope(id: request.id, code: .ok))
        }
        let client = try await ConcertClient.connect(port: server.port)
        _ = try await client.health()
        _ = try await client.withOptions(CallOptions(deadline: .after(.seconds(20)))).health()
        _ = try await client.withOptions(CallOptions(deadline: .none)).health()
        _ = try await client.caller(token: nil, options: CallOptions(deadline: .none)).health()
        _ = try await client.withOptions(CallOptions(deadline: .none)).health(timeout: .seconds(30))
        #expect(timeouts.recorded == [10_000, 20_000, 0, 0, 30_000])
        await client.close()
        await server.stop()
    }

    @Test("A call with no deadline outlives the client's default timeout; one with .after times out locally")
    func deadlines() async throws {
        let slow = Route(SystemService.health) { _, _ in
            try await Task.sleep(for: .milliseconds(500))
            return HealthCheckResponse(status: .serving)
        }
        try await withStubServer([slow]) { stub in
            let short = try await ConcertClient.connect(
                port: stub.port, configuration: ClientConfiguration(defaultTimeout: .milliseconds(50)))
            #expect(try await short.withOptions(CallOptions(deadline: .none)).health().status == .serving)
            #expect(try await short.caller(token: nil, options: CallOptions(deadline: .none)).health().status == .serving)
            await short.close()

            let patient = try await ConcertClient.connect(port: stub.port)
            let error = await #expect(throws: RPCError.self) {
                try await patient.withOptions(CallOptions(deadline: .after(.milliseconds(50)))).health()
            }
            #expect(error?.code == .deadlineExceeded)
            #expect(error?.knownReason == .deadlineExceeded)
            await patient.close()
        }
    }
}
