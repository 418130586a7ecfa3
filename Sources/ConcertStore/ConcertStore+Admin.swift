import ConcertDomain
import Foundation

/// What operators do to a running sale. Each change is one write, logged with its effect; on PostgreSQL every
/// server's view of the lines reads the changed sale at its next full refresh (within a second).
extension ConcertStore {
    /// Write: changes the sale's settings (see ``SaleUpdate``); returns the sale and the changes logged.
    public func updateSale(concertID: Int64, _ update: SaleUpdate, by madeBy: Operator) async throws
        -> (sale: Sale, changes: [SaleChange])
    {
        try Validation.concertID(concertID)
        return try await write(scope: .only([.sale(concertID)])) { session in
            try session.updateSale(concertID: concertID, update, by: madeBy)
        }
    }

    /// Write: pauses (`paused`) or resumes the sale's admission; returns the sale.
    public func setAdmissionPaused(concertID: Int64, _ paused: Bool, by madeBy: Operator) async throws -> Sale {
        try Validation.concertID(concertID)
        return try await write(scope: .only([.sale(concertID)])) { session in
            try session.setAdmissionPaused(concertID: concertID, paused, by: madeBy)
        }
    }

    /// Write: closes the sale now; returns the sale.
    public func closeSale(concertID: Int64, by madeBy: Operator) async throws -> Sale {
        try Validation.concertID(concertID)
        return try await write(scope: .only([.sale(concertID)])) { session in
            try session.closeSale(concertID: concertID, by: madeBy)
        }
    }

    /// Write: revokes a token, named by itself or by a user and a sale (the user's latest token there).
    public func revokeToken(
        token: String?, userID: UUID?, concertID: Int64, reason: String, by madeBy: Operator
    ) async throws -> Revocation {
        try await write(scope: .everything) { session in
            try session.revokeToken(token: token, userID: userID, concertID: concertID, reason: reason, by: madeBy)
        }
    }

    /// Write: loads what `catalog` adds (as ``loadCatalog(_:)``), logging each concert and date added.
    public func reloadCatalog(_ catalog: Catalog, by madeBy: Operator) async throws -> CatalogAddition {
        try catalog.validate()
        return try await write(scope: .everything) { session in try session.load(catalog, by: madeBy) }
    }

    /// Read: the sale's changes, newest first, at most `limit`.
    public func saleChanges(concertID: Int64, limit: Int) async throws -> [SaleChange] {
        try Validation.concertID(concertID)
        return try await reading(fresh: true) { session in try session.saleChanges(concertID: concertID, limit: limit) }
            .value()
    }

    /// Read: the sale's figures now. CONCERT_NOT_FOUND.
    public func saleStats(concertID: Int64) async throws -> SaleStats {
        try Validation.concertID(concertID)
        return try await reading(fresh: true) { session in try session.saleStats(session.saleRecord(concertID)) }
            .value()
    }

    /// Read: every sale's figures now, by concert id.
    public func allSaleStats() async throws -> [SaleStats] {
        try await reading(fresh: true) { session in try session.saleRecords().map(session.saleStats) }.value()
    }
}
