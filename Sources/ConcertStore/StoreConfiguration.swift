import ConcertDomain

/// Where the store keeps its data and the policies it enforces.
public struct StoreConfiguration: Sendable {
    /// The database: a SQLite file path (created if missing), or a `postgres://user@host:port/database` URL
    /// for an engine that the caller opens (see `ConcertStorePostgres`).
    public var database: String
    /// The waiting-line policy.
    public var queue: QueuePolicy
    /// The seat-hold policy.
    public var hold: HoldPolicy
    /// How long a waiting fan may stay silent before losing the place.
    public var presence: PresencePolicy
    /// The most write requests committed together in one transaction.
    public var maxBatchSize: Int
    /// How long a connection waits for a lock (SQLite) or a statement waits for its answer (PostgreSQL)
    /// before the request fails with STORE_BUSY / STORAGE_UNAVAILABLE, in milliseconds.
    public var busyTimeoutMs: Int32

    /// Creates a configuration; by default the policies' defaults, batches of 256 and a 5 s busy timeout.
    public init(
        database: String, queue: QueuePolicy = QueuePolicy(), hold: HoldPolicy = HoldPolicy(),
        presence: PresencePolicy = PresencePolicy(), maxBatchSize: Int = 256, busyTimeoutMs: Int32 = 5000
    ) {
        self.database = database
        self.queue = queue
        self.hold = hold
        self.presence = presence
        self.maxBatchSize = maxBatchSize
        self.busyTimeoutMs = busyTimeoutMs
    }
}
