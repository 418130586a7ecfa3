import ConcertDomain
import ConcertStore
import ConcertStorePostgres
import ConcertTesting
import Foundation
import Testing

/// A fresh database (a file in its own temporary directory, or a PostgreSQL database in the PostgreSQL pass;
/// see `TestDatabase`), a manual clock, and helpers to open stores on it.
struct StoreHarness {
    /// The instant every test starts at: 2027-01-01T00:00:00Z.
    static let start: Int64 = 1_798_761_600_000

    /// The directory holding the database files.
    let directory: URL
    /// The clock every store of the harness reads.
    let clock = ManualClock(now: StoreHarness.start)
    /// The database: the SQLite file, or the PostgreSQL URL.
    let database: String
    /// The database file, for tests that look into SQLite itself (they run in the SQLite pass only).
    var path: String { database }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("concert-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try TestDatabase.fresh(in: directory)
    }

    /// Opens a store on the harness's database.
    func open(queue: QueuePolicy = QueuePolicy(), hold: HoldPolicy = HoldPolicy(), busyTimeoutMs: Int32 = 5000) throws -> ConcertStore {
        try ConcertStore.open(
            configuration: StoreConfiguration(database: database, queue: queue, hold: hold, busyTimeoutMs: busyTimeoutMs),
            clock: clock)
    }

    /// Removes the directory and everything in it, and the PostgreSQL database.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
        TestDatabase.remove(database)
    }
}

/// Runs `body` with a store on a fresh database seeded with the demo catalog, then closes it, checks the
/// store's invariants and removes the files.
func withStore(
    queue: QueuePolicy = QueuePolicy(), hold: HoldPolicy = HoldPolicy(),
    _ body: (ConcertStore, StoreHarness) async throws -> Void
) async throws {
    let harness = try StoreHarness()
    defer { harness.remove() }
    let store = try harness.open(queue: queue, hold: hold)
    defer { store.close() }
    try await store.seedDemoCatalogIfEmpty()
    try await body(store, harness)
    let report = try await store.audit()
    #expect(report.violations == [])
}

/// Expects `body` to fail with a `ConcertError` of `reason`.
func expectReason<Value>(
    _ reason: ConcertError.Reason, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Value
) async {
    do {
        _ = try await body()
        Issue.record("expected \(reason.rawValue), but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as ConcertError {
        #expect(error.reason == reason, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(reason.rawValue), got \(error)", sourceLocation: sourceLocation)
    }
}

/// The reason of a `ConcertError`, or nil for success or another error.
func reason<Value>(of body: () async throws -> Value) async -> ConcertError.Reason? {
    do {
        _ = try await body()
        return nil
    } catch {
        return (error as? ConcertError)?.reason
    }
}

extension ConcertStore {
    /// Issues a token for a new user in the sale of `concertID` and expects it to be active.
    func activeToken(
        user: UUID = UUID(), concertID: Int64 = Demo.concert, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let issued = try await issueToken(userID: user, concertID: concertID)
        #expect(issued.status.state == .active, sourceLocation: sourceLocation)
        return issued.token
    }
}

/// The demo catalog's first concert and date; seats 1–10 cost 150,000 and the rest 99,000.
enum Demo {
    static let concert: Int64 = 1
    static let date = "2027-03-06"
    static let otherDate = "2027-03-07"
    /// The demo concert whose sale opens five minutes after loading: its fans join the pre-queue.
    static let preQueueConcert: Int64 = 2
    static let vipPrice: Int64 = 150_000
    static let price: Int64 = 99_000
}
