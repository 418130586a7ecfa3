import ConcertDomain

extension Session {
    /// Write: records this process's heartbeat (the presence round's alone: a process whose heartbeat is G old
    /// is dead, and its fans are settled by the others).
    func beat() throws {
        try db.execute(
            """
            INSERT INTO servers (id, heartbeat_ms) VALUES (?1, ?2)
            ON CONFLICT (id) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms
            """, presence.serverID, now)
    }

    /// Write: records that this process now hears the fans of `claims` (token seq → when heard), so no other
    /// process drops them for silence: one statement per 16 fans (padded with seq 0, which no token has), so
    /// claims cost few round trips on PostgreSQL too.
    func claim(_ claims: [Int64: Int64]) throws {
        let seqs = Array(claims.keys)
        for start in stride(from: 0, to: seqs.count, by: 16) {
            let chunk = (start..<start + 16).map { index in index < seqs.count ? seqs[index] : 0 }
            try db.execute(
                """
                UPDATE tokens SET heard_by = ?1
                WHERE seq IN (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
                  AND abandoned_ms IS NULL AND closed_ms IS NULL
                """, presence.serverID, chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6],
                chunk[7], chunk[8], chunk[9], chunk[10], chunk[11], chunk[12], chunk[13], chunk[14], chunk[15])
            try logClaims(chunk, serverID: presence.serverID)
        }
    }

    /// What became of one fan this process found silent.
    enum SilenceOutcome {
        /// Dropped from the line (was pre-queued or waiting).
        case dropped
        /// Expired early (was active and idle past its sale's limit).
        case expired
        /// Still live: active within its idle limit, whose limit is now the one given.
        case stillActive(silenceLimitMs: Int64)
        /// Nothing to do here: no longer live, or another process hears the fan now.
        case gone
    }

    /// Write: drops a silent pre-queued or waiting fan, or expires an active one idle past its sale's limit,
    /// when this process is still the one that hears it; an expiry hands the slot to the next in line.
    func settleSilent(seq: Int64, lastHeardMs: Int64) throws -> SilenceOutcome {
        let row = try db.first(
            """
            SELECT t.concert_id, t.place, t.heard_by = ?2, t.abandoned_ms IS NOT NULL, t.closed_ms IS NOT NULL,
                   t.activated_ms IS NOT NULL, t.expires_ms, s.active_idle_ms
            FROM tokens AS t JOIN sales AS s ON s.concert_id = t.concert_id WHERE t.seq = ?1
            """, seq, presence.serverID
        ) { row in
            (concertID: row.int64(0), place: row.optionalInt64(1), mine: row.bool(2), abandoned: row.bool(3),
             closed: row.bool(4), admitted: row.bool(5), expires: row.optionalInt64(6), idle: row.int64(7))
        }
        guard let row, row.mine, !row.abandoned, !row.closed else { return .gone }
        if !row.admitted {
            guard now - lastHeardMs >= presencePolicy.graceMs else { return .gone }
            try drop(seq: seq, concertID: row.concertID, place: row.place)
            return .dropped
        }
        guard let expires = row.expires, expires > now else { return .gone }
        guard now - lastHeardMs >= row.idle else { return .stillActive(silenceLimitMs: row.idle) }
        try db.execute("UPDATE tokens SET expires_ms = ?1 WHERE seq = ?2", now, seq)
        try logTokenChange(seq: seq)
        try admit(concertID: row.concertID)
        return .expired
    }

    /// Write: drops or expires the live tokens heard by processes whose heartbeat stopped more than the presence
    /// grace ago (they died, so nobody hears their fans any more; a fan who calls again elsewhere was claimed
    /// there), forgets those processes, and returns how many tokens it settled.
    func settleDeadListeners() throws -> Int {
        let cutoff = now - presencePolicy.graceMs
        let dead = try db.all(
            "SELECT id FROM servers WHERE heartbeat_ms < ?1 AND id != ?2", cutoff, presence.serverID,
            read: { $0.string(0) })
        var settled = 0
        for server in dead {
            let tokens = try db.all(
                """
                SELECT seq, concert_id, place, activated_ms IS NOT NULL FROM tokens
                WHERE heard_by = ?1 AND abandoned_ms IS NULL AND closed_ms IS NULL
                """, server, read: { (seq: $0.int64(0), concertID: $0.int64(1), place: $0.optionalInt64(2), admitted: $0.bool(3)) })
            for token in tokens {
                if token.admitted {
                    let expired = try db.execute(
                        "UPDATE tokens SET expires_ms = ?1 WHERE seq = ?2 AND expires_ms > ?1", now, token.seq)
                    if expired == 1 { try logTokenChange(seq: token.seq) }
                } else {
                    try drop(seq: token.seq, concertID: token.concertID, place: token.place)
                }
                settled += 1
            }
            try db.execute("DELETE FROM servers WHERE id = ?1", server)
            for concertID in Set(tokens.map(\.concertID)) { try admit(concertID: concertID) }
        }
        return settled
    }
}
