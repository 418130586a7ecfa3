/// The outcome of a charge (a top-up of the user's balance).
public struct ChargeReceipt: Sendable, Equatable {
    /// The charge's id.
    public var chargeID: Int64
    /// The amount added.
    public var amount: Int64
    /// The balance right after this charge was applied.
    public var balance: Int64
    /// Whether this answer repeats an earlier charge with the same idempotency key.
    public var replayed: Bool

    /// Creates a charge receipt.
    public init(chargeID: Int64, amount: Int64, balance: Int64, replayed: Bool) {
        self.chargeID = chargeID
        self.amount = amount
        self.balance = balance
        self.replayed = replayed
    }
}

/// The outcome of paying for a reservation.
public struct PaymentReceipt: Sendable, Equatable {
    /// The payment's id.
    public var paymentID: Int64
    /// The amount debited (the seat's price).
    public var amount: Int64
    /// The balance after the debit.
    public var balance: Int64
    /// When the payment was made (Unix ms).
    public var paidAtMs: Int64
    /// The reservation, now paid.
    public var reservation: Reservation

    /// Creates a payment receipt.
    public init(paymentID: Int64, amount: Int64, balance: Int64, paidAtMs: Int64, reservation: Reservation) {
        self.paymentID = paymentID
        self.amount = amount
        self.balance = balance
        self.paidAtMs = paidAtMs
        self.reservation = reservation
    }
}
