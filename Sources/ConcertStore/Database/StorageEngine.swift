import ConcertDomain

/// The database under a ``ConcertStore``: where its write batches commit and where its reads run. The rules
/// (SQL written once, see ``SQLDatabase``) run on the connections an engine lends; SQLite (``SQLiteEngine``)
/// and PostgreSQL (the `ConcertStorePostgres` module) implement it.
///
/// An engine guarantees what the rules rely on: write jobs whose scopes meet (``WriteScope``) run one at a
/// time in commit order across every process sharing the database (each in its own savepoint, many to a
/// transaction; SQLite runs every job that way), and a read sees one consistent snapshot that includes
/// every write this process acknowledged before the read began.
public protocol StorageEngine: Sendable {
    /// Queues `job` for the next write batch; its completion runs after the batch committed (or failed).
    func submit(_ job: WriteJob)

    /// Runs `body` in a read snapshot (a new one when `fresh`), on the calling thread or a reader's.
    func read<Value: Sendable>(
        fresh: Bool, _ body: @escaping @Sendable (any SQLDatabase) throws -> Value
    ) -> StoreRead<Value>

    /// Why writes fail now (STORAGE_FULL or STORAGE_UNAVAILABLE), or nil while they commit.
    var storageProblem: ConcertError.Reason? { get }

    /// Ends read snapshots nobody reused; the presence job calls it every second.
    func endIdleSnapshots()

    /// Commits every queued write, stops the writer and closes every connection; idempotent.
    func close()

    /// Whether each store on this engine answers statuses and lines from a ``LineView`` in memory that follows
    /// the database's change feed, instead of a read per question: worth it where a read is a network round
    /// trip (PostgreSQL). The rules then log every token they change in `token_changes`.
    var keepsLineViews: Bool { get }

    /// Runs `body`, a refresh of a line view, in a fresh read snapshot: on a connection of its own where the
    /// engine keeps views, so that the refresh every status waits for never queues behind other reads.
    func readLineView<Value: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> Value) -> StoreRead<Value>

    /// Whether each store on this engine gathers the charges and joins that arrive while its writer is busy
    /// into one write job that runs them with a few statements over lists (its connections are
    /// ``BulkSQLDatabase``s): worth it where a statement is a network round trip (PostgreSQL).
    var writesInBulk: Bool { get }
}

extension StorageEngine {
    /// False: reads of the line go to the database.
    public var keepsLineViews: Bool { false }

    /// False: each charge and join is a write job of its own.
    public var writesInBulk: Bool { false }

    /// A fresh read, like any other.
    public func readLineView<Value: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) throws -> Value
    ) -> StoreRead<Value> {
        read(fresh: true, body)
    }
}
