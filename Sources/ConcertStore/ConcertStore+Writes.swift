import ConcertDomain
import Foundation

extension ConcertStore {
    /// The writes a request can make, as values to start with a completion (see ``StoreWrite``);
    /// the store's `async` methods of the same names await them.
    public var writes: Writes { Writes(store: self) }

    /// The writes a request can make. Arguments are checked before anything is queued.
    public struct Writes: Sendable {
        let store: ConcertStore

        /// The user's live token for the concert's sale if there is one, else a new token (PRE_QUEUE in the
        /// pre-queue window, else at the back of the line); admits from the head of the line when there is room,
        /// so the token may come back active. INVALID_CONCERT_ID, CONCERT_NOT_FOUND, SALE_NOT_OPEN, SALE_CLOSED.
        public func issueToken(userID: UUID, concertID: Int64) -> StoreWrite<IssuedToken> {
            StoreWrite {
                try Validation.concertID(concertID)
                guard let gatherer = store.joinGatherer else {
                    return store.writing(scope: .only([.sale(concertID)])) { session in
                        try session.issueToken(userID: userID, concertID: concertID)
                    }
                }
                return StoreWrite { completion in
                    gatherer.add(JoinRequest(userID: userID, concertID: concertID), completion: completion)
                }
            }
        }

        /// The token gives up its place (see `Session.leave`).
        public func leave(token: String) -> StoreWrite<QueueStatus> {
            StoreWrite {
                try AccessToken.validate(token)
                return store.writing(scope: .only([.tokenSale(token)])) { session in try session.leave(token: token) }
            }
        }

        /// Holds the seat for the token's ACTIVE user for the hold duration, or returns the caller's own live
        /// reservation of that seat (idempotent retry). INVALID_SEAT_NUMBER and INVALID_DATE are checked before
        /// touching the database; then TOKEN_*, CONCERT_NOT_FOUND, DATE_NOT_FOUND, SEAT_ALREADY_SOLD,
        /// SEAT_ALREADY_HELD. Where the engine keeps a view of the lines, a seat it shows sold to an active token
        /// of its concert is refused SEAT_ALREADY_SOLD without a write (a sold seat stays sold).
        public func reserveSeat(token: String, concertID: Int64, date: String, seatNumber: Int) -> StoreWrite<Reservation> {
            StoreWrite {
                try Validation.seatNumber(seatNumber)
                try Validation.date(date)
                try AccessToken.validate(token)
                if store.lines?.refusesSoldSeat(token: token, concertID: concertID, date: date, number: seatNumber) == true {
                    throw ConcertError(.seatAlreadySold)
                }
                let seat = WriteScope.Part.seat(concertID: concertID, date: date, number: seatNumber)
                return store.writing(scope: .only([.tokenUser(token), seat])) { session in
                    try session.reserveSeat(token: token, concertID: concertID, date: date, seatNumber: seatNumber)
                }
            }
        }

        /// Adds `amount` to the balance of the token's (waiting or active) user. INVALID_AMOUNT,
        /// AMOUNT_TOO_LARGE and INVALID_IDEMPOTENCY_KEY are checked before touching the database (an empty key
        /// means none); a retry with the same key answers like the first charge with `replayed` set.
        public func charge(token: String, amount: Int64, idempotencyKey: String?) -> StoreWrite<ChargeReceipt> {
            StoreWrite {
                try Validation.chargeAmount(amount)
                let key = try Validation.idempotencyKey(idempotencyKey)
                try AccessToken.validate(token)
                guard let gatherer = store.chargeGatherer else {
                    return store.writing(scope: .only([.tokenUser(token)])) { session in
                        try session.charge(token: token, amount: amount, idempotencyKey: key)
                    }
                }
                return StoreWrite { completion in
                    gatherer.add(ChargeRequest(token: token, amount: amount, idempotencyKey: key), completion: completion)
                }
            }
        }

        /// Pays for the reservation from the balance, sells the seat, expires the token and admits the next in
        /// line, all in one transaction.
        public func pay(token: String, reservationID: Int64) -> StoreWrite<PaymentReceipt> {
            StoreWrite {
                try AccessToken.validate(token)
                let scope = WriteScope.only([.tokenSale(token), .tokenUser(token), .reservationSeat(reservationID)])
                return store.writing(scope: scope) { session in try session.pay(token: token, reservationID: reservationID) }
            }
        }
    }
}
