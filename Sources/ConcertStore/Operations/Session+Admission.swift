import ConcertDomain

extension Session {
    /// The places the next admission of the sale would admit now (their token seqs and places, in line order),
    /// or an empty list: the sale must have opened and not be paused (fans already in line are still admitted after it closes); at
    /// most N minus the active count, and at most what is left of
    /// the K cap for the window of the admission interval ending now; dropped places are skipped, and places of
    /// the pre-queue not given out yet are not passed.
    func admissionPlan(_ record: SaleRecord) throws -> [(seq: Int64, place: Int64)] {
        let sale = record.sale
        let policy = sale.policy
        guard !sale.isAdmissionPaused, sale.opensAtMs <= now, policy.maxActive > 0 else { return [] }
        let through = record.admissibleThrough
        guard through > record.admittedThrough else { return [] }
        var room = Int64(policy.maxActive) - (try activeCount(concertID: sale.concertID))
        if let cap = policy.admissionsPerInterval {
            let used = try admittedSince(concertID: sale.concertID, now - policy.admissionIntervalMs)
            room = min(room, Int64(cap) - used)
        }
        guard room > 0 else { return [] }
        return try db.all(
            """
            SELECT seq, place FROM tokens
            WHERE concert_id = ?1 AND place > ?2 AND place <= ?3 AND abandoned_ms IS NULL
            ORDER BY place LIMIT ?4
            """, sale.concertID, record.admittedThrough, through, room,
            read: { (seq: $0.int64(0), place: $0.int64(1)) })
    }

    /// Write: admits what `admissionPlan` allows for the sale — those tokens become active until now + T —,
    /// moves the head past them (and past the dropped places among them), logs the admission for estimates and
    /// audits, drops log entries no window needs any more, and returns how many were admitted.
    @discardableResult
    func admit(concertID: Int64) throws -> Int {
        try admit(try saleRecord(concertID))
    }

    /// Write: ``admit(concertID:)`` for the sale of `record`, read in this transaction after its last change.
    /// Writes nothing when it returns 0.
    func admit(_ record: SaleRecord) throws -> Int {
        let concertID = record.sale.concertID
        let plan = try admissionPlan(record)
        guard let last = plan.last else { return 0 }
        let expires = now + record.sale.policy.activeLifetimeMs
        for entry in plan {
            try db.execute(
                "UPDATE tokens SET activated_ms = ?1, expires_ms = ?2 WHERE seq = ?3", now, expires, entry.seq)
        }
        let moved = try db.execute(
            "UPDATE sales SET admitted_through = ?1 WHERE concert_id = ?2 AND admitted_through = ?3",
            last.place, concertID, record.admittedThrough)
        guard moved == 1 else { throw StorageError.inconsistency("sale \(concertID) changed during admission") }
        try logTokenChanges(concertID: concertID, placesAfter: record.admittedThrough, through: last.place)
        try db.execute(
            "INSERT INTO admissions (concert_id, admitted_ms, count, max_active) VALUES (?1, ?2, ?3, ?4)",
            concertID, now, plan.count, record.sale.policy.maxActive)
        let retention = max(WaitEstimate.longWindowMs, record.sale.policy.admissionIntervalMs)
        try db.execute(
            "DELETE FROM admissions WHERE concert_id = ?1 AND admitted_ms <= ?2", concertID, now - retention)
        return plan.count
    }

    /// Write: gives the next `chunk` tokens of an open sale's pre-queue their places, in the order of their
    /// random shuffle keys (drawn when they joined), after fixing the pre-queue's size if no one has; a
    /// token that was dropped while pre-queued gets its place too, logged as dropped. Returns how many were
    /// placed (0 when there is nothing to place). On a ``BulkSQLDatabase`` the chunk's places are one UPDATE.
    @discardableResult
    func placePreQueue(concertID: Int64, chunk: Int) throws -> Int {
        try fixPreQueue(concertID: concertID)
        let record = try saleRecord(concertID)
        guard let size = record.preQueueSize, record.preQueuePlaced < size else { return 0 }
        let next = try unplacedPreQueue(concertID: concertID, placed: record.preQueuePlaced, limit: chunk)
        let places = next.indices.map { record.preQueuePlaced + 1 + Int64($0) }
        if db is any BulkSQLDatabase {
            try db.execute(
                """
                UPDATE tokens SET place = v.place FROM unnest(?1::bigint[], ?2::bigint[]) AS v (seq, place)
                WHERE tokens.seq = v.seq
                """, SQLList.integers(next.map(\.seq)), SQLList.integers(places))
        } else {
            for (token, place) in zip(next, places) {
                try db.execute("UPDATE tokens SET place = ?1 WHERE seq = ?2", place, token.seq)
            }
        }
        for (token, place) in zip(next, places) where token.dropped {
            try recordDrop(concertID: concertID, place: place)
        }
        let place = places.last ?? record.preQueuePlaced
        try db.execute("UPDATE sales SET pre_queue_placed = ?1 WHERE concert_id = ?2", place, concertID)
        try logTokenChanges(concertID: concertID, placesAfter: record.preQueuePlaced, through: place)
        return next.count
    }

