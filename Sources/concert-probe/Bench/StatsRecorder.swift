import ConcertProtocol
import Synchronization

/// Per-method statistics and the timeline shared by the fans of one connection, with running totals
/// for a progress line.
final class StatsRecorder: Sendable {
    private let state = Mutex<(methods: [String: MethodStats], timeline: Timeline)>(([:], Timeline()))
    private let calls = Atomic<Int>(0)
    private let errors = Atomic<Int>(0)

    /// Records one call of `method`, answered `second` seconds after recording began.
    func record(_ method: String, latency: Duration, error: RPCError?, second: Int) {
        state.withLock {
            $0.methods[method, default: MethodStats()].record(latency, error: error)
            $0.timeline.record(second: second, failed: error != nil)
        }
        calls.add(1, ordering: .relaxed)
        if error != nil { errors.add(1, ordering: .relaxed) }
    }

    /// What was recorded so far, by method name.
    var snapshot: [String: MethodStats] { state.withLock { $0.methods } }

    /// The calls and errors per second recorded so far.
    var timeline: Timeline { state.withLock { $0.timeline } }

    /// How many calls, and how many failed calls, were recorded so far.
    var totals: (calls: Int, errors: Int) { (calls.load(ordering: .relaxed), errors.load(ordering: .relaxed)) }

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

    /// The timelines of all `recorders` added up.
    static func mergedTimeline(_ recorders: [StatsRecorder]) -> Timeline {
        recorders.reduce(into: Timeline()) { $0.merge($1.timeline) }
    }
}
