import ConcertDomain

extension Session {
    /// The line's counters: every token up to `lastSeq` was issued, every one up to `admittedThrough` admitted.
    struct LineState {
        /// The seq of the newest token.
        var lastSeq: Int64
        /// The seq of the newest admitted token.
        var admittedThrough: Int64
    }

    /// The line's counters.
    func lineState() throws -> LineState {
        guard let state = try db.first(
            "SELECT last_seq, admitted_through FROM queue_state WHERE id = 1",
            read: { LineState(lastSeq: $0.int64(0), admittedThrough: $0.int64(1)) })
        else { throw StorageError.inconsistency("queue_state row is missing") }
        return state
    }

    /// How many tokens are active now: admitted, not closed, not expired (a range scan of the partial index
    /// `tokens_active`, so O(active)).
    func activeTokenCount() throws -> Int64 {
        try db.first(
            "SELECT count(*) FROM tokens WHERE closed_ms IS NULL AND expires_ms > ?1", now,
            read: { $0.int64(0) }) ?? 0
    }

    /// How many tokens were admitted after `since` (exclusive).
    func admittedSince(_ since: Int64) throws -> Int64 {
        try db.first(
            "SELECT coalesce(sum(count), 0) FROM admissions WHERE admitted_ms > ?1", since,
            read: { $0.int64(0) }) ?? 0
    }

    /// The seqs the next admission would admit now, or nil when nothing can be admitted: the head of the line,
    /// at most `maxActive` minus the active count, and at most what is left of the K cap for the window of
    /// `admissionIntervalMs` ending now.
    func admissionPlan() throws -> ClosedRange<Int64>? {
        let line = try lineState()
        let waiting = line.lastSeq - line.admittedThrough
        guard waiting > 0, queuePolicy.maxActive > 0 else { return nil }
        var room = Int64(queuePolicy.maxActive) - (try activeTokenCount())
        if let cap = queuePolicy.admissionsPerInterval {
            let used = try admittedSince(now - queuePolicy.admissionIntervalMs)
            room = min(room, Int64(cap) - used)
        }
        let count = min(room, waiting)
        guard count > 0 else { return nil }
        return (line.admittedThrough + 1)...(line.admittedThrough + count)
    }

    /// Write: admits what `admissionPlan()` allows — those tokens become active until now + T — logs the
    /// admission for rate estimates, drops log entries no window needs any more, and returns how many were admitted.
    @discardableResult
    func admit() throws -> Int {
        guard let range = try admissionPlan() else { return 0 }
        let expires = now + queuePolicy.activeLifetimeMs
        try db.execute(
            "UPDATE tokens SET activated_ms = ?1, expires_ms = ?2 WHERE seq BETWEEN ?3 AND ?4",
            now, expires, range.lowerBound, range.upperBound)
        let moved = try db.execute(
            "UPDATE queue_state SET admitted_through = ?1 WHERE id = 1 AND admitted_through = ?2",
            range.upperBound, range.lowerBound - 1)
        guard moved == 1 else { throw StorageError.inconsistency("queue_state changed during admission") }
        let count = range.upperBound - range.lowerBound + 1
        try db.execute(
            "INSERT INTO admissions (admitted_ms, count, max_active) VALUES (?1, ?2, ?3)",
            now, count, queuePolicy.maxActive)
        let retention = max(WaitEstimate.observationWindowMs, queuePolicy.admissionIntervalMs)
        try db.execute("DELETE FROM admissions WHERE admitted_ms <= ?1", now - retention)
        return Int(count)
    }

    /// The estimated wait of the token at `position`, per `WaitEstimate` with the admissions of the last
    /// minute (cached for up to a second).
    func estimatedWait(position: Int64) throws -> Int64 {
        let admitted = try admissionRate.admittedInWindow(now: now) {
            try admittedSince(now - WaitEstimate.observationWindowMs)
        }
        return WaitEstimate.milliseconds(position: position, admittedInWindow: admitted, policy: queuePolicy)
    }

    /// Write: rewrites the line's counters unchanged, which commits one real page write; the storage probe.
    func touchLine() throws {
        try db.execute("UPDATE queue_state SET last_seq = last_seq WHERE id = 1")
    }
}
