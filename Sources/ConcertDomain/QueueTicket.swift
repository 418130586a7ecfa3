/// The stored facts of one token's place in its sale's line, from which its state is derived at read time.
public struct QueueTicket: Sendable, Equatable {
    /// The token's arrival number across all sales: 1 for the first token ever issued.
    public var seq: Int64
    /// The concert whose sale the token waits for.
    public var concertID: Int64
    /// The token's place in its sale's line (1 = first ever); nil while pre-queued.
    public var place: Int64?
    /// When the token stops being active (Unix ms); nil until admitted.
    public var expiresAtMs: Int64?
    /// Whether the token was closed by a payment or by leaving while active.
    public var isClosed: Bool
    /// Whether the token was dropped from the line (left or went silent while not yet admitted).
    public var isAbandoned: Bool
    /// Whether an operator revoked the token.
    public var isRevoked: Bool

    /// Creates a ticket.
    public init(
        seq: Int64, concertID: Int64, place: Int64?, expiresAtMs: Int64?, isClosed: Bool, isAbandoned: Bool,
        isRevoked: Bool = false
    ) {
        self.isRevoked = isRevoked
        self.seq = seq
        self.concertID = concertID
        self.place = place
        self.expiresAtMs = expiresAtMs
        self.isClosed = isClosed
        self.isAbandoned = isAbandoned
    }

    /// The token's state when its sale has admitted every place up to `admittedThrough` and the time is `now`:
    /// revoked; else abandoned; else pre-queued without a place; else waiting beyond `admittedThrough`; else expired when
    /// closed or past `expiresAtMs`; else active.
    public func state(admittedThrough: Int64, now: Int64) -> TokenState {
        if isRevoked { return .revoked }
        if isAbandoned { return .abandoned }
        guard let place else { return .preQueue }
        if place > admittedThrough { return .waiting }
        guard !isClosed, let expiresAtMs, expiresAtMs > now else { return .expired }
        return .active
    }

    /// Whether the token is live (pre-queued, waiting or active).
    public func isLive(admittedThrough: Int64, now: Int64) -> Bool {
        state(admittedThrough: admittedThrough, now: now).isLive
    }
}
