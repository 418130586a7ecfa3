import ConcertStore
import Foundation

/// The queue of write jobs that a writer's lanes take their batches from (``PostgresWriter``), so that the
/// lanes of one server never wait for each other: a lane takes only jobs whose scopes (``WriteScope``) meet
/// nothing the batches in flight in the other lanes may change. A job that meets one waits in the queue, and
/// so does every later job that meets it, so jobs that meet keep their order; a job that may change anything
/// waits until no other batch is in flight and runs alone. Scopes are compared as declared (a token's user is
/// only known once the batch looks it up), so two jobs of one user through different tokens may still meet
/// in the database, where the batches' locks make them take turns.
///
/// `@unchecked Sendable`: `items`, `inFlight` and `closed` are only touched with `condition` locked.
final class WriteLaneQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [WriteJob] = []
    private var inFlight: [Int: Set<WriteScope.Part>?] = [:]
    private var closed = false

    /// How far into the queue a lane looks for jobs it may run, in batches: a lane woken by every new job
    /// while the queue's head waits for another lane would otherwise look at every queued job each time.
    private static let lookahead = 4

    /// Queues `job`; false when the queue is closed.
    func put(_ job: WriteJob) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        items.append(job)
        condition.broadcast()
        return true
    }

    /// Waits for jobs that lane `lane` may run beside the other lanes' batches and takes up to `limit` of
    /// them, with the scope each declared; nil once the queue is closed and empty. Call ``finished(lane:)``
    /// when the batch has ended.
    func take(lane: Int, upTo limit: Int) -> [(job: WriteJob, scope: WriteScope)]? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if items.isEmpty && closed { return nil }
            let batch = takeRunnable(lane: lane, upTo: limit)
            if !batch.isEmpty { return batch }
            condition.wait()
        }
    }

    /// ``take(lane:upTo:)`` without waiting: the jobs lane `lane` may run now, possibly none.
    func takeNow(lane: Int, upTo limit: Int) -> [(job: WriteJob, scope: WriteScope)] {
        condition.lock()
        defer { condition.unlock() }
        return takeRunnable(lane: lane, upTo: limit)
    }

    /// Records that lane `lane`'s batch has ended (committed or failed), which may let other jobs run.
    func finished(lane: Int) {
        condition.lock()
        inFlight[lane] = nil
        condition.broadcast()
        condition.unlock()
    }

    /// Refuses new jobs and wakes every waiting lane; the lanes still take what is queued.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The jobs lane `lane` may run now, taken out of the queue, and its batch recorded in flight. Called
    /// with `condition` locked.
    private func takeRunnable(lane: Int, upTo limit: Int) -> [(job: WriteJob, scope: WriteScope)] {
        guard !items.isEmpty else { return [] }
        var busy: Set<WriteScope.Part> = []
        for case let (other, parts) in inFlight where other != lane {
            guard let parts else { return [] }
            busy.formUnion(parts)
        }
        let othersRun = inFlight.keys.contains { $0 != lane }
        var taken: [(job: WriteJob, scope: WriteScope)] = []
        var takenParts: Set<WriteScope.Part>? = []
        var kept: [WriteJob] = []
        var waiting: Set<WriteScope.Part> = []
        var barrier = false
        for (index, job) in items.enumerated() {
            guard !barrier, taken.count < limit, index < Self.lookahead * limit else {
                kept.append(job)
                continue
            }
            let scope = job.scope()
            guard let parts = scope.parts else {
                if taken.isEmpty && !othersRun {
                    taken.append((job, scope))
                    takenParts = nil
                } else {
                    kept.append(job)
                }
                barrier = true
                continue
            }
            if busy.isDisjoint(with: parts) && waiting.isDisjoint(with: parts) {
                taken.append((job, scope))
                takenParts?.formUnion(parts)
            } else {
                kept.append(job)
                waiting.formUnion(parts)
            }
        }
        items = kept
        if !taken.isEmpty { inFlight[lane] = .some(takenParts) }
        return taken
    }
}
