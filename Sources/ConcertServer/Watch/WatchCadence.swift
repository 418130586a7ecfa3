import ConcertDomain

/// How often a watched token's status is looked at again: often near the front of the line or when the
/// estimated wait is short, rarely far back, twice a second while active (so a watch ends within a second of
/// its token's payment, leaving or expiry), at the opening instant while pre-queued. Each
/// watcher is visited at its own cadence, so the work per second grows with the watchers about to be
/// admitted, not with the length of the line.
enum WatchCadence {
    /// The places at the very front of the line, looked at every 100 ms and read each time (see
    /// ``QueueWatchers``): the next admission is theirs, and they should hear of it at once.
    static let frontPositions: Int64 = 10

    /// How often a status is sent, changed or not, so both ends notice a dead peer: every 30 s, sooner when
    /// the presence grace `graceMs` is short, since the heartbeat's read is what keeps a watching fan whose
    /// line does not move present. It leaves the grace at least 30 s, or two thirds of it, to spare for a
    /// late round: 30 s for the default grace of 60 s, 1 s for a grace of 3 s.
    static func heartbeatMs(presenceGraceMs graceMs: Int64) -> Int64 {
        max(500, min(30_000, max(graceMs / 3, graceMs - 30_000)))
    }

    /// When to look at a token whose status is `status` again, at `now`; nil when it can change no more.
    static func nextLook(after status: QueueStatus, now: Int64) -> Int64? {
        switch status.state {
        case .expired, .abandoned, .revoked:
            return nil
        case .waiting:
            let byPosition: Int64 =
                status.position <= frontPositions
                ? 100
                : status.position <= 100 ? 200 : status.position <= 1_000 ? 500 : status.position <= 10_000 ? 2_000 : 5_000
            // A fast-moving line brings a fan far back to the front within one position-based period: look
            // at a quarter of the estimated wait too, so the admission is seen within a few hundred ms.
            let byEstimate = status.estimatedWaitMs.map { max(200, $0 / 4) } ?? byPosition
            return now + min(byPosition, byEstimate)
        case .preQueue:
            return min(now + 5_000, max(now + 250, status.opensAtMs ?? now + 5_000))
        case .active:
            return min(now + 500, max(now + 250, status.expiresAtMs ?? now + 500))
        }
    }
}
