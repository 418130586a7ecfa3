/// The stored facts of one token's place in line, from which its state is derived at read time.
public struct QueueTicket: Sendable, Equatable {
    /// The token's arrival number: 1 for the first token ever issued, contiguous.
    public var seq: Int64
    /// When the token stops being active (Unix ms); nil until admitted.
    public var expiresAtMs: Int64?
    /// Whether the token was closed by a payment.
    public var isClosed: Bool

    /// Creates a ticket.
    public init(seq: Int64, expiresAtMs: Int64?, isClosed: Bool) {
        self.seq = seq
        self.expiresAtMs = expiresAtMs
        self.isClosed = isClosed
    }

    /// The token's state when every token up to `admittedThrough` has been admitted and the time is `now`:
    /// seq beyond `admittedThrough` is waiting; otherwise closed or `expiresAtMs <= now` is expired; else active.
    public func state(admittedThrough: Int64, now: Int64) -> TokenState {
        if seq > admittedThrough { return .waiting }
        guard !isClosed, let expiresAtMs, expiresAtMs > now else { return .expired }
        return .active
    }

    /// The token's place in line (1 = next) given `admittedThrough`; meaningful only while waiting.
    public func position(admittedThrough: Int64) -> Int64 {
        seq - admittedThrough
    }

    /// Whether the token is live (waiting or active).
    public func isLive(admittedThrough: Int64, now: Int64) -> Bool {
        state(admittedThrough: admittedThrough, now: now) != .expired
    }

    /// The full status; `estimateWait` turns a waiting position into an estimated wait in milliseconds.
    public func status(
        admittedThrough: Int64, now: Int64, estimateWait: (Int64) throws -> Int64
    ) rethrows -> QueueStatus {
        switch state(admittedThrough: admittedThrough, now: now) {
        case .waiting:
            let position = position(admittedThrough: admittedThrough)
            return .waiting(position: position, estimatedWaitMs: try estimateWait(position))
        case .active:
            return .active(expiresAtMs: expiresAtMs ?? now)
        case .expired:
            return .expired
        }
    }
}
