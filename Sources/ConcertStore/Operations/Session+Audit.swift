import ConcertDomain

extension Session {
    /// Checks the store's invariants in one snapshot and totals its money and seats.
    func audit() throws -> InvariantReport {
        let totalCharged = try count("SELECT CAST(coalesce(sum(amount), 0) AS BIGINT) FROM charges")
        let totalPaid = try count("SELECT CAST(coalesce(sum(amount), 0) AS BIGINT) FROM payments")
        let totalBalances = try count("SELECT CAST(coalesce(sum(balance), 0) AS BIGINT) FROM accounts")
        var violations: [String] = []
        func check(_ found: Int64, _ problem: String) {
            if found != 0 { violations.append("\(problem) (\(found))") }
        }
        check(totalCharged - totalPaid - totalBalances, "charged - paid differs from the sum of balances by")
        try checkMoney(check)
        try checkSeats(check)
        try checkLine(check)
        return InvariantReport(
            violations: violations, totalCharged: totalCharged, totalPaid: totalPaid, totalBalances: totalBalances,
            soldSeats: Int(try count("SELECT count(*) FROM seats WHERE sold_reservation_id IS NOT NULL")),
            liveHolds: Int(try count(
                "SELECT count(*) FROM seats WHERE sold_reservation_id IS NULL AND hold_expires_ms > ?1", now)))
    }

    private func checkMoney(_ check: (Int64, String) -> Void) throws {
        check(
            try count(
                """
                SELECT count(*) FROM accounts AS a
                LEFT JOIN (SELECT user_id, sum(amount) AS total FROM charges GROUP BY user_id) AS c USING (user_id)
                LEFT JOIN (SELECT user_id, sum(amount) AS total FROM payments GROUP BY user_id) AS p USING (user_id)
                WHERE a.balance != coalesce(c.total, 0) - coalesce(p.total, 0)
                """),
            "accounts whose balance is not their charges minus their payments")
        check(
            try count("SELECT count(*) FROM accounts WHERE balance < 0 OR balance > ?1", MoneyPolicy.maxBalance),
            "accounts with a balance out of range")
        check(
            try count(
                """
                SELECT count(*) FROM payments AS p LEFT JOIN reservations AS r ON r.id = p.reservation_id
                WHERE r.id IS NULL OR r.paid_ms IS NULL OR p.amount != r.price OR p.user_id != r.user_id
                """),
            "payments that do not match a paid reservation")
    }

    private func checkSeats(_ check: (Int64, String) -> Void) throws {
        check(
            try count(
                """
                SELECT count(*) FROM reservations AS r
                LEFT JOIN payments AS p ON p.reservation_id = r.id
                LEFT JOIN seats AS s ON s.concert_id = r.concert_id AND s.date = r.date AND s.number = r.seat_number
                WHERE r.paid_ms IS NOT NULL AND (p.id IS NULL OR s.sold_reservation_id IS DISTINCT FROM r.id)
                """),
            "paid reservations without a payment or without their seat")
        check(
            try count(
                """
                SELECT count(*) FROM seats AS s LEFT JOIN reservations AS r ON r.id = s.sold_reservation_id
                WHERE s.sold_reservation_id IS NOT NULL AND (r.id IS NULL OR r.paid_ms IS NULL
                    OR r.concert_id != s.concert_id OR r.date != s.date OR r.seat_number != s.number)
                """),
            "sold seats not backed by a paid reservation for them")
        check(
            try count(
                """
                SELECT count(*) FROM (SELECT 1 FROM reservations WHERE paid_ms IS NOT NULL
                    GROUP BY concert_id, date, seat_number HAVING count(*) > 1) AS twice
                """),
            "seats sold more than once")
        check(
            try count(
                """
                SELECT count(*) FROM reservations AS r
                JOIN seats AS s ON s.concert_id = r.concert_id AND s.date = r.date AND s.number = r.seat_number
                WHERE r.paid_ms IS NULL AND r.expires_ms > ?1
                  AND (s.hold_reservation_id IS DISTINCT FROM r.id OR s.hold_expires_ms IS DISTINCT FROM r.expires_ms
                       OR s.sold_reservation_id IS NOT NULL)
                """, now),
            "live holds that their seat does not record")
    }

    private func checkLine(_ check: (Int64, String) -> Void) throws {
        check(
            try count(
                """
                SELECT count(*) FROM sales AS s
                WHERE (SELECT count(*) FROM tokens AS t WHERE t.concert_id = s.concert_id AND t.place IS NOT NULL)
                      != s.last_place - (coalesce(s.pre_queue_size, 0) - s.pre_queue_placed)
                """),
            "sales whose placed tokens do not fill their places")
        check(
            try count(
                """
                SELECT count(*) FROM tokens AS t JOIN sales AS s ON s.concert_id = t.concert_id
                WHERE t.place > s.admitted_through AND t.activated_ms IS NOT NULL
                """),
            "tokens admitted beyond their line's head")
        check(
            try count(
                """
                SELECT count(*) FROM tokens AS t JOIN sales AS s ON s.concert_id = t.concert_id
                WHERE t.place <= s.admitted_through AND t.activated_ms IS NULL AND t.abandoned_ms IS NULL
                """),
            "places passed by the head that were neither admitted nor dropped")
        check(
            try count("SELECT count(*) FROM tokens WHERE activated_ms IS NOT NULL AND abandoned_ms IS NOT NULL"),
            "dropped tokens that were admitted")
        check(
            try count(
                """
                SELECT count(*) FROM sales AS s
                WHERE s.dropped != (SELECT count(*) FROM abandonments AS a WHERE a.concert_id = s.concert_id)
                """),
            "sales whose dropped count differs from their drop log")
        check(
            try count(
                """
                SELECT count(*) FROM abandonments AS a
                LEFT JOIN tokens AS t ON t.concert_id = a.concert_id AND t.place = a.place
                WHERE t.seq IS NULL OR t.abandoned_ms IS NULL
                """),
            "logged drops without a dropped token at that place")
        check(
            try count(
                """
                SELECT count(*) FROM admissions AS a
                WHERE a.max_active < (
                    SELECT count(*) FROM tokens AS t
                    WHERE t.concert_id = a.concert_id AND t.activated_ms <= a.admitted_ms
                      AND t.expires_ms > a.admitted_ms AND (t.closed_ms IS NULL OR t.closed_ms > a.admitted_ms))
                """),
            "admissions that left more tokens active than the N they were made under")
        check(
            try count(
                """
                SELECT count(*) FROM (SELECT t.user_id FROM tokens AS t JOIN sales AS s ON s.concert_id = t.concert_id
                    WHERE t.closed_ms IS NULL AND t.abandoned_ms IS NULL
                      AND (t.place IS NULL OR t.place > s.admitted_through OR t.expires_ms > ?1)
                    GROUP BY t.user_id, t.concert_id HAVING count(*) > 1) AS twice
                """, now),
            "users with more than one live token in one sale")
        check(
            try count(
                "SELECT count(*) FROM tokens WHERE revoked_ms IS NOT NULL AND closed_ms IS NULL AND abandoned_ms IS NULL"),
            "revoked tokens that still hold a place or a slot")
    }

    private func count<each Value: SQLBindable>(_ sql: StaticString, _ values: repeat each Value) throws -> Int64 {
        try db.first(sql, repeat each values, read: { $0.int64(0) }) ?? 0
    }
}
