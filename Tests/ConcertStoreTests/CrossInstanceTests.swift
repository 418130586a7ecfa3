import ConcertDomain
import ConcertStore
import Foundation
import Testing

/// Two stores (two writer threads, two connection sets) on one database file must keep every rule, because
/// every check-then-write happens inside one BEGIN IMMEDIATE transaction.
@Suite struct CrossInstanceTests {
    private func withTwoStores(_ body: (ConcertStore, ConcertStore) async throws -> Void) async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let policy = QueuePolicy(maxActive: 2_000)
        let first = try harness.open(queue: policy)
        defer { first.close() }
        let second = try harness.open(queue: policy)
        defer { second.close() }
        try await first.seedDemoCatalogIfEmpty()
        try await second.seedDemoCatalogIfEmpty()
        try await body(first, second)
        #expect(try await first.audit().violations == [])
        #expect(try await second.audit().violations == [])
    }

    @Test func theSeatRaceHasOneWinnerAcrossTwoStores() async throws {
        try await withTwoStores { first, second in
            #expect(try first.concerts().count == 3)
            let stores = [first, second]
            let tokens = try await concurrently(1_000) { index in
                try await stores[index % 2].issueToken(userID: UUID(), concertID: Demo.concert)
            }.successes()
            try #require(tokens.count == 1_000)
            #expect(tokens.map(\.status.state).allSatisfy { $0 == .active })
            let outcomes = try await concurrently(1_000) { index in
                try await stores[(index / 2) % 2].reserveSeat(
                    token: tokens[index].token, concertID: Demo.concert, date: Demo.date, seatNumber: 50)
            }
            #expect(outcomes.successes().count == 1)
            #expect(outcomes.failureReasons().tally == [.seatAlreadyHeld: 999])
            #expect(try await second.audit().liveHolds == 1)
        }
    }

    @Test func chargesThroughTwoStoresAllLand() async throws {
        try await withTwoStores { first, second in
            let user = UUID()
            let token = try await first.issueToken(userID: user, concertID: Demo.concert)
            #expect(try await second.issueToken(userID: user, concertID: Demo.concert) == token)
            let stores = [first, second]
            let receipts = try await concurrently(100) { index in
                try await stores[index % 2].charge(token: token.token, amount: 1_000, idempotencyKey: nil)
            }.successes()
            #expect(receipts.count == 100)
            #expect(try first.balance(token: token.token) == 100_000)
            #expect(try await second.audit().totalCharged == 100_000)
        }
    }

    @Test func arrivalsThroughTwoStoresShareOneLine() async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let paused = QueuePolicy(maxActive: 0)
        let first = try harness.open(queue: paused)
        defer { first.close() }
        let second = try harness.open(queue: paused)
        defer { second.close() }
        try await first.seedDemoCatalogIfEmpty()
        let stores = [first, second]
        let issued = try await concurrently(2_000) { index in
            try await stores[index % 2].issueToken(userID: UUID(), concertID: Demo.concert)
        }.successes()
        #expect(issued.map(\.status.position).isExactly(1...2_000))
        #expect(try await first.audit().violations == [])
    }

    @Test("an audit after a restart with a smaller N checks each admission against the N it was made under")
    func auditAfterLoweringMaxActive() async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let wide = try harness.open(queue: QueuePolicy(maxActive: 10))
        try await wide.seedDemoCatalogIfEmpty()
        for _ in 0..<10 { _ = try await wide.issueToken(userID: UUID(), concertID: Demo.concert) }
        wide.close()
        let narrow = try harness.open(queue: QueuePolicy(maxActive: 2))
        defer { narrow.close() }
        _ = try await narrow.issueToken(userID: UUID(), concertID: Demo.concert)
        #expect(try await narrow.audit().violations == [])
    }
}
