public import ConcertProtocol

extension RPCCaller {
    /// Polls `GetQueueStatus` every `pollInterval` until the caller's token is ACTIVE,
    /// reporting each status (position, people ahead, estimated wait) to `onUpdate`.
    ///
    /// - Returns: The first ACTIVE status.
    /// - Throws: FAILED_PRECONDITION / `TOKEN_EXPIRED` when the token expires first; the
    ///   call's own errors (for example UNAUTHENTICATED / `TOKEN_MISSING`); CANCELLED when
    ///   the calling task is cancelled.
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
            switch status.state {
            case .active:
                return status
            case .expired:
                throw RPCError(
                    code: .failedPrecondition, reason: .tokenExpired,
                    message: "The queue token expired before it was admitted.")
            default:
                do {
                    try await Task.sleep(for: pollInterval)
                } catch {
                    throw .cancelled
                }
            }
        }
    }
}
