import ConcertClient
import ConcertProtocol
import ConcertTesting
import Foundation
import Testing

@Suite("ConcertClient reconnection with backoff and retry of safe calls")
struct RetryTests {
    @Test("Backoff doubles from 100 ms to a 5 s cap; full jitter draws each wait between zero and that bound")
    func backoff() {
        let exact = ReconnectPolicy(jitter: .none)
        var generator = SplitMix64(seed: 7)
        let bounds = (1...8).map { exact.backoff(afterFailedAttempts: $0, using: &generator) }
        #expect(bounds == [100, 200, 400, 800, 1600, 3200, 5000, 5000].map { Duration.milliseconds($0) })
        let jittered = ReconnectPolicy()
        let waits = (1...8).map { jittered.backoff(afterFailedAttempts: $0, using: &generator) }
        #expect(zip(waits, bounds).allSatisfy { wait, bound in wait >= .zero && wait <= bound })
        #expect(waits != bounds, "full jitter does not wait the bound every time")
    }

    @Test("Every method is classified: these are reads (retried), the rest writes (never sent twice)")
    func classification() {
        let reads: Set<String> = [
            "Health", "ListServices", "GetQueueStatus", "GetSaleLine", "ListConcerts", "ListAvailableDates",
            "ListAvailableSeats", "GetReservation", "GetBalance", "GetSaleStats", "ListSaleStats", "ListSaleChanges",
        ]
        let writes: Set<String> = [
            "IssueToken", "LeaveQueue", "WatchQueue", "ReserveSeat", "ChargeBalance", "Pay", "UpdateSale",
            "PauseAdmission", "ResumeAdmission", "CloseSale", "RevokeToken", "ReloadCatalog",
        ]
        let methods = ProtocolServices.all.flatMap(\.methods)
        #expect(Set(methods.map(\.method)) == reads.union(writes), "a new method must be classified here")
        #expect(Set(ReadMethods.all.map(\.method)) == reads)
    }

    /// A scripted server that closes the connection on the first request of `method` and answers
    /// every other request OK, counting the requests of `method`.
    private static func closingOnce(_ method: MethodDescriptor, count: Recorder<Int>) async throws -> ScriptedServer {
        try await ScriptedServer { request, _ in
            guard request.method == method.path else { return .frame(ResponseEnvelope(id: request.id, code: .ok)) }
            return count.record(1) == 0 ? .close : .frame(ResponseEnvelope(id: request.id, code: .ok))
        }
    }

    @Test("A read whose connection breaks before its answer is sent again on a new connection")
    func readRetried() async throws {
        let sent = Recorder<Int>()
        let server = try await Self.closingOnce(ReservationService.listConcerts.descriptor, count: sent)
        let client = try await ConcertClient.connect(port: server.port)
        _ = try await client.listConcerts()
        #expect(sent.recorded.count == 2)
        await client.close()
        await server.stop()
    }

    @Test("A charge with an idempotency key is sent again; without one it is not")
    func chargeRetriedOnlyWithKey() async throws {
        let sent = Recorder<Int>()
        let server = try await Self.closingOnce(PaymentService.chargeBalance.descriptor, count: sent)
        let client = try await ConcertClient.connect(port: server.port)
        _ = try await client.chargeBalance(amount: 5, idempotencyKey: "retry-me")
        #expect(sent.recorded.count == 2)
        await client.close()
        await server.stop()

        let unkeyed = Recorder<Int>()
        let second = try await Self.closingOnce(PaymentService.chargeBalance.descriptor, count: unkeyed)
        let other = try await ConcertClient.connect(port: second.port)
        let error = await #expect(throws: RPCError.self) { try await other.chargeBalance(amount: 5, idempotencyKey: "") }
        #expect(error?.knownReason == .connectionClosed)
        #expect(unkeyed.recorded.count == 1)
        await other.close()
        await second.stop()
    }

