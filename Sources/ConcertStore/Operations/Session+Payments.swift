import ConcertDomain
import Foundation

extension Session {
    /// The token's (waiting or active) user's balance.
    func balance(token: String) throws -> Int64 {
        try accountBalance(userID: try liveToken(token).userID)
    }

    /// The user's balance; 0 without an account.
    private func accountBalance(userID: UUID) throws -> Int64 {
        try db.first("SELECT balance FROM accounts WHERE user_id = ?1", userID, read: { $0.int64(0) }) ?? 0
    }

    /// Write: adds `amount` (validated by the caller) to the token's (waiting or active) user's balance.
    ///
    /// With an idempotency key already used by this user, the first charge's answer is repeated (replayed)
    /// when the amount matches, else IDEMPOTENCY_KEY_REUSED. The balance moves with ONE conditional upsert
    /// that refuses to pass `MoneyPolicy.maxBalance` (BALANCE_LIMIT_EXCEEDED, overflow-free), and every charge
    /// is recorded in `charges`. A replay is answered before the token's state is checked, so a retry after
    /// the token expired (for example by paying) still gets the first charge's answer.
    func charge(token: String, amount: Int64, idempotencyKey: String?) throws -> ChargeReceipt {
        let holder = try self.token(token)
        let earlier = try idempotencyKey.flatMap { key in
            try db.first(
                "SELECT id, amount, balance_after FROM charges WHERE user_id = ?1 AND idempotency_key = ?2",
                holder.userID, key,
                read: { ChargeReceipt(chargeID: $0.int64(0), amount: $0.int64(1), balance: $0.int64(2), replayed: true) })
        }
        if let replay = try chargeReplay(holder: holder, amount: amount, earlier: earlier) { return replay }
        guard
            try db.execute(
                """
                INSERT INTO accounts (user_id, balance) VALUES (?1, ?2)
                ON CONFLICT (user_id) DO UPDATE SET balance = accounts.balance + excluded.balance
                WHERE accounts.balance <= ?3 - excluded.balance
                """, holder.userID, amount, MoneyPolicy.maxBalance) == 1
        else { throw ConcertError(.balanceLimitExceeded) }
        let balance = try accountBalance(userID: holder.userID)
        let chargeID = try db.insert(
            """
            INSERT INTO charges (user_id, amount, balance_after, idempotency_key, charged_ms)
            VALUES (?1, ?2, ?3, ?4, ?5)
            """, holder.userID, amount, balance, idempotencyKey, now)
        return ChargeReceipt(chargeID: chargeID, amount: amount, balance: balance, replayed: false)
    }

    /// The checks a charge passes before its balance moves, shared by both forms (``charge(token:amount:idempotencyKey:)``
    /// and the bulk ``charges(_:)``): the first charge's answer when `earlier` used the same key (replayed,
    /// IDEMPOTENCY_KEY_REUSED for another amount), then TOKEN_EXPIRED / TOKEN_ABANDONED; nil to go on.
    func chargeReplay(holder: TokenRecord, amount: Int64, earlier: ChargeReceipt?) throws -> ChargeReceipt? {
        if let earlier {
            guard earlier.amount == amount else { throw ConcertError(.idempotencyKeyReused) }
            return earlier
        }
        try Self.requireLive(holder.state(now: now))
        return nil
    }

    /// Write: pays for a held reservation with the token's ACTIVE user's balance, in this order of checks:
    /// TOKEN_UNKNOWN, RESERVATION_NOT_FOUND (also for another user's), RESERVATION_ALREADY_PAID (before the token
    /// state, since paying expires the token), TOKEN_WRONG_CONCERT, TOKEN_EXPIRED / TOKEN_NOT_ACTIVE, HOLD_EXPIRED, then a conditional
    /// debit (INSUFFICIENT_BALANCE). Accounts are created on first use, so one is ensured before the debit.
    /// It records the payment, marks the reservation paid, sells the seat to it, closes the token and admits
    /// the next in line.
    func pay(token: String, reservationID: Int64) throws -> PaymentReceipt {
        let holder = try self.token(token)
        let reservation = try ownedReservation(id: reservationID, userID: holder.userID)
        guard reservation.paidAtMs == nil else { throw ConcertError(.reservationAlreadyPaid) }
        guard reservation.concertID == holder.ticket.concertID else {
            throw ConcertError(
                .tokenWrongConcert,
                "The queue token is for the sale of concert \(holder.ticket.concertID), not concert \(reservation.concertID).")
        }
        try Self.requireActive(holder.state(now: now))
        guard reservation.expiresAtMs > now else { throw ConcertError(.holdExpired) }
        try db.execute(
            "INSERT INTO accounts (user_id, balance) VALUES (?1, 0) ON CONFLICT (user_id) DO NOTHING", holder.userID)
        guard
            try db.execute(
                "UPDATE accounts SET balance = balance - ?1 WHERE user_id = ?2 AND balance >= ?1",
                reservation.price, holder.userID) == 1
        else { throw ConcertError(.insufficientBalance) }
        let balance = try accountBalance(userID: holder.userID)
        let paymentID = try db.insert(
            """
            INSERT INTO payments (reservation_id, user_id, amount, balance_after, paid_ms)
            VALUES (?1, ?2, ?3, ?4, ?5)
            """, reservationID, holder.userID, reservation.price, balance, now)
        try expectOneChange(
            db.execute("UPDATE reservations SET paid_ms = ?1 WHERE id = ?2 AND paid_ms IS NULL", now, reservationID),
            "reservation \(reservationID) was not payable")
        try expectOneChange(
            db.execute(
                """
                UPDATE seats SET sold_reservation_id = ?1
                WHERE concert_id = ?2 AND date = ?3 AND number = ?4
                  AND hold_reservation_id = ?1 AND sold_reservation_id IS NULL
                """, reservationID, reservation.concertID, reservation.date, reservation.seatNumber),
            "seat of reservation \(reservationID) was not held by it")
        try db.execute("UPDATE tokens SET closed_ms = ?1 WHERE seq = ?2", now, holder.ticket.seq)
        try logTokenChange(seq: holder.ticket.seq)
        try admit(concertID: holder.ticket.concertID)
        var paid = reservation
        paid.state = .paid
        paid.paidAtMs = now
        return PaymentReceipt(
            paymentID: paymentID, amount: reservation.price, balance: balance, paidAtMs: now, reservation: paid)
    }

    private func expectOneChange(_ changes: Int, _ problem: @autoclosure () -> String) throws {
        guard changes == 1 else { throw StorageError.inconsistency(problem()) }
    }
}
