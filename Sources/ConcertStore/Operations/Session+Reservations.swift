import ConcertDomain
import Foundation

extension Session {
    /// Write: holds the seat for the token's (ACTIVE) user for H; the token must be for the seat's concert
    /// (TOKEN_WRONG_CONCERT). The seat number and date were validated by the caller.
    ///
    /// Unknown concert/date → CONCERT_NOT_FOUND / DATE_NOT_FOUND; a sold seat → SEAT_ALREADY_SOLD; a seat under
    /// someone else's live hold → SEAT_ALREADY_HELD; the caller's own live hold on it → that reservation again
    /// (idempotent retry); the caller already at `HoldPolicy.maxHoldsPerUser` live holds → HOLD_LIMIT_REACHED.
    /// Otherwise a reservation row is inserted and ONE conditional UPDATE takes the hold; only `changes() == 1` wins.
    func reserveSeat(token: String, concertID: Int64, date: String, seatNumber: Int) throws -> Reservation {
        let holder = try activeToken(token)
        guard holder.ticket.concertID == concertID else {
            throw ConcertError(
                .tokenWrongConcert,
                "The queue token is for the sale of concert \(holder.ticket.concertID), not concert \(concertID).")
        }
        guard let seat = try seatHold(concertID: concertID, date: date, number: seatNumber) else {
            throw try missingDate(concertID: concertID, date: date)
        }
        if seat.isSold { throw ConcertError(.seatAlreadySold) }
        if let holdID = seat.liveHoldReservationID {
            guard seat.liveHolderID == holder.userID, let mine = try reservation(id: holdID) else {
                throw ConcertError(.seatAlreadyHeld)
            }
            return mine
        }
        if holdPolicy.maxHoldsPerUser > 0, try liveHoldCount(userID: holder.userID) >= holdPolicy.maxHoldsPerUser {
            throw ConcertError(.holdLimitReached)
        }
        let expires = now + holdPolicy.holdDurationMs
        let reservationID = try db.insert(
            """
            INSERT INTO reservations (user_id, concert_id, date, seat_number, price, held_ms, expires_ms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """, holder.userID, concertID, date, seatNumber, seat.price, now, expires)
        let won = try db.execute(
            """
            UPDATE seats SET hold_reservation_id = ?1, hold_expires_ms = ?2
            WHERE concert_id = ?3 AND date = ?4 AND number = ?5 AND sold_reservation_id IS NULL
              AND (hold_expires_ms IS NULL OR hold_expires_ms <= ?6)
            """, reservationID, expires, concertID, date, seatNumber, now)
        guard won == 1 else { throw ConcertError(.seatAlreadyHeld) }
        return Reservation(
            id: reservationID, userID: holder.userID, concertID: concertID, date: date, seatNumber: seatNumber,
            price: seat.price, state: .held, heldAtMs: now, expiresAtMs: expires, paidAtMs: nil)
    }

    /// How many unpaid holds of `userID` have not lapsed.
    private func liveHoldCount(userID: UUID) throws -> Int {
        try db.first(
            "SELECT count(*) FROM reservations WHERE user_id = ?1 AND paid_ms IS NULL AND expires_ms > ?2",
            userID, now, read: { $0.int(0) }) ?? 0
    }

    /// The token's user's reservations, newest first; with `reservationID`, just that one
    /// (RESERVATION_NOT_FOUND, also when it is someone else's). Any issued token will do, expired included,
    /// so a fan whose token expired by paying can still see the seat they bought.
    func reservations(token: String, reservationID: Int64?) throws -> [Reservation] {
        let holder = try self.token(token)
        if let reservationID {
            return [try ownedReservation(id: reservationID, userID: holder.userID)]
        }
        return try db.all(
            """
            SELECT id, user_id, concert_id, date, seat_number, price, held_ms, expires_ms, paid_ms
            FROM reservations WHERE user_id = ?1 ORDER BY id DESC
            """, holder.userID, read: readReservation)
    }

    /// The reservation `id` if it belongs to `userID`; RESERVATION_NOT_FOUND otherwise. Another user's
    /// reservation gets the same answer, so sequential ids reveal nothing; the server log tells them apart.
    func ownedReservation(id: Int64, userID: UUID) throws -> Reservation {
        guard let found = try reservation(id: id) else {
            throw ConcertError(.reservationNotFound, "Reservation \(id) does not exist.", logNote: "no such reservation")
        }
        guard found.userID == userID else {
            throw ConcertError(
                .reservationNotFound, "Reservation \(id) does not exist.", logNote: "reservation of another user")
        }
        return found
    }

    /// The reservation `id` as of `now`, if it exists.
    func reservation(id: Int64) throws -> Reservation? {
        try db.first(
            """
            SELECT id, user_id, concert_id, date, seat_number, price, held_ms, expires_ms, paid_ms
            FROM reservations WHERE id = ?1
            """, id, read: readReservation)
    }

    private func readReservation(_ row: any SQLRow) throws -> Reservation {
        let expires = row.int64(7)
        let paid = row.optionalInt64(8)
        return Reservation(
            id: row.int64(0), userID: try row.uuid(1), concertID: row.int64(2), date: row.string(3),
            seatNumber: row.int(4), price: row.int64(5),
            state: ReservationState.derive(paidAtMs: paid, expiresAtMs: expires, now: now),
            heldAtMs: row.int64(6), expiresAtMs: expires, paidAtMs: paid)
    }

    private struct SeatHold {
        var price: Int64
        var isSold: Bool
        var liveHoldReservationID: Int64?
        var liveHolderID: UUID?
    }

    private func seatHold(concertID: Int64, date: String, number: Int) throws -> SeatHold? {
        try db.first(
            """
            SELECT s.price, s.sold_reservation_id IS NOT NULL,
                CASE WHEN s.hold_expires_ms > ?4 THEN s.hold_reservation_id END, r.user_id
            FROM seats AS s LEFT JOIN reservations AS r ON r.id = s.hold_reservation_id AND s.hold_expires_ms > ?4
            WHERE s.concert_id = ?1 AND s.date = ?2 AND s.number = ?3
            """, concertID, date, number, now
        ) { row in
            let holdID = row.optionalInt64(2)
            return SeatHold(
                price: row.int64(0), isSold: row.bool(1), liveHoldReservationID: holdID,
                liveHolderID: holdID == nil ? nil : try row.uuid(3))
        }
    }
}
