import ConcertDomain
import ConcertProtocol
import ConcertRPC
import ConcertStore
import Foundation

/// Serves `concert.v1.AdminService`: operators read a sale's figures and change it while it runs. Every call
/// is first checked by ``OperatorCredentials``; the operator it names is logged with each change.
struct AdminHandler: AdminServiceHandler {
    let store: ConcertStore
    let clock: any ConcertClock
    let credentials: OperatorCredentials
    /// Reads the catalog file again, for ReloadCatalog.
    let reloadCatalog: @Sendable (Operator) async throws -> CatalogAddition

    func getSaleStats(_ request: GetSaleStatsRequest, context: RequestContext) throws -> Reply<GetSaleStatsResponse> {
        operatorCall(context) { _ in
            let stats = try await store.saleStats(concertID: request.concertID)
            return GetSaleStatsResponse(stats: stats.wire)
        }
    }

    func listSaleStats(_ request: ListSaleStatsRequest, context: RequestContext) throws -> Reply<ListSaleStatsResponse> {
        operatorCall(context) { _ in ListSaleStatsResponse(sales: try await store.allSaleStats().map(\.wire)) }
    }

    func updateSale(_ request: UpdateSaleRequest, context: RequestContext) throws -> Reply<UpdateSaleResponse> {
        let update = SaleUpdate(
            maxActive: request.maxActive?.value, admissionsPerInterval: request.admissionsPerInterval?.value,
            admissionIntervalMs: request.admissionIntervalMs?.value, activeLifetimeMs: request.activeLifetimeMs?.value,
            activeIdleMs: request.activeIdleMs?.value, closesAtMs: request.closesAtUnixMs?.value,
            opensAtMs: request.opensAtUnixMs?.value)
        return operatorCall(context) { madeBy in
            let (sale, changes) = try await store.updateSale(concertID: request.concertID, update, by: madeBy)
            return UpdateSaleResponse(sale: sale.wire(now: clock.now()), changes: changes.map(\.wire))
        }
    }

    func pauseAdmission(_ request: PauseAdmissionRequest, context: RequestContext) throws
        -> Reply<PauseAdmissionResponse>
    {
        operatorCall(context) { madeBy in
            let sale = try await store.setAdmissionPaused(concertID: request.concertID, true, by: madeBy)
            return PauseAdmissionResponse(sale: sale.wire(now: clock.now()))
        }
    }

    func resumeAdmission(_ request: ResumeAdmissionRequest, context: RequestContext) throws
        -> Reply<ResumeAdmissionResponse>
    {
        operatorCall(context) { madeBy in
            let sale = try await store.setAdmissionPaused(concertID: request.concertID, false, by: madeBy)
            return ResumeAdmissionResponse(sale: sale.wire(now: clock.now()))
        }
    }

    func closeSale(_ request: CloseSaleRequest, context: RequestContext) throws -> Reply<CloseSaleResponse> {
        operatorCall(context) { madeBy in
            let sale = try await store.closeSale(concertID: request.concertID, by: madeBy)
            return CloseSaleResponse(sale: sale.wire(now: clock.now()))
        }
    }

    func revokeToken(_ request: RevokeTokenRequest, context: RequestContext) throws -> Reply<RevokeTokenResponse> {
        let userID = request.userID.isEmpty ? nil : try Validation.userID(request.userID)
        let token = request.token.isEmpty ? nil : request.token
        let reason = String(request.reason.prefix(Self.maxReasonCharacters))
        return operatorCall(context) { madeBy in
            let outcome = try await store.revokeToken(
                token: token, userID: userID, concertID: request.concertID, reason: reason, by: madeBy)
            return RevokeTokenResponse(
                revoked: outcome.revoked, status: outcome.status.wire, holdsReleased: UInt32(clamping: outcome.holdsReleased))
        }
    }

    func reloadCatalog(_ request: ReloadCatalogRequest, context: RequestContext) throws -> Reply<ReloadCatalogResponse> {
        operatorCall(context) { madeBy in
            let added = try await reloadCatalog(madeBy)
            return ReloadCatalogResponse(concertsAdded: added.concertIDs, datesAdded: UInt32(clamping: added.dates))
        }
    }

    func listSaleChanges(_ request: ListSaleChangesRequest, context: RequestContext) throws
        -> Reply<ListSaleChangesResponse>
    {
        let limit = request.limit == 0 ? 100 : min(Int(request.limit), 1_000)
        return operatorCall(context) { _ in
            let changes = try await store.saleChanges(concertID: request.concertID, limit: limit)
            return ListSaleChangesResponse(changes: changes.map(\.wire))
        }
    }

    /// The longest revocation reason kept; longer ones are cut.
    static let maxReasonCharacters = 200

    /// The reply of an operator call: `body` runs once the caller is proven an operator, with that operator.
    private func operatorCall<Response: Sendable>(
        _ context: RequestContext, method: String = #function,
        _ body: @escaping @Sendable (Operator) async throws -> Response
    ) -> Reply<Response> {
        let credentials = self.credentials
        let metadata = context.metadata
        let method = String(method.prefix { $0 != "(" })
        return .task {
            let madeBy = try await credentials.authenticate(metadata, method: method)
            return try await body(madeBy)
        }
    }
}
