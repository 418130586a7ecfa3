/// How the client opens a connection that could not be opened at once: it tries again after a
/// backoff that grows exponentially up to a cap, with jitter, for a bounded number of attempts.
///
/// Every call that needs a connection waits for these attempts, writes included: nothing has been
/// sent before a connection is open. The default tries 5 times, waiting a random 0…100 ms, 0…200 ms,
/// 0…400 ms and 0…800 ms between attempts (full jitter).
public struct ReconnectPolicy: Sendable, Hashable {
    /// How a backoff is drawn from its exponential bound.
    public enum Jitter: Sendable, Hashable {
        /// A uniformly random wait between zero and the bound, so that many clients that lost the
        /// same server spread their attempts out.
        case full
        /// Exactly the bound.
        case none
    }

    /// The bound of the wait before the second attempt.
    public var initialBackoff: Duration
    /// What the bound is multiplied by after each failed attempt.
    public var multiplier: Double
    /// The largest bound.
    public var maxBackoff: Duration
    /// How each wait is drawn from its bound.
    public var jitter: Jitter
    /// The attempts in all, the first included; 1 gives up after the first failure.
    public var maxAttempts: Int

    /// Creates a policy; the defaults are 100 ms, doubling, at most 5 s, full jitter, 5 attempts.
    public init(
        initialBackoff: Duration = .milliseconds(100),
        multiplier: Double = 2,
        maxBackoff: Duration = .seconds(5),
        jitter: Jitter = .full,
        maxAttempts: Int = 5
    ) {
        self.initialBackoff = initialBackoff
        self.multiplier = multiplier
        self.maxBackoff = maxBackoff
        self.jitter = jitter
        self.maxAttempts = maxAttempts
    }

    /// One attempt and no other: a connection that cannot be opened fails the call at once.
    public static let none = ReconnectPolicy(maxAttempts: 1)

    /// The wait after `failedAttempts` failed attempts (1 or more) before the next one, drawing the
    /// jitter from `generator`.
    public func backoff(afterFailedAttempts failedAttempts: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        var bound = initialBackoff
        for _ in 1..<max(failedAttempts, 1) where bound < maxBackoff { bound = bound * multiplier }
        bound = min(bound, maxBackoff)
        switch jitter {
        case .none:
            return bound
        case .full:
            return bound * Double.random(in: 0...1, using: &generator)
        }
    }
}
