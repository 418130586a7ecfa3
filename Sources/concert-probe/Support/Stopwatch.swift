import Foundation

/// Measures how long an operation takes on the continuous clock.
struct Stopwatch {
    private let start = ContinuousClock.now

    /// The time since the stopwatch was made.
    var elapsed: Duration { ContinuousClock.now - start }
}

extension Duration {
    /// The duration in (fractional) milliseconds.
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }

    /// The duration in whole microseconds, never negative.
    var microseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
    }

    /// The duration as milliseconds with two decimals, e.g. `1.25 ms`.
    var formattedMilliseconds: String {
        String(format: "%.2f ms", milliseconds)
    }
}
