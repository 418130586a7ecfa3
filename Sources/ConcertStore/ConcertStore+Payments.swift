import ConcertDomain

extension ConcertStore {
    /// Read: ``Reads/balance(token:)``, waited for.
    public func balance(token: String) throws -> Int64 {
        try reads.balance(token: token).wait()
    }

    /// Write: ``Writes/charge(token:amount:idempotencyKey:)``, awaited.
    public func charge(token: String, amount: Int64, idempotencyKey: String?) async throws -> ChargeReceipt {
        try await writes.charge(token: token, amount: amount, idempotencyKey: idempotencyKey).value()
    }

    /// Write: ``Writes/pay(token:reservationID:)``, awaited.
    public func pay(token: String, reservationID: Int64) async throws -> PaymentReceipt {
        try await writes.pay(token: token, reservationID: reservationID).value()
    }
}
