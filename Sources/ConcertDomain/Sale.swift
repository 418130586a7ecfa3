/// Where a sale stands at one instant.
public enum SaleState: Sendable, Equatable {
    /// Before the pre-queue window: no tokens yet.
    case upcoming
    /// In the pre-queue window: tokens wait without a position until opening.
    case preQueue
    /// Open: new tokens join the back of the line.
    case open
    /// Closed: no new tokens.
    case closed
}

/// One concert's on-sale: its times and the settings of its line.
public struct Sale: Sendable, Equatable {
    /// The concert on sale.
    public var concertID: Int64
    /// When the sale opens (Unix ms).
    public var opensAtMs: Int64
    /// When it closes (Unix ms), or nil for never.
    public var closesAtMs: Int64?
    /// The line's settings.
    public var policy: QueuePolicy
    /// Whether operators have paused admission: nobody is admitted until they resume it.
    public var isAdmissionPaused: Bool

    /// Creates a sale.
    public init(
        concertID: Int64, opensAtMs: Int64, closesAtMs: Int64?, policy: QueuePolicy, isAdmissionPaused: Bool = false
    ) {
        self.isAdmissionPaused = isAdmissionPaused
        self.concertID = concertID
        self.opensAtMs = opensAtMs
        self.closesAtMs = closesAtMs
        self.policy = policy
    }

    /// When the pre-queue opens: the pre-queue window before `opensAtMs`.
    public var preQueueOpensAtMs: Int64 { opensAtMs - policy.preQueueWindowMs }

    /// The sale's state at `now`.
    public func state(now: Int64) -> SaleState {
        if let closesAtMs, now >= closesAtMs { return .closed }
        if now >= opensAtMs { return .open }
        if now >= preQueueOpensAtMs { return .preQueue }
        return .upcoming
    }
}
