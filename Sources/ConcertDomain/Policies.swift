/// How a sale's waiting line admits users to the active set. The server's flags give the
/// defaults; each sale of the catalog may set its own.
public struct QueuePolicy: Sendable, Equatable {
    /// N: the most tokens that may be active at once; 0 pauses admission (everyone waits).
    public var maxActive: Int
    /// K: an optional cap of at most this many admissions in any window of `admissionIntervalMs`.
    public var admissionsPerInterval: Int?
    /// The length of the window the K cap applies to, in milliseconds.
    public var admissionIntervalMs: Int64
    /// T: how long an admitted token stays active at most, in milliseconds.
    public var activeLifetimeMs: Int64
    /// How long an active token may make no call before it expires early, in milliseconds.
    public var activeIdleMs: Int64
    /// How long before opening the pre-queue takes tokens, in milliseconds.
    public var preQueueWindowMs: Int64

    /// Creates a queue policy; the defaults are N = 100, no K cap, a 1 s interval, T = 10 min,
    /// an active idle limit of 5 minutes and a 15-minute pre-queue window.
    public init(
        maxActive: Int = 100,
        admissionsPerInterval: Int? = nil,
        admissionIntervalMs: Int64 = 1000,
        activeLifetimeMs: Int64 = 600_000,
        activeIdleMs: Int64 = 300_000,
        preQueueWindowMs: Int64 = 900_000
    ) {
        self.maxActive = maxActive
        self.admissionsPerInterval = admissionsPerInterval
        self.admissionIntervalMs = admissionIntervalMs
        self.activeLifetimeMs = activeLifetimeMs
        self.activeIdleMs = activeIdleMs
        self.preQueueWindowMs = preQueueWindowMs
    }
}

/// How long a waiting fan stays in line without calling the server.
public struct PresencePolicy: Sendable, Equatable {
    /// G: a waiting token not heard from for this long is dropped (ABANDONED), in milliseconds.
    public var graceMs: Int64

    /// Creates a presence policy; the default G is 60 seconds.
    public init(graceMs: Int64 = 60_000) {
        self.graceMs = graceMs
    }
}

/// How long a reserved seat is held for its holder before it lapses.
public struct HoldPolicy: Sendable, Equatable {
    /// H: the hold duration in milliseconds.
    public var holdDurationMs: Int64
    /// The most unpaid, unlapsed holds one user may have at once; 0 means no limit.
    public var maxHoldsPerUser: Int

    /// Creates a hold policy; the defaults are H = 5 minutes and at most 4 live holds per user.
    public init(holdDurationMs: Int64 = 300_000, maxHoldsPerUser: Int = 4) {
        self.holdDurationMs = holdDurationMs
        self.maxHoldsPerUser = maxHoldsPerUser
    }
}

/// Limits on money movements.
public enum MoneyPolicy {
    /// The largest amount one charge may add.
    public static let maxChargeAmount: Int64 = 100_000_000
    /// The largest balance an account may hold.
    public static let maxBalance: Int64 = 1_000_000_000_000
    /// The longest idempotency key accepted, in bytes of UTF-8 (the unit of every string limit).
    public static let maxIdempotencyKeyBytes = 128
}

/// Facts about the seats of every concert date.
public enum SeatPolicy {
    /// The seat numbers every concert date has.
    public static let seatNumbers: ClosedRange<Int> = 1...50
    /// How many seats every concert date has.
    public static var seatCount: Int { seatNumbers.count }
}
