import Synchronization

/// A per-store cache of each sale's recent admissions (over `WaitEstimate.shortWindowMs` and
/// `longWindowMs`), refreshed at most once a second per sale so that estimating a wait stays O(1).
final class AdmissionRate: Sendable {
    /// The admissions of one sale observed over its two windows.
    struct Observed: Sendable {
        /// Places filled in the short window.
        var short: Int64
        /// Places filled in the long window.
        var long: Int64
    }

    private struct Sample {
        var takenAtMs: Int64
        var observed: Observed
    }

    /// How long a sample is reused, in milliseconds.
    static let maxAgeMs: Int64 = 1000

    private let samples = Mutex<[Int64: Sample]>([:])

    /// The admissions of sale `concertID` in the windows ending at `now`, from the cache when its sample is
    /// under a second old, else from `load` (whose answer is cached).
    func observed(concertID: Int64, now: Int64, load: () throws -> Observed) rethrows -> Observed {
        let cached = samples.withLock { samples -> Observed? in
            guard let sample = samples[concertID], now >= sample.takenAtMs, now - sample.takenAtMs < Self.maxAgeMs
            else { return nil }
            return sample.observed
        }
        if let cached { return cached }
        let observed = try load()
        samples.withLock { $0[concertID] = Sample(takenAtMs: now, observed: observed) }
        return observed
    }
}
