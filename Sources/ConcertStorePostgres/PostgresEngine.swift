import ConcertDomain
import ConcertStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The store's engine on PostgreSQL: the same rules as on SQLite (see `SQLDatabase`), run by a writer
/// with several lanes of group commit (``PostgresWriter``) and a few reader threads (``PostgresReaders``), each with
/// its own connection on one event loop of the engine's own. Any number of servers on any number of
/// hosts may share the database.
public final class PostgresEngine: StorageEngine {
    /// The most write jobs one batch holds on PostgreSQL. Each statement of a job is a round trip, so a
    /// batch holds its locks (``WriterLocks``) far longer than on SQLite; smaller batches let the lanes and
    /// servers whose writes meet take turns often.
    public static let largestBatch = 32

    /// The least time a write waits for its batch's locks before STORE_BUSY: other batches hold them for
    /// whole batches of round trips, so SQLite's 5 s busy timeout is too short under load.
    public static let shortestLockTimeoutMs: Int32 = 20_000

    private let group: MultiThreadedEventLoopGroup
    private let writer: PostgresWriter
    private let readers: PostgresReaders
    private let lineReader: PostgresReaders
    private let health = StorageHealth()
    private let closed = Mutex(false)

    /// Connects to `location`, migrates the database (one server at a time) and starts the writer with
    /// `writerCount` lanes (transactions in flight at once), `readerCount` readers and one connection for
    /// the line view's refreshes: `writerCount + readerCount + 1` connections in all. A statement waits at
    /// most `lockTimeoutMs` for a lock (then STORE_BUSY) and any answer at most `lockTimeoutMs` plus 5 s
    /// (then DATABASE_UNREACHABLE). A database that cannot be reached or migrated is refused with
    /// `StoreOpeningError`.
    public init(
        location: PostgresLocation, maxBatchSize: Int, lockTimeoutMs: Int32, writerCount: Int = 4, readerCount: Int = 8,
        logger: Logger = Logger(label: "concert.store.postgres")
    ) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let settings = ConnectionKeeper.Settings(
            location: location, connectTimeout: .seconds(3), lockTimeoutMs: lockTimeoutMs,
            answerTimeout: .milliseconds(Int(lockTimeoutMs) + 5000))
        let eventLoop = group.next()
        do {
            let migrating = try BlockingPostgresConnection.connect(
                to: location, on: eventLoop, connectTimeout: settings.connectTimeout, lockTimeoutMs: 0,
                timeout: .seconds(600), logger: logger)
            defer { migrating.close() }
            try PostgresMigrator.migrate(migrating)
        } catch {
            try? group.syncShutdownGracefully()
            let problem = (error as? ConcertError).map { $0.logNote ?? $0.message } ?? "\(error)"
            throw StoreOpeningError(database: location.redacted, problem: problem)
        }
        self.group = group
        writer = PostgresWriter(
            keepers: (0..<max(1, writerCount)).map { _ in
                ConnectionKeeper(settings: settings, eventLoop: eventLoop, logger: logger)
            },
            maxBatchSize: maxBatchSize, health: health)
        readers = PostgresReaders(count: readerCount) {
            ConnectionKeeper(settings: settings, eventLoop: eventLoop, logger: logger)
        }
        lineReader = PostgresReaders(count: 1) {
            ConnectionKeeper(settings: settings, eventLoop: eventLoop, logger: logger)
        }
        writer.start()
    }

    /// Queues `job` for the writer's next batch.
    public func submit(_ job: WriteJob) {
        writer.submit(job)
    }

    /// Runs `body` on a reader thread in a fresh REPEATABLE READ snapshot; answered later.
    public func read<Value: Sendable>(
        fresh: Bool, _ body: @escaping @Sendable (any SQLDatabase) throws -> Value
    ) -> StoreRead<Value> {
        StoreRead { [readers] completion in readers.read(body, completion: completion) }
    }

    /// Runs a line view's refresh on the connection kept for refreshes.
    public func readLineView<Value: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) throws -> Value
    ) -> StoreRead<Value> {
        StoreRead { [lineReader] completion in lineReader.read(body, completion: completion) }
    }

    /// Why writes fail now, or nil while they commit.
    public var storageProblem: ConcertError.Reason? { health.problem }

    /// True: every server keeps its lines in memory, following the change feed, since each read here is a
    /// round trip to the database.
    public var keepsLineViews: Bool { true }

    /// True: a statement here is a round trip, so charges and joins are gathered and run in bulk.
    public var writesInBulk: Bool { true }

    /// Nothing to do: every read takes a fresh snapshot.
    public func endIdleSnapshots() {}

    /// Commits the queued writes, ends the readers, closes the connections; idempotent.
    public func close() {
        let first = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        writer.stop()
        readers.stop()
        lineReader.stop()
        try? group.syncShutdownGracefully()
    }
}
