import ConcertDomain
import ConcertProtocol
import Foundation
import ConcertTesting
import Testing

/// Storms over many real connections, each followed by a check of the invariants.
@Suite("Concurrency")
struct ConcurrencyTests {
    @Test("1,000 connections race to hold one seat: exactly one wins")
    func seatRace() async throws {
        try await withLiveServer(backgroundJobs: false, queue: QueuePolicy(maxActive: 1000)) { server in
            let tokens = try await issueTokens(port: server.port, count: 1000)
            let (concertID, date) = try await firstDate(WireCaller(port: server.port, token: tokens[0]))
            let results = try await raceOverConnections(
                port: server.port, ReservationService.reserveSeat,
                tokens.map { (ReserveSeatRequest(concertID: concertID, date: date, seatNumber: 25), $0) })
            let winners = results.filter { (try? $0.get()) != nil }
            #expect(winners.count == 1)
            #expect(failureReasons(results) == ["SEAT_ALREADY_HELD": 999])
            let report = try await server.application.store.audit()
            #expect(report.isHealthy, "\(report.violations)")
            #expect(report.liveHolds == 1)
        }
    }

    @Test("100 concurrent charges of 1,000 to one user: balance exactly 100,000")
    func concurrentCharges() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let (fan, _) = try await fan(server.port)
            let results = try await raceOverConnections(
                port: server.port, PaymentService.chargeBalance,
                Array(repeating: (ChargeBalanceRequest(amount: 1000), fan.token), count: 100))
            #expect(results.allSatisfy { (try? $0.get()) != nil })
            let balances = Set(results.compactMap { try? $0.get().balance })
            #expect(balances == Set(stride(from: 1000, through: 100_000, by: 1000).map(Int64.init)))
            #expect(try await fan.getBalance(GetBalanceRequest()).balance == 100_000)
            let report = try await server.application.store.audit()
            #expect(report.isHealthy, "\(report.violations)")
            #expect(report.totalCharged == 100_000)
            #expect(report.totalBalances == 100_000)
        }
    }

    @Test("one reservation paid 50 times at once: one payment, one debit")
    func concurrentPayments() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let (fan, _) = try await fan(server.port)
            let (concertID, date) = try await firstDate(fan)
            let held = try #require(try await fan.reserveSeat(concertID: concertID, date: date, seatNumber: 2).reservation)
            _ = try await fan.chargeBalance(amount: held.price * 3, idempotencyKey: "")
            let results = try await raceOverConnections(
                port: server.port, PaymentService.pay, Array(repeating: (PayRequest(reservationID: held.id), fan.token), count: 50))
            #expect(results.filter { (try? $0.get()) != nil }.count == 1)
            #expect(failureReasons(results) == ["RESERVATION_ALREADY_PAID": 49])
            let report = try await server.application.store.audit()
            #expect(report.isHealthy, "\(report.violations)")
            #expect(report.totalPaid == held.price)
            #expect(report.totalBalances == held.price * 2)
            #expect(report.soldSeats == 1)
        }
    }

    @Test("10,000 tokens issued at once get positions exactly 1…10,000")
    func concurrentIssuance() async throws {
        try await withLiveServer(backgroundJobs: false, queue: QueuePolicy(maxActive: 0)) { server in
            let calls = (0..<10_000).map { _ in (IssueTokenRequest(userID: UUID().uuidString, concertID: 1), String?.none) }
            let results = try await pipelineOverConnections(port: server.port, connections: 100, AuthService.issueToken, calls)
            let issued = results.compactMap { try? $0.get() }
            #expect(issued.count == 10_000)
            #expect(issued.compactMap { $0.status?.position }.sorted() == (1...10_000).map(UInt64.init))
            #expect(Set(issued.map(\.token)).count == 10_000)
            #expect(issued.allSatisfy { $0.status?.state == .waiting && $0.status?.ahead == $0.status.map { $0.position - 1 } })
        }
    }
}

/// Issues `count` tokens for new users, pipelined over a few connections.
func issueTokens(port: Int, count: Int) async throws -> [String] {
    let calls = (0..<count).map { _ in (IssueTokenRequest(userID: UUID().uuidString, concertID: 1), String?.none) }
    return try await pipelineOverConnections(port: port, connections: 4, AuthService.issueToken, calls).map { try $0.get().token }
}

/// How many calls failed with each reason.
func failureReasons<T>(_ results: [Result<T, RPCError>]) -> [String: Int] {
    var counts: [String: Int] = [:]
    for case .failure(let error) in results { counts[error.reason, default: 0] += 1 }
    return counts
}
