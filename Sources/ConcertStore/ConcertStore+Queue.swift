import ConcertDomain
import Foundation

extension ConcertStore {
    /// Write: ``Writes/issueToken(userID:concertID:)``, awaited.
    public func issueToken(userID: UUID, concertID: Int64) async throws -> IssuedToken {
        try await writes.issueToken(userID: userID, concertID: concertID).value()
    }

    /// Read: ``Reads/queueStatus(token:)``, waited for.
    public func queueStatus(token: String) throws -> QueueStatus {
        try reads.queueStatus(token: token).wait()
    }

    /// Write: ``Writes/leave(token:)``, awaited.
    public func leave(token: String) async throws -> QueueStatus {
        try await writes.leave(token: token).value()
    }

    /// Read: ``Reads/saleLine(concertID:)``, waited for.
    public func saleLine(concertID: Int64) throws -> SaleLine {
        try reads.saleLine(concertID: concertID).wait()
    }

    /// Gives pre-queued tokens of every sale that has opened their places (at most `chunk` per sale per write
    /// transaction, so no request waits long behind a big shuffle: by default 1,000, or 4,000 where a chunk is
    /// one bulk UPDATE, about 160 ms on PostgreSQL here), then fills free active
    /// places from the head of every line; returns how many were admitted. A round with nothing to do costs
    /// one read, whatever the number of sales, or none where this server's view of the lines shows that no
    /// sale has anything to admit.
    public func admitWaiting(chunk: Int? = nil) async throws -> Int {
        let chunk = chunk ?? (writesInBulk ? 4000 : 1000)
        if lines?.mayAdmit() == false { return 0 }
        var admitted = 0
        let sales = try await reading { session in
            try session.saleRecords().map { record in (record: record, planned: try !session.admissionPlan(record).isEmpty) }
        }.value()
        for (record, planned) in sales {
            let concertID = record.sale.concertID
            var due = planned
            if record.hasUnplacedPreQueue(now: clockNow) {
                while try await write(scope: .only([.sale(concertID)]), { session in
                    try session.placePreQueue(concertID: concertID, chunk: chunk)
                }) > 0 {}
                due = true
            }
            guard due else { continue }
            admitted += try await write(scope: .only([.sale(concertID)])) { session in try session.admit(concertID: concertID) }
        }
        return admitted
    }
}
