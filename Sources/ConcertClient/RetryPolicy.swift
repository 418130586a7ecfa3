import ConcertProtocol

/// Which calls the client sends again when their connection broke before the answer arrived
/// (UNAVAILABLE / `CONNECTION_CLOSED`) or could not be reopened (`CONNECTION_FAILED`), or a draining
/// server refused them, and how often.
///
/// After a broken connection only calls that are safe to send twice are sent again: the reads of
/// ``ReadMethods`` and `ChargeBalance` with an idempotency key (the server applies a key once and answers
/// a repeat as it answered the first). A write without that guarantee (`ReserveSeat`, `Pay`,
/// `ChargeBalance` without a key, `IssueToken`, `LeaveQueue`) is never sent again: its effect is unknown,
/// and the caller decides (for example with `GetReservation`). A call a draining server answered
/// UNAVAILABLE / `SHUTTING_DOWN` never ran, so any call, writes included, is sent again on a new connection
/// (to another server). Any other answer of a server, whatever its code, is never retried; nor is a stream
/// (the streaming `waitUntilActive` resumes its watch itself). All attempts of a call share its one deadline.
public struct RetryPolicy: Sendable, Hashable {
    /// The attempts in all, the first included; 1 never sends a call again.
    public var maxAttempts: Int

    /// Creates a policy; by default a safe call is sent at most 3 times.
    public init(maxAttempts: Int = 3) {
        self.maxAttempts = maxAttempts
    }

    /// Every call is sent once.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Whether `request` to `rpc`, having failed with `error` on attempt `attempt` (from 1), is sent again.
    func retries<Request, Response>(
        _ rpc: RPC<Request, Response>, _ request: Request, after error: RPCError, attempt: Int
    ) -> Bool {
        guard attempt < maxAttempts else { return false }
        if error.knownReason?.meansServerIsDraining == true { return true }
        guard error.isConnectionFailure else { return false }
        if ReadMethods.all.contains(rpc.descriptor) { return true }
        if let charge = request as? ChargeBalanceRequest { return !charge.idempotencyKey.isEmpty }
        return false
    }
}

extension RPCError {
    /// Whether the client raised this because the connection failed or broke before an answer, rather
    /// than the server answering.
    var isConnectionFailure: Bool {
        knownReason == .connectionFailed || knownReason == .connectionClosed
    }
}
