import ConcertDomain

extension ConcertStore {
    /// Read: the balance of the token's (waiting or active) user.
    public func balance(token: String) async throws -> Int64 {
        try AccessToken.validate(token)
        return try read { session in try session.balance(token: token) }
    }

    /// Write: adds `amount` to the balance of the token's (waiting or active) user. INVALID_AMOUNT,
    /// AMOUNT_TOO_LARGE and INVALID_IDEMPOTENCY_KEY are checked before touching the database (an empty key
    /// means none); a retry with the same key answers like the first charge with `replayed` set.
    public func charge(token: String, amount: Int64, idempotencyKey: String?) async throws -> ChargeReceipt {
        try Validation.chargeAmount(amount)
        let key = try Validation.idempotencyKey(idempotencyKey)
        try AccessToken.validate(token)
        return try await write { session in try session.charge(token: token, amount: amount, idempotencyKey: key) }
    }

    /// Write: pays for the reservation from the balance, sells the seat, expires the token and admits the next
    /// in line — all in one transaction.
    public func pay(token: String, reservationID: Int64) async throws -> PaymentReceipt {
        try AccessToken.validate(token)
        return try await write { session in try session.pay(token: token, reservationID: reservationID) }
    }
}
