import ConcertDomain
import Foundation

/// The ticketing store: SQLite in WAL mode with one writer thread (group commit) and pooled readers.
///
/// Every rule that checks and then writes runs inside one BEGIN IMMEDIATE transaction, so rules hold across
/// several stores or processes sharing one database file. Reads run on the caller's thread in a read
/// transaction and never wait for writes. A successful write has been committed with synchronous=FULL.
public final class ConcertStore: Sendable {
    private let configuration: StoreConfiguration
    private let clock: any ConcertClock
    private let writer: Writer
    private let readers: ReadPool
    private let admissionRate = AdmissionRate()
    private let droppedPlaces = DroppedPlaces()
    let presence = PresenceTracker(serverID: UUID().uuidString.lowercased())
    private let health = StorageHealth()

    /// Opens (creating if needed) the database, switches it to WAL, migrates it, records this process's first
    /// heartbeat (so the fans it hears are settled by others should it die before its first presence round) and
    /// starts the writer thread.
    /// A database that cannot be written (a read-only file, folder or mount, a full disk) is refused with
    /// ``StoreOpeningError``, so a server never starts on storage that will fail every write.
    public init(configuration: StoreConfiguration, clock: any ConcertClock) throws {
        let connection: Connection
        do {
            connection = try Connection(
                path: configuration.path, busyTimeoutMs: configuration.busyTimeoutMs, role: .writer)
            guard !connection.isReadOnly else {
                throw StoreOpeningError(path: configuration.path, problem: "the file cannot be written (read-only)")
            }
            try Migrator.migrate(connection)
            let serverID = presence.serverID
            let now = clock.now()
            _ = try connection.writeTransaction {
                try connection.execute(
                    "INSERT INTO servers (id, heartbeat_ms) VALUES (?1, ?2)", serverID, now)
            }
        } catch let error as ConcertError where StorageHealth.storageFailure(error) != nil {
            throw StoreOpeningError(path: configuration.path, problem: error.logNote ?? error.message)
        }
        self.configuration = configuration
        self.clock = clock
        self.readers = ReadPool(path: configuration.path, busyTimeoutMs: configuration.busyTimeoutMs)
        self.writer = Writer(connection: connection, maxBatchSize: configuration.maxBatchSize, health: health)
        writer.start()
    }

    /// Why writes fail now (STORAGE_FULL or STORAGE_UNAVAILABLE), or nil while they commit. Set by a write
    /// that failed that way, cleared by the next commit that changed something.
    public var storageProblem: ConcertError.Reason? { health.problem }

    /// Commits a one-row write to learn whether writes succeed again; a success clears ``storageProblem``.
    public func probeStorage() async {
        _ = try? await write { session in try session.touchProbe() }
    }

    deinit {
        close()
    }

    /// Commits every queued write, stops the writer and closes all connections; idempotent. Requests made
    /// afterwards fail with STORE_BUSY.
    public func close() {
        writer.stop()
        readers.close()
    }

    /// The store clock's current instant (Unix ms).
    var clockNow: Int64 { clock.now() }

    /// Runs `body` as one job of the writer's next batch and returns its result once that batch committed.
    func write<Value: Sendable>(_ body: @escaping @Sendable (Session) throws -> Value) async throws -> Value {
        try await writing(body).value()
    }

    /// The write that runs `body` as one job of the writer's next batch.
    func writing<Value: Sendable>(_ body: @escaping @Sendable (Session) throws -> Value) -> StoreWrite<Value> {
        let clock = self.clock
        let queuePolicy = configuration.queue
        let holdPolicy = configuration.hold
        let admissionRate = self.admissionRate
        let droppedPlaces = self.droppedPlaces
        let presence = self.presence
        let presencePolicy = configuration.presence
        let writer = self.writer
        return StoreWrite { completion in
            writer.submit(
                { connection in
                    try body(
                        Session(
                            db: connection, now: clock.now(), queuePolicy: queuePolicy, holdPolicy: holdPolicy,
                            admissionRate: admissionRate, droppedPlaces: droppedPlaces, presence: presence,
                            presencePolicy: presencePolicy))
                }, completion: completion)
        }
    }

    /// Runs `body` on the caller's thread in a read snapshot of its thread's reader (see ``ReadPool``); `fresh`
    /// takes a new snapshot even when the open one may be reused.
    func read<Value>(fresh: Bool = false, _ body: (Session) throws -> Value) throws -> Value {
        try readers.withSnapshot(fresh: fresh) { connection in
            try body(
                Session(
                    db: connection, now: clock.now(), queuePolicy: configuration.queue,
                    holdPolicy: configuration.hold, admissionRate: admissionRate, droppedPlaces: droppedPlaces,
                    presence: presence, presencePolicy: configuration.presence))
        }
    }

    /// Ends the read snapshots nobody reused (see ``ReadPool/closeStaleSnapshots()``).
    func closeStaleSnapshots() {
        readers.closeStaleSnapshots()
    }
}
