import ConcertDomain

/// The embedded engine: one SQLite file in WAL mode, one writer thread with group commit (BEGIN IMMEDIATE,
/// so writers of several processes on the file take turns) and a reader connection per thread that reads
/// on the caller's thread, so every read is answered at once.
final class SQLiteEngine: StorageEngine {
    private let writer: Writer
    private let readers: ReadPool
    private let health = StorageHealth()

    /// Opens (creating if needed) the database at `path`, switches it to WAL, migrates it and starts the
    /// writer thread. A database that cannot be written (a read-only file, folder or mount, a full disk) is
    /// refused with ``StoreOpeningError``.
    init(path: String, maxBatchSize: Int, busyTimeoutMs: Int32) throws {
        let connection: Connection
        do {
            connection = try Connection(path: path, busyTimeoutMs: busyTimeoutMs, role: .writer)
            guard !connection.isReadOnly else {
                throw StoreOpeningError(database: path, problem: "the file cannot be written (read-only)")
            }
            try Migrator.migrate(connection)
        } catch let error as ConcertError where StorageHealth.storageFailure(error) != nil {
            throw StoreOpeningError(database: path, problem: error.logNote ?? error.message)
        }
        readers = ReadPool(path: path, busyTimeoutMs: busyTimeoutMs)
        writer = Writer(connection: connection, maxBatchSize: maxBatchSize, health: health)
        writer.start()
    }

    func submit(_ job: WriteJob) {
        writer.submit(job)
    }

    func read<Value: Sendable>(
        fresh: Bool, _ body: @escaping @Sendable (any SQLDatabase) throws -> Value
    ) -> StoreRead<Value> {
        StoreRead(ready: Result { try readers.withSnapshot(fresh: fresh, body) })
    }

    var storageProblem: ConcertError.Reason? { health.problem }

    func endIdleSnapshots() {
        readers.closeStaleSnapshots()
    }

    func close() {
        writer.stop()
        readers.close()
    }
}
