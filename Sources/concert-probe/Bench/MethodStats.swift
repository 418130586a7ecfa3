import ConcertProtocol
import Histogram

/// What a benchmark observed for one method: latencies in microseconds and outcomes.
struct MethodStats: Sendable {
    /// Every call's latency in microseconds, errors included.
    private(set) var latency = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    /// How many calls answered OK.
    private(set) var ok = 0
    /// How many calls failed, by status code name.
    private(set) var errorsByStatus: [String: Int] = [:]
    /// How many calls failed, by reason.
    private(set) var errorsByReason: [String: Int] = [:]

    /// All calls.
    var calls: Int { Int(latency.totalCount) }

    /// Failed calls.
    var errors: Int { calls - ok }

    /// Records one call that took `latency` and failed with `error`, or succeeded when nil.
    mutating func record(_ latency: Duration, error: RPCError?) {
        self.latency.record(max(1, latency.microseconds))
        if let error {
            errorsByStatus[error.code.name, default: 0] += 1
            errorsByReason[error.reason, default: 0] += 1
        } else {
            ok += 1
        }
    }

    /// Adds everything `other` observed.
    mutating func merge(_ other: MethodStats) {
        latency.add(other.latency)
        ok += other.ok
        errorsByStatus.merge(other.errorsByStatus, uniquingKeysWith: +)
        errorsByReason.merge(other.errorsByReason, uniquingKeysWith: +)
    }
}
