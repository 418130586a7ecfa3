import ConcertProtocol
import Synchronization

/// Per-method statistics shared by the fans of one connection.
final class StatsRecorder: Sendable {
    private let stats = Mutex<[String: MethodStats]>([:])

    /// Records one call of `method`.
    func record(_ method: String, latency: Duration, error: RPCError?) {
        stats.withLock { $0[method, default: MethodStats()].record(latency, error: error) }
    }

    /// What was recorded so far, by method name.
    var snapshot: [String: MethodStats] { stats.withLock { $0 } }

    /// The statistics of all `recorders` merged, by method name.
    static func merged(_ recorders: [StatsRecorder]) -> [String: MethodStats] {
        recorders.reduce(into: [:]) { merged, recorder in
            merged.merge(recorder.snapshot) { first, second in
                var combined = first
                combined.merge(second)
                return combined
            }
        }
    }
}
