import ConcertDomain
import ConcertStore

extension ConcertStore {
    /// Opens the store that `configuration.database` names: a `postgres://` URL on PostgreSQL (batches
    /// of at most ``PostgresEngine/largestBatch`` writes, waiting at least
    /// ``PostgresEngine/shortestLockTimeoutMs`` for the writer lock), anything else as a SQLite file. Refused with `StoreOpeningError` when the database cannot be used.
    public static func open(configuration: StoreConfiguration, clock: any ConcertClock) throws -> ConcertStore {
        guard PostgresLocation.isURL(configuration.database) else {
            return try ConcertStore(configuration: configuration, clock: clock)
        }
        guard let location = PostgresLocation(url: configuration.database) else {
            throw StoreOpeningError(
                database: configuration.database,
                problem: "the URL is not of the form postgres://user[:password]@host[:port]/database")
        }
        let engine = try PostgresEngine(
            location: location, maxBatchSize: min(configuration.maxBatchSize, PostgresEngine.largestBatch),
            lockTimeoutMs: max(configuration.busyTimeoutMs, PostgresEngine.shortestLockTimeoutMs))
        return try ConcertStore(engine: engine, configuration: configuration, clock: clock)
    }
}
