import ConcertDomain
import ConcertStore
import Foundation

/// The store's writer on PostgreSQL: one thread with one connection that commits the queued write jobs
/// in batches (group commit), so N requests cost one transaction and one commit instead of N.
///
/// A batch is one READ COMMITTED transaction that first takes the cluster-wide writer lock
/// (`pg_advisory_xact_lock`), then runs each job in its own savepoint (released on success, rolled back
/// when the job throws, so a failing request never affects the others), commits once and only then
/// answers the callers. Writers of every server therefore take turns exactly as SQLite's BEGIN IMMEDIATE
/// makes them: every check-then-write rule runs alone, as it does on SQLite, and ids (drops, places)
/// are handed out in commit order. When the connection fails, every job of the batch fails with
/// DATABASE_UNREACHABLE (its outcome is unknown only if COMMIT itself was lost) and the next batch
/// reconnects.
final class PostgresWriter: Sendable {
    /// The advisory lock key every server's writer takes for its transaction.
    static let writerLockKey: Int64 = 0x636F_6E63_6572_7401

    private let queue = WorkQueue<WriteJob>()
    private let metrics = WriterMetrics()
    private let maxBatchSize: Int
    private let health: StorageHealth
    private let finished = DispatchSemaphore(value: 0)
    private let keeper: ConnectionKeeperBox

    /// A writer that commits batches of up to `maxBatchSize` jobs on connections `keeper` opens.
    init(keeper: ConnectionKeeper, maxBatchSize: Int, health: StorageHealth) {
        self.keeper = ConnectionKeeperBox(keeper)
        self.maxBatchSize = max(1, maxBatchSize)
        self.health = health
    }

    /// Launches the writer thread.
    func start() {
        let thread = Thread { [self] in
            while let batch = queue.take(upTo: maxBatchSize) {
                process(batch)
            }
            keeper.keeper.close()
            finished.signal()
        }
        thread.name = "ConcertStore.postgres-writer"
        thread.start()
    }

    /// Queues `job`; STORE_BUSY at once when the writer is stopping.
    func submit(_ job: WriteJob) {
        if !queue.put(job) {
            job.fail(ConcertError(.storeBusy, "The store is shutting down; try again shortly."))
        }
    }

    /// Refuses new jobs, commits the queued ones and waits for the thread to end. Call once.
    func stop() {
        queue.close()
        finished.wait()
    }

    private func process(_ batch: [WriteJob]) {
        var outcomes: [WriteJob.Outcome] = []
        outcomes.reserveCapacity(batch.count)
        let start = metrics.begin()
        do {
            let connection = try keeper.keeper.connection()
            do {
                connection.send("BEGIN ISOLATION LEVEL READ COMMITTED")
                try connection.run("SELECT pg_advisory_xact_lock(\(Self.writerLockKey))")
                for job in batch {
                    connection.send("SAVEPOINT job")
                    let outcome = job.run(connection)
                    if outcome.succeeded {
                        connection.send("RELEASE SAVEPOINT job")
                    } else {
                        if let error = outcome.error, PostgresFailure.isConnectionLost(error) { throw error }
                        connection.send("ROLLBACK TO SAVEPOINT job")
                        connection.send("RELEASE SAVEPOINT job")
                        if let error = outcome.error { health.record(error) }
                    }
                    outcomes.append(outcome)
                }
                try connection.commit()
            } catch {
                keeper.keeper.discard(after: error)
                if !connection.isClosed { _ = try? connection.run("ROLLBACK") }
                throw error
            }
        } catch {
            health.record(error)
            metrics.failed(batch.count, error: error)
            for job in batch {
                job.fail(error)
            }
            return
        }
        CommitGeneration.advance()
        if outcomes.contains(where: \.succeeded) { health.recordCommit() }
        metrics.committed(outcomes, since: start)
        for outcome in outcomes {
            outcome.deliver()
        }
    }
}

/// Hands the writer's connection keeper to its thread; only that thread uses it.
final class ConnectionKeeperBox: @unchecked Sendable {
    /// The keeper.
    let keeper: ConnectionKeeper

    /// Boxes `keeper`.
    init(_ keeper: ConnectionKeeper) {
        self.keeper = keeper
    }
}
