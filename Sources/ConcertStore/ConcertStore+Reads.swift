import ConcertDomain

extension ConcertStore {
    /// The reads a request can make, as values answered now or later (see ``StoreRead``); the store's
    /// synchronous methods of the same names wait for them.
    public var reads: Reads { Reads(store: self) }

    /// The reads a request can make. Arguments are checked before anything is read.
    public struct Reads: Sendable {
        let store: ConcertStore

        /// Every concert, by id.
        public func concerts() -> StoreRead<[Concert]> {
            store.reading { session in try session.concerts() }
        }

        /// The concert's dates with a free seat now, by date, for the holder of any issued `token`
        /// (TOKEN_MISSING / TOKEN_UNKNOWN otherwise, checked in the same snapshot); CONCERT_NOT_FOUND.
        public func availableDates(token: String, concertID: Int64) -> StoreRead<[ConcertDate]> {
            store.reading { session in
                _ = try session.token(token)
                return try session.availableDates(concertID: concertID)
            }
        }

        /// All 50 seats of the date with whether each is free now, for the holder of any issued `token`;
        /// INVALID_DATE, CONCERT_NOT_FOUND, DATE_NOT_FOUND. From this server's view of the lines where the
        /// engine keeps one (a date it does not know is asked of the database, which says what is missing).
        public func seats(token: String, concertID: Int64, date: String) -> StoreRead<[Seat]> {
            let fromDatabase = { @Sendable in
                store.reading { session in
                    _ = try session.token(token)
                    try Validation.date(date)
                    return try session.seats(concertID: concertID, date: date)
                }
            }
            guard let lines = store.lines, (try? AccessToken.validate(token)) != nil, (try? Validation.date(date)) != nil
            else { return fromDatabase() }
            let fromView = lines.seats(token: token, concertID: concertID, date: date)
            switch fromView.readyResult {
            case .some(.success(.some(let seats))): return StoreRead(ready: .success(seats))
            case .some(.failure(let error)): return StoreRead(ready: .failure(error))
            case .some(.success(.none)), .none: break
            }
            return StoreRead { completion in
                fromView.whenDone { result in
                    switch result {
                    case .success(let seats?): completion(.success(seats))
                    case .success(nil): fromDatabase().whenDone(completion)
                    case .failure(let error): completion(.failure(error))
                    }
                }
            }
        }

        /// Where the token stands now (indexed lookups and this process's index of dropped places, no scan
        /// of the line; from this server's view of the line where the engine keeps one), in any state;
        /// TOKEN_MISSING / TOKEN_UNKNOWN for a missing or unknown token.
        public func queueStatus(token: String) -> StoreRead<QueueStatus> {
            StoreRead(validating: {
                try AccessToken.validate(token)
                if let lines = store.lines { return lines.queueStatus(token: token) }
                return store.reading { session in try session.status(of: session.token(token)) }
            })
        }

        /// One sale's line now (from this server's view of the line where the engine keeps one);
        /// INVALID_CONCERT_ID, CONCERT_NOT_FOUND.
        public func saleLine(concertID: Int64) -> StoreRead<SaleLine> {
            StoreRead(validating: {
                try Validation.concertID(concertID)
                if let lines = store.lines { return lines.saleLine(concertID: concertID) }
                return store.reading { session in try session.saleLine(concertID: concertID) }
            })
        }

        /// The balance of the token's (waiting or active) user.
        public func balance(token: String) -> StoreRead<Int64> {
            StoreRead(validating: {
                try AccessToken.validate(token)
                return store.reading { session in try session.balance(token: token) }
            })
        }

        /// The token's user's reservations by id; with `reservationID`, only that one
        /// (RESERVATION_NOT_FOUND, also for another user's). Any issued token will do, expired included, so
        /// a fan whose token expired by paying can still see the seat they bought.
        public func reservations(token: String, reservationID: Int64?) -> StoreRead<[Reservation]> {
            StoreRead(validating: {
                try AccessToken.validate(token)
                return store.reading { session in try session.reservations(token: token, reservationID: reservationID) }
            })
        }
    }
}
