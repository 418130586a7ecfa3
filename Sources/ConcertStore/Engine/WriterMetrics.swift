import ConcertDomain
import CoreMetrics
import Dispatch

/// A writer's metrics, through swift-metrics: the jobs per committed batch
/// (`concert_store_batch_size`), how long a batch's transaction took from BEGIN to the end of COMMIT
/// (`concert_store_commit_seconds`), the write jobs by outcome (`concert_store_writes_total{outcome}`:
/// committed, refused by a rule, failed with the store), and the writes refused STORE_BUSY because the
/// database's write lock could not be had in time (`concert_store_busy_total`).
package final class WriterMetrics: Sendable {
    private let batchSize = Recorder(label: "concert_store_batch_size")
    private let commitTime = Timer(label: "concert_store_commit_seconds")
    private let committed = Counter(label: "concert_store_writes_total", dimensions: [("outcome", "committed")])
    private let refused = Counter(label: "concert_store_writes_total", dimensions: [("outcome", "refused")])
    private let failed = Counter(label: "concert_store_writes_total", dimensions: [("outcome", "failed")])
    private let busy = Counter(label: "concert_store_busy_total")

    /// Metrics registered with the process's metrics backend.
    package init() {}

    /// The time to pass to ``committed(_:since:)`` and ``failed(_:error:)``.
    package func begin() -> UInt64 {
        DispatchTime.now().uptimeNanoseconds
    }

    /// A batch committed: `outcomes` in it, begun at `start`.
    package func committed(_ outcomes: [WriteJob.Outcome], since start: UInt64) {
        commitTime.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
        batchSize.record(outcomes.count)
        for outcome in outcomes {
            if outcome.succeeded {
                committed.increment()
            } else {
                refused.increment()
                if let error = outcome.error { count(error) }
            }
        }
    }

    /// A batch of `jobs` failed as a whole with `error`.
    package func failed(_ jobs: Int, error: any Error) {
        failed.increment(by: Int64(jobs))
        count(error)
    }

    private func count(_ error: any Error) {
        if (error as? ConcertError)?.reason == .storeBusy { busy.increment() }
    }
}
