@testable import ConcertStore
import ConcertDomain
import Foundation
import Testing

@Suite struct WriterTests {
    @Test func aFailingJobIsUndoneWithoutAffectingTheOthersInItsBatch() async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let store = try harness.open()
        defer { store.close() }
        let outcomes = try await concurrently(300) { index in
            try await store.write(scope: .everything) { session in
                try session.db.execute(
                    "INSERT INTO concerts (id, title, artist, venue) VALUES (?1, 'Title', 'Artist', 'Venue')", Int64(index + 1))
                if index % 3 == 0 { throw ConcertError(.invalidCatalog) }
                return index
            }
        }
        #expect(outcomes.successes().count == 200)
        #expect(outcomes.failureReasons().tally == [.invalidCatalog: 100])
        let stored = try store.concerts().map(\.id)
        #expect(stored.count == 200)
        #expect(stored.allSatisfy { ($0 - 1) % 3 != 0 })
    }

    @Test func closingCommitsEveryQueuedWrite() async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let store = try harness.open()
        try await store.seedDemoCatalogIfEmpty()
        let token = try await store.activeToken()
        async let charges = concurrently(200) { _ in try await store.charge(token: token, amount: 10, idempotencyKey: nil) }
        await Task.yield()
        store.close()
        let landed = try await charges.successes().count
        #expect(try await charges.failureReasons().allSatisfy { $0 == .storeBusy })
        let reopened = try harness.open()
        defer { reopened.close() }
        #expect(try reopened.balance(token: token) == Int64(landed) * 10)
        #expect(try await reopened.audit().isHealthy)
    }
}
