import ConcertProtocol
import Histogram

/// What a benchmark observed for one method: latencies in microseconds and outcomes.
struct MethodStats: Sendable {
    /// Every call's latency in microseconds, errors included.
    private(set) var latency = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    /// How many calls answered OK.
    private(set) var ok = 0
    /// How many calls failed, by the status code they were answered with, then by reason.
    private(set) var errorsByCode: [String: [String: Int]] = [:]

    /// All calls.
    var calls: Int { Int(latency.totalCount) }

    /// Failed calls.
    var errors: Int { calls - ok }

    /// How many calls failed, by status code name.
    var errorsByStatus: [String: Int] { errorsByCode.mapValues { $0.values.reduce(0, +) } }

    /// How many calls failed, by reason, whatever their code.
    var errorsByReason: [String: Int] {
        errorsByCode.values.reduce(into: [:]) { $0.merge($1, uniquingKeysWith: +) }
    }

    /// The failures as code, count and the reasons under that code with their counts, codes and reasons
    /// sorted by name.
    var groupedErrors: [(code: String, count: Int, reasons: [(reason: String, count: Int)])] {
        errorsByCode.sorted { $0.key < $1.key }.map { code, reasons in
            (code, reasons.values.reduce(0, +), reasons.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
    }

    /// Records one call that took `latency` and failed with `error`, or succeeded when nil.
    mutating func record(_ latency: Duration, error: RPCError?) {
        self.latency.record(max(1, latency.microseconds))
        if let error {
            errorsByCode[error.code.name, default: [:]][error.reason, default: 0] += 1
        } else {
            ok += 1
        }
    }

    /// Adds everything `other` observed.
    mutating func merge(_ other: MethodStats) {
        latency.add(other.latency)
        ok += other.ok
        errorsByCode.merge(other.errorsByCode) { $0.merging($1, uniquingKeysWith: +) }
    }
}
