import Foundation
import Synchronization

/// A source of the current time, injected everywhere a rule depends on time.
public protocol ConcertClock: Sendable {
    /// The current instant as Unix epoch milliseconds (UTC).
    func now() -> Int64
}

/// The wall clock of the machine.
public struct SystemClock: ConcertClock {
    /// Creates a wall clock.
    public init() {}

    /// The current wall-clock time as Unix epoch milliseconds.
    public func now() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}

/// A clock that only moves when told to; thread-safe. Used by tests to move time without sleeping.
public final class ManualClock: ConcertClock, Sendable {
    private let millis: Atomic<Int64>

    /// Creates a clock that reads `now` (Unix epoch milliseconds) until moved.
    public init(now: Int64) {
        millis = Atomic(now)
    }

    /// The instant the clock currently shows.
    public func now() -> Int64 {
        millis.load(ordering: .acquiring)
    }

    /// Moves the clock forward (or backward, for a negative value) by `milliseconds`.
    public func advance(byMilliseconds milliseconds: Int64) {
        millis.add(milliseconds, ordering: .acquiringAndReleasing)
    }

    /// Sets the clock to the instant `millis` (Unix epoch milliseconds).
    public func set(_ millis: Int64) {
        self.millis.store(millis, ordering: .releasing)
    }
}
