import ConcertDomain

extension ConcertStore {
    /// Write: ``Writes/reserveSeat(token:concertID:date:seatNumber:)``, awaited.
    public func reserveSeat(token: String, concertID: Int64, date: String, seatNumber: Int) async throws -> Reservation {
        try await writes.reserveSeat(token: token, concertID: concertID, date: date, seatNumber: seatNumber).value()
    }

    /// Read: ``Reads/reservations(token:reservationID:)``, waited for.
    public func reservations(token: String, reservationID: Int64?) throws -> [Reservation] {
        try reads.reservations(token: token, reservationID: reservationID).wait()
    }
}