    @Test("A plain write whose connection breaks is not sent again: it fails UNAVAILABLE / CONNECTION_CLOSED", arguments: [
        ReservationService.reserveSeat.descriptor, PaymentService.pay.descriptor, AuthService.issueToken.descriptor,
    ])
    func plainWriteNotRetried(method: MethodDescriptor) async throws {
        let sent = Recorder<Int>()
        let server = try await Self.closingOnce(method, count: sent)
        let client = try await ConcertClient.connect(port: server.port)
        let error = await #expect(throws: RPCError.self) {
            switch method {
            case ReservationService.reserveSeat.descriptor:
                _ = try await client.reserveSeat(concertID: 1, date: "2027-03-06", seatNumber: 7)
            case PaymentService.pay.descriptor:
                _ = try await client.pay(reservationID: 1)
            default:
                _ = try await client.issueToken(userID: UUID().uuidString, concertID: 1)
            }
        }
        #expect(error?.code == .unavailable)
        #expect(error?.knownReason == .connectionClosed)
        #expect(sent.recorded.count == 1)
        _ = try await client.health()
        #expect(sent.recorded.count == 1, "nothing sent the write again later")
        await client.close()
        await server.stop()
    }

    @Test("With RetryPolicy.none a read whose connection breaks fails once")
    func retryOff() async throws {
        let sent = Recorder<Int>()
        let server = try await Self.closingOnce(ReservationService.listConcerts.descriptor, count: sent)
        let client = try await ConcertClient.connect(port: server.port, configuration: ClientConfiguration(retry: .none))
        let error = await #expect(throws: RPCError.self) { try await client.listConcerts() }
        #expect(error?.knownReason == .connectionClosed)
        #expect(sent.recorded.count == 1)
        await client.close()
        await server.stop()
    }

    @Test("Calls made while the server is down reconnect with backoff once it restarts on the same port")
    func reconnectAcrossRestart() async throws {
        let first = try await LiveServer.start()
        let port = first.port
        let patient = ClientConfiguration(
            reconnect: ReconnectPolicy(initialBackoff: .milliseconds(50), maxBackoff: .milliseconds(500), maxAttempts: 100))
        let client = try await ConcertClient.connect(port: port, configuration: patient)
        _ = try await client.issueToken(userID: UUID().uuidString.lowercased(), concertID: 1)
        await first.stop(keepingFiles: true)
        let read = Task { try await client.listConcerts() }
        for _ in 0..<1_000 where client.isConnected {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(!client.isConnected, "the client never saw its connection close")
        // The client has seen its connection close, so the write waits for a new one.
        let write = Task { try await client.chargeBalance(amount: 5, idempotencyKey: "") }
        let second = try await LiveServer.start(port: port, directory: first.directory)
        #expect(try await read.value.concerts.isEmpty == false)
        #expect(try await write.value.balance == 5, "a write waits for the connection: nothing was sent before it opened")
        #expect(try await client.getBalance(GetBalanceRequest()).balance == 5)
        await client.close()
        await second.stop()
    }

    @Test("Waiting for reconnection counts toward a call's deadline: it fails DEADLINE_EXCEEDED, not later")
    func reconnectionWithinDeadline() async throws {
        let server = try await LiveServer.start()
        let patient = ClientConfiguration(
            reconnect: ReconnectPolicy(initialBackoff: .milliseconds(200), maxBackoff: .seconds(2), maxAttempts: 100),
            retry: .none)
        let client = try await ConcertClient.connect(port: server.port, configuration: patient)
        await server.stop()
        let clock = ContinuousClock()
        var error: RPCError?
        let start = clock.now
        for _ in 0..<3 where error?.knownReason != .deadlineExceeded {
            do { _ = try await client.call(SystemService.health, HealthCheckRequest(), timeout: .milliseconds(500)) } catch let failure {
                error = failure
            }
        }
        #expect(error?.code == .deadlineExceeded)
        #expect(clock.now - start < .seconds(10), "100 attempts with backoff would take minutes")
        await client.close(immediately: true)
    }

    @Test("Without reconnection a call made while the server is down fails UNAVAILABLE / CONNECTION_FAILED")
    func reconnectOff() async throws {
        let server = try await LiveServer.start()
        let client = try await ConcertClient.connect(
            port: server.port, configuration: ClientConfiguration(reconnect: .none, retry: .none))
        await server.stop()
        var error: RPCError?
        for _ in 0..<3 where error?.knownReason != .connectionFailed {
            do { _ = try await client.health() } catch let failure { error = failure }
        }
        #expect(error?.code == .unavailable)
        #expect(error?.knownReason == .connectionFailed)
        await client.close()
    }
}
