import Synchronization

/// Gathers the requests of one kind that arrive while the writer is busy into one write job, so that a
/// rule with a bulk form (see ``BulkSQLDatabase``) runs them with a few statements instead of a few per
/// request.
///
/// The first request queues a job; when the writer runs it, the job takes every request gathered by then
/// (up to `limit`, queueing another job for the rest), so gathering adds no wait: a lone request runs as
/// soon as the writer would have run it alone, and under load each job carries what arrived during the
/// writer's previous batch. The job is one savepoint: `run` decides each request's outcome itself, and
/// whatever it throws fails (and rolls back) the whole gathered job.
final class WriteGatherer<Request: Sendable, Value: Sendable>: Sendable {
    /// Receives one request's outcome once its batch has committed or failed.
    typealias Completion = @Sendable (Result<Value, any Error>) -> Void
    /// Runs gathered requests on the writer's connection and returns one outcome per request, in order.
    typealias Run = @Sendable (any SQLDatabase, [Request]) throws -> [Result<Value, any Error>]

    private struct Entry: Sendable {
        let request: Request
        let completion: Completion
    }

    private struct Pending: Sendable {
        var entries: [Entry] = []
        var jobQueued = false
    }

    private let pending = Mutex(Pending())
    private let limit: Int
    private let submit: @Sendable (WriteJob) -> Void
    private let run: Run

    /// A gatherer that queues its jobs with `submit` and runs at most `limit` requests per job with `run`.
    init(limit: Int, submit: @escaping @Sendable (WriteJob) -> Void, run: @escaping Run) {
        self.limit = max(1, limit)
        self.submit = submit
        self.run = run
    }

    /// Adds `request`; `completion` receives its outcome after the batch that ran it committed (or failed).
    func add(_ request: Request, completion: @escaping Completion) {
        let queuesJob = pending.withLock { pending in
            pending.entries.append(Entry(request: request, completion: completion))
            guard !pending.jobQueued else { return false }
            pending.jobQueued = true
            return true
        }
        if queuesJob { submit(makeJob()) }
    }

    /// Takes up to `limit` gathered entries; the queued job stays owed when more remain.
    private func take() -> (entries: [Entry], moreRemain: Bool) {
        pending.withLock { pending in
            let taken = Array(pending.entries.prefix(limit))
            pending.entries.removeFirst(taken.count)
            let moreRemain = !pending.entries.isEmpty
            pending.jobQueued = moreRemain
            return (taken, moreRemain)
        }
    }

    /// Takes every gathered entry, for a job that failed before it ran (its batch failed, or the writer
    /// is stopping): they fail with it, and the next request queues a new job.
    private func takeAll() -> [Entry] {
        pending.withLock { pending in
            defer {
                pending.entries = []
                pending.jobQueued = false
            }
            return pending.entries
        }
    }

    private func makeJob() -> WriteJob {
        let taken = TakenEntries<Entry>()
        return WriteJob(
            run: { [self] connection in
                let (entries, moreRemain) = take()
                taken.set(entries)
                if moreRemain { submit(makeJob()) }
                do {
                    let outcomes = try run(connection, entries.map(\.request))
                    return WriteJob.Outcome(succeeded: true) {
                        for (entry, outcome) in zip(entries, outcomes) {
                            entry.completion(outcome)
                        }
                    }
                } catch {
                    return WriteJob.Outcome(succeeded: false, error: error) {
                        for entry in entries {
                            entry.completion(.failure(error))
                        }
                    }
                }
            },
            fail: { [self] error in
                let entries = taken.get() ?? takeAll()
                for entry in entries {
                    entry.completion(.failure(error))
                }
            })
    }
}

/// The entries one gathered job took when it ran; nil until then.
private final class TakenEntries<Entry: Sendable>: Sendable {
    private let entries = Mutex<[Entry]?>(nil)

    func set(_ taken: [Entry]) {
        entries.withLock { $0 = taken }
    }

    func get() -> [Entry]? {
        entries.withLock { $0 }
    }
}
