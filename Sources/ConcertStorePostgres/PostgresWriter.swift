import ConcertDomain
import ConcertStore
import Foundation

/// The store's writer on PostgreSQL: a few threads (lanes), each with its own connection, that commit the
/// queued write jobs in batches (group commit), so N requests cost one transaction and one commit instead
/// of N, and several batches are in flight at once.
///
/// A batch is one READ COMMITTED transaction that first takes the advisory locks of its jobs' scopes
/// (``WriterLocks``: the sales, users and seats they may change, or the whole database for a job that may
/// change anything), then runs each job in its own savepoint (released on success, rolled back when the job
/// throws, so a failing request never affects the others), commits once and only then answers the callers.
/// Batches of every lane of every server whose scopes meet therefore take turns, exactly as SQLite's BEGIN
/// IMMEDIATE makes every batch take turns: each check-then-write rule runs alone over what it may change,
/// and ids handed out within one sale (places, drops) follow its commits. Within one server the lanes take
/// only jobs that meet nothing in flight in another lane (``WriteLaneQueue``), so they wait for each other's
/// locks only where declared scopes cannot tell (one user's two tokens). When the connection fails, every
/// job of the batch fails with DATABASE_UNREACHABLE (its outcome is unknown only if COMMIT itself was lost)
/// and the lane's next batch reconnects.
final class PostgresWriter: Sendable {
    private let queue = WriteLaneQueue()
    private let metrics = WriterMetrics()
    private let maxBatchSize: Int
    private let health: StorageHealth
    private let finished = DispatchSemaphore(value: 0)
    private let lanes: [ConnectionKeeperBox]

    /// A writer with one lane per keeper in `keepers`, committing batches of up to `maxBatchSize` jobs.
    init(keepers: [ConnectionKeeper], maxBatchSize: Int, health: StorageHealth) {
        lanes = keepers.map(ConnectionKeeperBox.init)
        self.maxBatchSize = max(1, maxBatchSize)
        self.health = health
    }

    /// Launches the lanes' threads.
    func start() {
        for (index, lane) in lanes.enumerated() {
            let thread = Thread { [self] in
                while let batch = queue.take(lane: index, upTo: maxBatchSize) {
                    process(batch.map(\.job), scopes: batch.map(\.scope), on: lane.keeper)
                    queue.finished(lane: index)
                }
                lane.keeper.close()
                finished.signal()
            }
            thread.name = "ConcertStore.postgres-writer-\(index)"
            thread.start()
        }
    }

    /// Queues `job`; STORE_BUSY at once when the writer is stopping.
    func submit(_ job: WriteJob) {
        if !queue.put(job) {
            job.fail(ConcertError(.storeBusy, "The store is shutting down; try again shortly."))
        }
    }

    /// Refuses new jobs, commits the queued ones and waits for every lane to end. Call once.
    func stop() {
        queue.close()
        for _ in lanes {
            finished.wait()
        }
    }

    private func process(_ batch: [WriteJob], scopes: [WriteScope], on keeper: ConnectionKeeper) {
        var outcomes: [WriteJob.Outcome] = []
        outcomes.reserveCapacity(batch.count)
        let start = metrics.begin()
        do {
            let connection = try begin(scopes: scopes, on: keeper)
            do {
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
                keeper.discard(after: error)
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

    /// A connection with the batch's transaction begun and its locks taken. A lane's connection may have died
    /// while it was idle (PostgreSQL restarted, a balancer dropped it): then nothing of the batch has run yet,
    /// so it starts again, once, on a new connection, rather than failing every job with
    /// DATABASE_UNREACHABLE after the database came back.
    private func begin(scopes: [WriteScope], on keeper: ConnectionKeeper) throws -> BlockingPostgresConnection {
        var attempt = 0
        while true {
            attempt += 1
            let connection = try keeper.connection()
            do {
                connection.send("BEGIN ISOLATION LEVEL READ COMMITTED")
                try WriterLocks.take(for: scopes, on: connection)
                return connection
            } catch {
                keeper.discard(after: error)
                if !connection.isClosed { _ = try? connection.run("ROLLBACK") }
                guard attempt == 1, PostgresFailure.isConnectionLost(error) else { throw error }
            }
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
