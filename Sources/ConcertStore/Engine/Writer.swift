import Foundation

/// The store's single writer: one Foundation thread that owns the write connection and drains a
/// ``WorkQueue`` of jobs with group commit.
///
/// Each round takes up to `maxBatchSize` pending jobs, runs BEGIN IMMEDIATE, runs every job inside its own
/// SAVEPOINT (released on success, rolled back on a thrown error so a failing request never affects the
/// others), COMMITs once and only then resumes each caller. If BEGIN, a savepoint or COMMIT fails, the whole
/// batch is rolled back and every job in it fails with that error.
///
/// `@unchecked Sendable`: `finished` is only touched with `condition` locked, and `connection` only on the
/// writer thread.
final class Writer: @unchecked Sendable {
    private let connection: Connection
    private let maxBatchSize: Int
    private let health: StorageHealth
    private let queue = WorkQueue<WriteJob>()
    private let metrics = WriterMetrics()
    private let condition = NSCondition()
    private var finished = false

    /// Creates a writer that will own `connection` and report to `health`; call `start()` to launch its thread.
    init(connection: Connection, maxBatchSize: Int, health: StorageHealth) {
        self.connection = connection
        self.maxBatchSize = max(1, maxBatchSize)
        self.health = health
    }

    /// Launches the writer thread.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "ConcertStore.writer"
        thread.start()
    }

    /// Queues `job`; its completion runs on the writer thread once the batch holding it has
    /// committed. Fails at once with STORE_BUSY when the writer is stopping.
    func submit(_ job: WriteJob) {
        if !queue.put(job) {
            job.fail(Unavailable.closed)
        }
    }

    /// Refuses new jobs, lets the thread finish every queued job, and waits until it has closed the
    /// connection; idempotent.
    func stop() {
        queue.close()
        condition.lock()
        defer { condition.unlock() }
        while !finished {
            condition.wait()
        }
    }

    private func run() {
        while let batch = queue.take(upTo: maxBatchSize) {
            process(batch)
        }
        connection.close()
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func process(_ batch: [WriteJob]) {
        var outcomes: [WriteJob.Outcome] = []
        outcomes.reserveCapacity(batch.count)
        let changesBefore = connection.totalChanges
        let start = metrics.begin()
        do {
            try connection.beginImmediate()
            for job in batch {
                try connection.savepoint()
                let outcome = job.run(connection)
                if outcome.succeeded {
                    try connection.releaseSavepoint()
                } else {
                    try connection.rollbackSavepoint()
                    if let error = outcome.error { health.record(error) }
                }
                outcomes.append(outcome)
            }
            try connection.commit()
        } catch {
            connection.rollbackIfOpen()
            health.record(error)
            metrics.failed(batch.count, error: error)
            for job in batch {
                job.fail(error)
            }
            return
        }
        CommitGeneration.advance()
        metrics.committed(outcomes, since: start)
        if connection.totalChanges != changesBefore { health.recordCommit() }
        for outcome in outcomes {
            outcome.deliver()
        }
    }
}
