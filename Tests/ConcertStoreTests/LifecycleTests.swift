@testable import ConcertStore
import ConcertDomain
import Foundation
import ConcertTesting
import Testing

@Suite struct LifecycleTests {
    @Test(.enabled(if: !TestDatabase.isPostgres, "looks into the SQLite file")) func dataSurvivesReopeningAndTheSchemaIsVersioned() async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let first = try harness.open()
        try await first.seedDemoCatalogIfEmpty()
        let issued = try await first.issueToken(userID: UUID(), concertID: Demo.concert)
        _ = try await first.charge(token: issued.token, amount: 777, idempotencyKey: nil)
        first.close()
        first.close()

        let second = try harness.open()
        defer { second.close() }
        #expect(try second.balance(token: issued.token) == 777)
        #expect(try second.concerts().count == 3)

        let raw = try Connection(path: harness.path, busyTimeoutMs: 1_000, role: .reader)
        #expect(try raw.first("PRAGMA user_version") { $0.int(0) } == Schema.latestVersion)
        #expect(try raw.first("PRAGMA journal_mode") { $0.string(0) } == "wal")
        #expect(try raw.first("PRAGMA foreign_keys") { $0.int(0) } == 1)
        #expect(try raw.first("PRAGMA synchronous") { $0.int(0) } == 2)
    }

    @Test(.enabled(if: !TestDatabase.isPostgres, "looks into the SQLite file")) func storesOpeningAFreshFileAtOnceMigrateItOnce() async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let opened = try await concurrently(4) { _ in
            let store = try harness.open()
            try await store.seedDemoCatalogIfEmpty()
            let concerts = try store.concerts().count
            store.close()
            return concerts
        }.successes()
        #expect(opened == [3, 3, 3, 3])
        let raw = try Connection(path: harness.path, busyTimeoutMs: 1_000, role: .reader)
        #expect(try raw.first("PRAGMA user_version") { $0.int(0) } == Schema.latestVersion)
        #expect(try raw.first("SELECT count(*) FROM sales") { $0.int(0) } == 3)
        #expect(try raw.first("SELECT count(*) FROM seats") { $0.int(0) } == 10 * 50)
    }

    @Test(.enabled(if: !TestDatabase.isPostgres, "looks into the SQLite file")) func aDatabaseFromANewerBuildIsRefused() throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        try harness.open().close()
        let raw = try Connection(path: harness.path, busyTimeoutMs: 1_000, role: .writer)
        try raw.executeScript("PRAGMA user_version = 99;")
        raw.close()
        #expect(throws: StorageError.self) { try harness.open() }
    }

    @Test func aClosedStoreRefusesRequestsWithStoreBusy() async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let store = try harness.open()
        try await store.seedDemoCatalogIfEmpty()
        let token = try await store.activeToken()
        store.close()
        await expectReason(.storeBusy) { try await store.issueToken(userID: UUID(), concertID: Demo.concert) }
        await expectReason(.storeBusy) { try store.balance(token: token) }
        store.close()
    }

    @Test(.enabled(if: !TestDatabase.isPostgres, "looks into the SQLite file")) func writesFailWithStoreBusyWhileAnotherWriterHoldsTheLockButReadsGoOn() async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let store = try harness.open(busyTimeoutMs: 50)
        defer { store.close() }
        try await store.seedDemoCatalogIfEmpty()
        let token = try await store.activeToken()
        let blocker = try Connection(path: harness.path, busyTimeoutMs: 50, role: .writer)
        try blocker.beginImmediate()
        await expectReason(.storeBusy) { try await store.charge(token: token, amount: 5, idempotencyKey: nil) }
        await expectReason(.storeBusy) { try await store.issueToken(userID: UUID(), concertID: Demo.concert) }
        #expect(throws: ConcertError(.storeBusy, "The store is busy; try again shortly.")) { try harness.open(busyTimeoutMs: 50) }
        #expect(try store.balance(token: token) == 0)
        #expect(try store.concerts().count == 3)
        try blocker.commit()
        blocker.close()
        #expect(try await store.charge(token: token, amount: 5, idempotencyKey: nil).balance == 5)
    }

    @Test func storageErrorsDescribeDetailsForLogsOnly() {
        let error = StorageError(code: 19, message: "UNIQUE constraint failed: payments.reservation_id", operation: "step")
        #expect(error.description.contains("SQLite error 19"))
        #expect(error.description.contains("payments.reservation_id"))
    }
}
