import Synchronization

/// This process's memory of when it last heard from each fan whose calls it answers.
///
/// Hearing a fan costs no database write: the time stays here. The database learns only what
/// changes the line: a claim when this process hears a fan that another process (or a process
/// that has since restarted) was hearing (`tokens.heard_by`), and a drop or an early expiry
/// when a fan this process hears goes silent. The presence job flushes claims and sweeps the
/// silent every second.
final class PresenceTracker: Sendable {
    /// What this process knows of one fan.
    struct Fan: Sendable {
        /// The fan's sale.
        var concertID: Int64
        /// When this process last heard from the fan (Unix ms).
        var lastHeardMs: Int64
        /// How long the fan may stay silent in its state when last heard (G while waiting, the sale's
        /// active idle limit while active).
        var silenceLimitMs: Int64
    }

    private struct State {
        var fans: [Int64: Fan] = [:]
        var claims: [Int64: Int64] = [:]
    }

    /// One thread's share of the memory (see ``ThreadOrdinal``): the event loops that hear fans never
    /// wait for each other. A fan whose calls arrive on several threads is in several shards; the
    /// latest hearing counts.
    private final class Shard: Sendable {
        let state = Mutex(State())
    }

    private static let shardCount = 16
    /// Whether calls answered here count as hearing their fans (see ``stopListening()``).
    private let listens = Atomic(true)
    /// Whether a write of the claims has been asked for and has not taken them yet.
    private let claimWriteOwed = Atomic(false)
    /// Queues a write of the claims (see ``whenClaimsQueued(_:)``).
    private let writeClaims = Mutex<(@Sendable () -> Void)?>(nil)
    /// The name this process writes in `tokens.heard_by` and `servers`: new at every start.
    let serverID: String
    private let shards: [Shard]

    /// A tracker for the process named `serverID`.
    init(serverID: String) {
        self.serverID = serverID
        self.shards = (0..<Self.shardCount).map { _ in Shard() }
    }

    /// How many fans this process is hearing.
    var count: Int {
        var seqs = Set<Int64>()
        for shard in shards { shard.state.withLock { seqs.formUnion($0.fans.keys) } }
        return seqs.count
    }

    /// Records a call from the holder of token `seq`, whose row names `heardBy` as its listener; queues a
    /// claim when that is not this process, and asks for the claims to be written at once (see
    /// ``whenClaimsQueued(_:)``) unless a write of them is already on its way.
    func heard(seq: Int64, concertID: Int64, heardBy: String, silenceLimitMs: Int64, now: Int64) {
        guard listens.load(ordering: .relaxed) else { return }
        let claims = heardBy != serverID
        shards[ThreadOrdinal.current % Self.shardCount].state.withLock { state in
            state.fans[seq] = Fan(concertID: concertID, lastHeardMs: now, silenceLimitMs: silenceLimitMs)
            if claims { state.claims[seq] = now }
        }
        if claims, claimWriteOwed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            writeClaims.withLock { $0 }?()
        }
    }

    /// From now on, calls answered here hear no one: they keep no fan present and claim none.
    func stopListening() {
        listens.store(false, ordering: .relaxed)
    }

    /// Has `write` called when a claim is queued and no write of the claims is owed: it should queue a write
    /// that calls ``takeClaimsToWrite()`` and stores them. A fan whose calls move here is claimed within a
    /// write batch rather than at the next presence round, so the process it left, which drops it once it
    /// has been silent there for G, finds it claimed: a fan that calls at least every G keeps its place
    /// however its calls alternate between processes.
    func whenClaimsQueued(_ write: @escaping @Sendable () -> Void) {
        writeClaims.withLock { $0 = write }
    }

    /// Takes the queued claims for the write that ``whenClaimsQueued(_:)`` asked for; claims queued from
    /// now on ask for a new one. A claim whose write fails is queued again the next time its fan is heard.
    func takeClaimsToWrite() -> [Int64: Int64] {
        claimWriteOwed.store(false, ordering: .releasing)
        return takeClaims()
    }

    /// Records a call from the holder of the token `record` at `now`, when the token is live: its silence
    /// limit is the sale's active idle limit while active, else the presence grace `graceMs`.
    func heard(_ record: TokenRecord, heardBy: String, graceMs: Int64, now: Int64) {
        let state = record.state(now: now)
        guard state.isLive else { return }
        let limit = state == .active ? record.sale.sale.policy.activeIdleMs : graceMs
        heard(seq: record.ticket.seq, concertID: record.ticket.concertID, heardBy: heardBy, silenceLimitMs: limit, now: now)
    }

    /// Takes the queued claims (token seq → when heard).
    func takeClaims() -> [Int64: Int64] {
        var claims: [Int64: Int64] = [:]
        for shard in shards {
            let taken = shard.state.withLock { state in
                defer { state.claims = [:] }
                return state.claims
            }
            claims.merge(taken, uniquingKeysWith: max)
        }
        return claims
    }

    /// The fans silent past their limit at `now`, as last heard on any thread.
    func silent(now: Int64) -> [(seq: Int64, fan: Fan)] {
        var latest: [Int64: Fan] = [:]
        for shard in shards {
            shard.state.withLock { state in
                latest.merge(state.fans) { old, new in new.lastHeardMs > old.lastHeardMs ? new : old }
            }
        }
        return latest.compactMap { seq, fan in now - fan.lastHeardMs >= fan.silenceLimitMs ? (seq, fan) : nil }
    }

    /// Forgets `seq` unless it was heard after `heardMs` (a call raced the sweep).
    func forget(_ seq: Int64, unlessHeardAfter heardMs: Int64) {
        for shard in shards {
            shard.state.withLock { state in
                if let fan = state.fans[seq], fan.lastHeardMs <= heardMs { state.fans[seq] = nil }
            }
        }
    }

    /// Sets the silence limit of `seq` (its state changed) unless it was forgotten.
    func setSilenceLimit(_ seq: Int64, _ limitMs: Int64) {
        for shard in shards {
            shard.state.withLock { state in state.fans[seq]?.silenceLimitMs = limitMs }
        }
    }
}
