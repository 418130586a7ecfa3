import ConcertDomain
import Foundation

extension ConcertStore {
    /// Write: ``Writes/issueToken(userID:concertID:)``, awaited.
    public func issueToken(userID: UUID, concertID: Int64) async throws -> IssuedToken {
        try await writes.issueToken(userID: userID, concertID: concertID).value()
    }

    /// Read: where the token stands now (indexed lookups and this process's index of dropped places, no scan of
    /// the line), in any state; TOKEN_MISSING / TOKEN_UNKNOWN for a missing or unknown token.
    public func queueStatus(token: String) throws -> QueueStatus {
        try AccessToken.validate(token)
        return try read { session in try session.status(of: session.token(token)) }
    }

    /// Write: ``Writes/leave(token:)``, awaited.
    public func leave(token: String) async throws -> QueueStatus {
        try await writes.leave(token: token).value()
    }

    /// Read: one sale's line now; INVALID_CONCERT_ID, CONCERT_NOT_FOUND.
    public func saleLine(concertID: Int64) throws -> SaleLine {
        try Validation.concertID(concertID)
        return try read { session in try session.saleLine(concertID: concertID) }
    }

    /// Gives pre-queued tokens of every sale that has opened their places (at most `chunk`, 1,000 by default,
    /// per sale per write transaction, so no request waits long behind a big shuffle), then fills free active
    /// places from the head of every line; returns how many were admitted. A sale with nothing to do costs a
    /// read only.
    public func admitWaiting(chunk: Int = 1000) async throws -> Int {
        var admitted = 0
        for record in try read({ session in try session.saleRecords() }) {
            let concertID = record.sale.concertID
            if record.hasUnplacedPreQueue(now: clockNow) {
                while try await write({ session in try session.placePreQueue(concertID: concertID, chunk: chunk) }) > 0 {}
            }
            guard try !read({ session in try session.admissionPlan(session.saleRecord(concertID)).isEmpty }) else { continue }
            admitted += try await write { session in try session.admit(concertID: concertID) }
        }
        return admitted
    }
}
