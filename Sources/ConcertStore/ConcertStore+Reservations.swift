import ConcertDomain

extension ConcertStore {
    /// Write: ``Writes/reserveSeat(token:concertID:date:seatNumber:)``, awaited.
    public func reserveSeat(token: String, concertID: Int64, date: String, seatNumber: Int) async throws -> Reservation {
        try await writes.reserveSeat(token: token, concertID: concertID, date: date, seatNumber: seatNumber).value()
    }

    /// Read: the token's user's reservations by id; with `reservationID`, only that one
    /// (RESERVATION_NOT_FOUND, also for another user's). Any issued token will do, expired included, so a fan
    /// whose token expired by paying can still see the seat they bought.
    public func reservations(token: String, reservationID: Int64?) throws -> [Reservation] {
        try AccessToken.validate(token)
        return try read { session in try session.reservations(token: token, reservationID: reservationID) }
    }
}
