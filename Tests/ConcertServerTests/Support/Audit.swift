import ConcertDomain
import ConcertStore

/// The invariant report of the database at `path`, read by a store of this process after
/// the servers that wrote it have stopped.
func audit(_ path: String, maxActive: Int = 2000) async throws -> InvariantReport {
    let store = try ConcertStore(
        configuration: StoreConfiguration(database: path, queue: QueuePolicy(maxActive: maxActive)), clock: SystemClock())
    defer { store.close() }
    return try await store.audit()
}
