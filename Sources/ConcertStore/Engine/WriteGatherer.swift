import Synchronization

/// Gathers the requests of one kind that arrive while the writer is busy into one write job, so that a
/// rule with a bulk form (see ``BulkSQLDatabase``) runs them with a few statements instead of a few per
/// request.
///
/// The first request queues a job; when the writer runs it, the job takes every request gathered by then
/// (up to `limit`, queueing another job for the rest), so gathering adds no wait: a lone request runs as
/// soon as the writer would have run it alone, and under load each job carries what arrived during the
/// writer's previous batch. The job's scope (``WriteScope``) is that of the requests gathered when the
/// writer puts it in a batch; when it runs, it takes the requests that scope covers, those that arrived
/// while it waited for its turn included. The job is one savepoint: `run` decides each request's outcome
/// itself, and whatever it throws fails (and rolls back) the whole gathered job.
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
    private let scope: @Sendable (Request) -> WriteScope
    private let run: Run

    /// A gatherer that queues its jobs with `submit` and runs at most `limit` requests per job with `run`;
    /// `scope` says what one request may change.
    init(
        limit: Int, submit: @escaping @Sendable (WriteJob) -> Void,
        scope: @escaping @Sendable (Request) -> WriteScope, run: @escaping Run
    ) {
        self.limit = max(1, limit)
        self.submit = submit
        self.scope = scope
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

    /// What the first `limit` gathered requests may change together.
    private func gatheredScope() -> WriteScope {
        let requests = pending.withLock { pending in pending.entries.prefix(limit).map(\.request) }
        var parts: Set<WriteScope.Part> = []
        for request in requests {
            guard let more = scope(request).parts else { return .everything }
            parts.formUnion(more)
        }
        return .only(parts)
    }

    /// Takes up to `limit` gathered entries that `covering` covers, in order; the queued job stays owed when
    /// others remain.
    private func take(covering: WriteScope) -> (entries: [Entry], moreRemain: Bool) {
        pending.withLock { pending in
            var taken: [Entry] = []
            var rest: [Entry] = []
            for entry in pending.entries {
                if taken.count < limit, covering.covers(scope(entry.request)) {
                    taken.append(entry)
                } else {
                    rest.append(entry)
                }
            }
            pending.entries = rest
            pending.jobQueued = !rest.isEmpty
            return (taken, !rest.isEmpty)
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
        let declared = Mutex(WriteScope.everything)
        return WriteJob(
            scope: { [self] in
                let scope = gatheredScope()
                declared.withLock { $0 = scope }
                return scope
            },
            run: { [self] connection in
                let (entries, moreRemain) = take(covering: declared.withLock { $0 })
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
