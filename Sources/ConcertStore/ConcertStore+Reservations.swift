import ConcertDomain

extension ConcertStore {
    /// Write: holds the seat for the token's ACTIVE user for the hold duration, or returns the caller's own
    /// live reservation of that seat (idempotent retry). INVALID_SEAT_NUMBER and INVALID_DATE are checked
    /// before touching the database; then TOKEN_*, CONCERT_NOT_FOUND, DATE_NOT_FOUND, SEAT_ALREADY_SOLD,
    /// SEAT_ALREADY_HELD.
    public func reserveSeat(token: String, concertID: Int64, date: String, seatNumber: Int) async throws -> Reservation {
        try Validation.seatNumber(seatNumber)
        try Validation.date(date)
        try AccessToken.validate(token)
        return try await write { session in
            try session.reserveSeat(token: token, concertID: concertID, date: date, seatNumber: seatNumber)
        }
    }

    /// Read: the token's user's reservations by id; with `reservationID`, only that one
    /// (RESERVATION_NOT_FOUND, also for another user's). Any issued token will do, expired included, so a fan
    /// whose token expired by paying can still see the seat they bought.
    public func reservations(token: String, reservationID: Int64?) async throws -> [Reservation] {
        try AccessToken.validate(token)
        return try read { session in try session.reservations(token: token, reservationID: reservationID) }
    }
}
