import ConcertDomain
import Foundation

extension ConcertStore {
    /// Write: the user's live (waiting or active) token if there is one, else a new token at the back of the
    /// line; admits from the head of the line when there is room, so the token may come back active.
    public func issueToken(userID: UUID) async throws -> IssuedToken {
        try await write { session in try session.issueToken(userID: userID) }
    }

    /// Read: where the token stands now (two indexed lookups, no scan of the line). An expired token reports
    /// `.expired`; TOKEN_MISSING / TOKEN_UNKNOWN for a missing or unknown token.
    public func queueStatus(token: String) async throws -> QueueStatus {
        try AccessToken.validate(token)
        return try read { session in try session.status(of: session.token(token)) }
    }

    /// Fills free active places from the head of the line and returns how many were admitted. When nothing can
    /// be admitted this is a read only (no write transaction).
    public func admitWaiting() async throws -> Int {
        guard try read({ session in try session.admissionPlan() }) != nil else { return 0 }
        return try await write { session in try session.admit() }
    }
}
