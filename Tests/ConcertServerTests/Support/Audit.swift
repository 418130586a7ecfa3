import ConcertDomain
import ConcertStore
import ConcertStorePostgres

/// The invariant report of the database at `path` (a file or a PostgreSQL URL), read by a store of
/// this process after the servers that wrote it have stopped.
func audit(_ path: String, maxActive: Int = 2000) async throws -> InvariantReport {
    let store = try ConcertStore.open(
        configuration: StoreConfiguration(database: path, queue: QueuePolicy(maxActive: maxActive)), clock: SystemClock())
    defer { store.close() }
    return try await store.audit()
}
