import ConcertDomain

/// How often a watched token's status is looked at again: often near the front of the line, rarely far
/// back, at its known instants (opening, expiry) otherwise. Each watcher is visited at its own cadence,
/// so the work per second grows with the watchers near the front, not with the length of the line.
enum WatchCadence {
    /// A status is sent at least this often, changed or not, so both ends notice a dead peer.
    static let heartbeatMs: Int64 = 15_000

    /// When to look at a token whose status is `status` again, at `now`; nil when it can change no more.
    static func nextLook(after status: QueueStatus, now: Int64) -> Int64? {
        switch status.state {
        case .expired, .abandoned:
            return nil
        case .waiting:
            let delay: Int64 = status.position <= 100 ? 500 : status.position <= 10_000 ? 2_000 : 5_000
            return now + delay
        case .preQueue:
            return min(now + 5_000, max(now + 250, status.opensAtMs ?? now + 5_000))
        case .active:
            return min(now + 5_000, max(now + 250, status.expiresAtMs ?? now + 5_000))
        }
    }
}
