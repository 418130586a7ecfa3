public import ConcertProtocol

extension RPCCaller {
    /// Polls `GetQueueStatus` every `pollInterval` until the caller's token is ACTIVE,
    /// reporting each status to `onUpdate`: PRE_QUEUE with the sale's opening time before
    /// it opens, then WAITING with the position, people ahead and, when `wait_time_known`,
    /// the estimated wait. Polling also keeps the fan present in line.
    ///
    /// - Returns: The first ACTIVE status.
    /// - Throws: UNAUTHENTICATED / `TOKEN_EXPIRED` or `TOKEN_ABANDONED` when the token
    ///   expires or is dropped first; the call's own errors (for example UNAUTHENTICATED /
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
    /// - Returns: The first ACTIVE status.
    /// - Throws: UNAUTHENTICATED / `TOKEN_EXPIRED` or `TOKEN_ABANDONED` when the token expires or is
    ///   dropped first; the watch's own errors (for example UNAUTHENTICATED / `TOKEN_MISSING`, or
    ///   UNAVAILABLE when the connection breaks); CANCELLED when the calling task is cancelled.
    public func waitUntilActive(
        onUpdate: @Sendable (QueueStatus) -> Void = { _ in }
    ) async throws(RPCError) -> QueueStatus {
        do {
            for try await update in watchQueue() {
                guard let status = update.status else { continue }
                onUpdate(status)
                if let admitted = try admission(status) { return admitted }
            }
        } catch let error as RPCError {
            throw error
        } catch {
            throw .cancelled
        }
        throw RPCError(
            code: .unavailable, reason: .connectionClosed, message: "The watch ended before the token was admitted.")
    }
}

/// `status` when it is ACTIVE, nil while the fan still waits; `TOKEN_EXPIRED` or `TOKEN_ABANDONED`, with
/// the code the server sends each reason with (UNAUTHENTICATED), when the token can no longer be admitted.
private func admission(_ status: QueueStatus) throws(RPCError) -> QueueStatus? {
    switch status.state {
    case .active:
        return status
    case .expired:
        throw RPCError(.tokenExpired, message: "The queue token expired before it was admitted.")
    case .abandoned:
        throw RPCError(.tokenAbandoned, message: "The queue token was dropped from the line; request a new one to queue again.")
    default:
        return nil
    }
}
