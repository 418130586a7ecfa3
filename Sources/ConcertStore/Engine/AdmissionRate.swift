import Synchronization

/// A per-store cache of how many admissions happened in the last `WaitEstimate.observationWindowMs`,
/// refreshed at most once a second so that estimating a wait stays O(1).
final class AdmissionRate: Sendable {
    private struct Sample {
        var takenAtMs: Int64
        var admitted: Int64
    }

    /// How long a sample is reused, in milliseconds.
    static let maxAgeMs: Int64 = 1000

    private let sample = Mutex<Sample?>(nil)

    /// The admissions in the window ending at `now`, from the cache when its sample is under a second old,
    /// else from `load` (whose answer is cached).
    func admittedInWindow(now: Int64, load: () throws -> Int64) rethrows -> Int64 {
        let cached = sample.withLock { sample -> Int64? in
            guard let sample, now >= sample.takenAtMs, now - sample.takenAtMs < Self.maxAgeMs else { return nil }
            return sample.admitted
        }
        if let cached { return cached }
        let admitted = try load()
        sample.withLock { $0 = Sample(takenAtMs: now, admitted: admitted) }
        return admitted
    }
}
