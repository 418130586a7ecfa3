import ConcertDomain
import Foundation

/// What operators do to a running sale, as writes and reads to start with a completion (``StoreWrite``,
/// ``StoreRead``) or await. Each change is one write, logged with its effect; on PostgreSQL every server's
/// view of the lines reads the changed sale at its next full refresh (within a second).
extension ConcertStore {
    /// Write: changes the sale's settings (see ``SaleUpdate``); the sale and the changes logged.
    public func updateSale(concertID: Int64, _ update: SaleUpdate, by madeBy: Operator)
        -> StoreWrite<(sale: Sale, changes: [SaleChange])>
    {
        StoreWrite {
            try Validation.concertID(concertID)
            return writing(scope: .only([.sale(concertID)])) { session in
                let (sale, changes) = try session.updateSale(concertID: concertID, update, by: madeBy)
                return (sale, changes)
            }
        }
    }

    /// Write: pauses (`paused`) or resumes the sale's admission; the sale.
    public func setAdmissionPaused(concertID: Int64, _ paused: Bool, by madeBy: Operator) -> StoreWrite<Sale> {
        StoreWrite {
            try Validation.concertID(concertID)
            return writing(scope: .only([.sale(concertID)])) { session in
                try session.setAdmissionPaused(concertID: concertID, paused, by: madeBy)
            }
        }
    }

    /// Write: closes the sale now; the sale.
    public func closeSale(concertID: Int64, by madeBy: Operator) -> StoreWrite<Sale> {
        StoreWrite {
            try Validation.concertID(concertID)
            return writing(scope: .only([.sale(concertID)])) { session in try session.closeSale(concertID: concertID, by: madeBy) }
        }
    }

    /// Write: revokes a token, named by itself or by a user and a sale (the user's latest token there).
    public func revokeToken(
        token: String?, userID: UUID?, concertID: Int64, reason: String, by madeBy: Operator
    ) -> StoreWrite<Revocation> {
        writing(scope: .everything) { session in
            try session.revokeToken(token: token, userID: userID, concertID: concertID, reason: reason, by: madeBy)
        }
    }

    /// Write: loads what `catalog` adds (as ``loadCatalog(_:)``), logging each concert and date added.
    public func reloadCatalog(_ catalog: Catalog, by madeBy: Operator) -> StoreWrite<CatalogAddition> {
        StoreWrite {
            try catalog.validate()
            return writing(scope: .everything) { session in try session.load(catalog, by: madeBy) }
        }
    }

    /// Read: the sale's changes, newest first, at most `limit`. INVALID_CONCERT_ID, CONCERT_NOT_FOUND.
    public func saleChanges(concertID: Int64, limit: Int) -> StoreRead<[SaleChange]> {
        reading(fresh: true) { session in
            try Validation.concertID(concertID)
            return try session.saleChanges(concertID: concertID, limit: limit)
        }
    }

    /// Read: the sale's figures now. INVALID_CONCERT_ID, CONCERT_NOT_FOUND.
    public func saleStats(concertID: Int64) -> StoreRead<SaleStats> {
        reading(fresh: true) { session in
            try Validation.concertID(concertID)
            return try session.saleStats(session.saleRecord(concertID))
        }
    }

    /// Read: every sale's figures now, by concert id.
    public func allSaleStats() -> StoreRead<[SaleStats]> {
        reading(fresh: true) { session in try session.saleRecords().map(session.saleStats) }
    }
}
