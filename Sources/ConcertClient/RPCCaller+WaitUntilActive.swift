public import ConcertProtocol

extension RPCCaller {
    /// Polls `GetQueueStatus` every `pollInterval` until the caller's token is ACTIVE,
    /// reporting each status to `onUpdate`: PRE_QUEUE with the sale's opening time before
    /// it opens, then WAITING with the position, people ahead and, when `wait_time_known`,
    /// the estimated wait. Polling also keeps the fan present in line.
    ///
    /// - Returns: The first ACTIVE status.
    /// - Throws: UNAUTHENTICATED / `TOKEN_EXPIRED`, `TOKEN_ABANDONED` or `TOKEN_REVOKED` when the token
    ///   expires, is dropped or is revoked first; the call's own errors (for example UNAUTHENTICATED /
    ///   `TOKEN_MISSING`); CANCELLED when the calling task is cancelled.
    public func waitUntilActive(
        pollInterval: Duration = .milliseconds(500),
        onUpdate: @Sendable (QueueStatus) -> Void = { _ in }
    ) async throws(RPCError) -> QueueStatus {
        while true {
            guard let status = try await getQueueStatus(GetQueueStatusRequest()).status else {
                throw RPCError(
                    code: .internal, reason: .malformedResponse, message: "GetQueueStatus answered without a status.")
            }
            onUpdate(status)
            if let admitted = try admission(status) { return admitted }
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                throw .cancelled
            }
        }
    }
}

extension RPCCaller where Self: RPCStreamCaller {
    /// Watches the caller's token (`WatchQueue`) until it is ACTIVE, reporting each status the server
    /// pushes to `onUpdate`, without polling; the watch also keeps the fan present in line. Returning
    /// ends the watch (the server is told).
    ///
    /// A watch that ends because its server moves it (a rolling restart: UNAVAILABLE / `SERVER_DRAINING`,
    /// or `SHUTTING_DOWN`) or because its connection broke (UNAVAILABLE / `CONNECTION_CLOSED`, the client
    /// not closed) is opened again with the same token on a new connection, through the balancer to another
    /// server; the fan keeps its place (the new server hears the token), and the caller sees nothing but the
    /// statuses. The first watch again after a status was heard starts at once; further ones in a row that
    /// end before any status is heard wait `resuming`'s backoff first, and after `resuming.maxAttempts`
    /// watches in a row end that way the last error is thrown. Any other error ends the wait. A server's
    /// view of the line may lag the one the watch moved from by up to a second, so after a move a WAITING
    /// position above the lowest already heard is reported as that lowest (a fan's place never moves back).
    ///
    /// - Parameters:
    ///   - resuming: How often, and after which waits, a moved or broken watch is opened again; the default
    ///     allows 5 watches in a row without a status (waits of a random 0…100, 0…200, 0…400 ms).
    ///   - onUpdate: Called with each status, in order.
    /// - Returns: The first ACTIVE status.
    /// - Throws: UNAUTHENTICATED / `TOKEN_EXPIRED`, `TOKEN_ABANDONED` or `TOKEN_REVOKED` when the token
    ///   expires, is dropped or is revoked first; the watch's own errors (for example UNAUTHENTICATED / `TOKEN_MISSING`, or
    ///   UNAVAILABLE / `CONNECTION_FAILED` when no new connection could be opened); the last move's error
    ///   once `resuming` is spent; CANCELLED when the calling task is cancelled.
    public func waitUntilActive(
        resuming: ReconnectPolicy = ReconnectPolicy(),
        onUpdate: @Sendable (QueueStatus) -> Void = { _ in }
    ) async throws(RPCError) -> QueueStatus {
        var generator = SystemRandomNumberGenerator()
        var endedInARow = 0
        var lowestPosition: UInt64?
        while true {
            var heard = false
            do {
                for try await update in watchQueue() {
                    guard var status = update.status else { continue }
                    heard = true
                    if status.state == .waiting {
                        status.keepPosition(atMost: lowestPosition)
                        lowestPosition = status.position
                    }
                    onUpdate(status)
                    if let admitted = try admission(status) { return admitted }
                }
            } catch let error as RPCError {
                guard error.movesTheWatch else { throw error }
                endedInARow = heard ? 1 : endedInARow + 1
                guard endedInARow < resuming.maxAttempts else { throw error }
                if endedInARow > 1 {
                    do {
                        try await Task.sleep(for: resuming.backoff(afterFailedAttempts: endedInARow - 1, using: &generator))
                    } catch {
                        throw .cancelled
                    }
                }
                continue
            } catch {
                throw .cancelled
            }
            throw RPCError(
                code: .unavailable, reason: .connectionClosed, message: "The watch ended before the token was admitted.")
        }
    }
}

extension RPCError {
    /// Whether a watch that ended with this error belongs on a new connection: its server is draining, or
    /// its connection broke (but not because the client was closed).
    var movesTheWatch: Bool {
        if knownReason?.meansServerIsDraining == true { return true }
        return knownReason == .connectionClosed && self != .clientClosed
    }
}

/// `status` when it is ACTIVE, nil while the fan still waits; `TOKEN_EXPIRED`, `TOKEN_ABANDONED` or
/// `TOKEN_REVOKED`, with the code the server sends each reason with (UNAUTHENTICATED), when the token can no longer be admitted.
private func admission(_ status: QueueStatus) throws(RPCError) -> QueueStatus? {
    switch status.state {
    case .active:
        return status
    case .expired:
        throw RPCError(.tokenExpired, message: "The queue token expired before it was admitted.")
    case .abandoned:
        throw RPCError(.tokenAbandoned, message: "The queue token was dropped from the line; request a new one to queue again.")
    case .revoked:
        throw RPCError(.tokenRevoked, message: "An operator revoked the queue token; request a new one to queue again.")
    default:
        return nil
    }
}

extension QueueStatus {
    /// Reports the place as `lowest` (and the fans ahead to match) when it is above it: a stale view's.
    mutating func keepPosition(atMost lowest: UInt64?) {
        guard let lowest, position > lowest else { return }
        position = lowest
        ahead = lowest > 0 ? lowest - 1 : 0
    }
}