    /// The next `limit` tokens of the sale's pre-queue without a place, in shuffle order, after the `placed`
    /// already placed. The scan starts after the last one placed (its shuffle key and seq), not at the start
    /// of the index, whose entries for placed tokens linger until the database cleans them up.
    private func unplacedPreQueue(concertID: Int64, placed: Int64, limit: Int) throws -> [(seq: Int64, dropped: Bool)] {
        guard placed > 0 else {
            return try db.all(
                """
                SELECT seq, abandoned_ms IS NOT NULL FROM tokens INDEXED BY tokens_pre_queue
                WHERE concert_id = ?1 AND place IS NULL ORDER BY shuffle_key, seq LIMIT ?2
                """, concertID, limit, read: { (seq: $0.int64(0), dropped: $0.bool(1)) })
        }
        guard
            let last = try db.first(
                "SELECT shuffle_key, seq FROM tokens WHERE concert_id = ?1 AND place = ?2", concertID, placed,
                read: { (shuffleKey: $0.int64(0), seq: $0.int64(1)) })
        else { throw StorageError.inconsistency("place \(placed) of sale \(concertID) has no token") }
        return try db.all(
            """
            SELECT seq, abandoned_ms IS NOT NULL FROM tokens INDEXED BY tokens_pre_queue
            WHERE concert_id = ?1 AND place IS NULL AND (shuffle_key, seq) > (?3, ?4)
            ORDER BY shuffle_key, seq LIMIT ?2
            """, concertID, limit, last.shuffleKey, last.seq, read: { (seq: $0.int64(0), dropped: $0.bool(1)) })
    }

    /// Write: the token gives up its place. A pre-queued or waiting token is dropped (ABANDONED; its place, if
    /// it has one, is logged as dropped); an active one expires now and its slot goes to the next in line; the
    /// sale counts one more fan who left. TOKEN_EXPIRED / TOKEN_ABANDONED for a token that is no longer live.
    func leave(token: String) throws -> QueueStatus {
        let record = try liveToken(token)
        let concertID = record.ticket.concertID
        switch record.state(now: now) {
        case .preQueue, .waiting:
            try drop(seq: record.ticket.seq, concertID: concertID, place: record.ticket.place)
        case .active:
            try db.execute("UPDATE tokens SET closed_ms = ?1 WHERE seq = ?2", now, record.ticket.seq)
            try logTokenChange(seq: record.ticket.seq)
            try admit(concertID: concertID)
        case .expired, .abandoned, .revoked:
            return try status(of: record)
        }
        try db.execute("UPDATE sales SET left_count = left_count + 1 WHERE concert_id = ?1", concertID)
        return try status(of: self.token(token))
    }

    /// Write: marks the token dropped and, when it has a place, logs the place as dropped.
    func drop(seq: Int64, concertID: Int64, place: Int64?) throws {
        let marked = try db.execute(
            "UPDATE tokens SET abandoned_ms = ?1 WHERE seq = ?2 AND abandoned_ms IS NULL", now, seq)
        guard marked == 1 else { return }
        try logTokenChange(seq: seq)
        if let place { try recordDrop(concertID: concertID, place: place) }
    }

    /// Write: records the probe instant, which commits one real page write; the storage probe.
    func touchProbe() throws {
        try db.execute("INSERT INTO storage_probe (id, at_ms) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET at_ms = ?1", now)
    }
}
