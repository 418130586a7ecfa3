/// Counts occurrences of one event and lets it be logged at most once a second, with how
/// many happened since the last line, so a flood of refusals or failures costs one log line a second.
struct LogThrottle {
    private var count = 0
    private var lastLog: ContinuousClock.Instant?

    /// Counts one occurrence; returns how many to report when a line is due now, else nil.
    mutating func occurred(now: ContinuousClock.Instant = .now) -> Int? {
        count += 1
        guard lastLog.map({ now - $0 >= .seconds(1) }) ?? true else { return nil }
        lastLog = now
        defer { count = 0 }
        return count
    }
}
