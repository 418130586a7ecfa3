import ConcertDomain

extension ConcertStore {
    /// What one presence round did.
    public struct PresenceRound: Sendable, Equatable {
        /// Fans dropped from a line for silence (this process's and dead processes' fans).
        public var dropped: Int
        /// Active fans expired for idling.
        public var expired: Int
    }

    /// One round of presence keeping, run every second by the server: writes this process's heartbeat and its
    /// claims on fans it now hears, drops the pre-queued and waiting fans it has not heard for the presence grace
    /// G, expires the active ones idle past their sale's limit (their slots go to the next in line), and settles
    /// the fans of processes that stopped beating. Hearing a fan writes nothing; only these changes do. It also ends
    /// the read snapshots nobody reused.
    public func keepPresence() async throws -> PresenceRound {
        closeStaleSnapshots()
        let claims = presence.takeClaims()
        try await write(scope: .everything) { session in
            try session.beat()
            try session.claim(claims)
        }
        let now = clockNow
        let silent = presence.silent(now: now)
        var round = PresenceRound(dropped: 0, expired: 0)
        if !silent.isEmpty {
            let outcomes = try await write(scope: .everything) { session in
                try silent.map { entry in (entry, try session.settleSilent(seq: entry.seq, lastHeardMs: entry.fan.lastHeardMs)) }
            }
            for (entry, outcome) in outcomes {
                switch outcome {
                case .dropped:
                    round.dropped += 1
                    presence.forget(entry.seq, unlessHeardAfter: entry.fan.lastHeardMs)
                case .expired:
                    round.expired += 1
                    presence.forget(entry.seq, unlessHeardAfter: entry.fan.lastHeardMs)
                case .gone:
                    presence.forget(entry.seq, unlessHeardAfter: entry.fan.lastHeardMs)
                case .stillActive(let limit):
                    presence.setSilenceLimit(entry.seq, limit)
                }
            }
        }
        round.dropped += try await write(scope: .everything) { session in
            try session.pruneTokenChanges(retentionMs: LineView.feedRetentionMs, keep: LineView.feedRetainedEntries)
            return try session.settleDeadListeners()
        }
        return round
    }

    /// Makes this store answer without hearing anyone: its calls keep no fan present and claim none, so it
    /// can watch a line (a test's observer beside the store that serves the fans) without changing it.
    package func observeOnly() {
        presence.stopListening()
    }

    /// How many fans this process hears now (kept in its memory).
    public var fansHeard: Int { presence.count }
}
