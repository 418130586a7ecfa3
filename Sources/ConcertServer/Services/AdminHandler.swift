import ConcertDomain
import ConcertProtocol
import ConcertRPC
import ConcertStore
import Foundation

/// Serves `concert.v1.AdminService`: operators read a sale's figures and change it while it runs. Every call
/// is first checked by ``OperatorCredentials``; the operator it names is logged with each change. A call with
/// the admin secret is started at once and answered when its read or write is (no task in between, as for
/// the other services); one with a JWT first awaits the JWT's verification.
struct AdminHandler: AdminServiceHandler {
    let store: ConcertStore
    let clock: any ConcertClock
    let credentials: OperatorCredentials
    /// Reads the catalog file again and loads what it adds, for ReloadCatalog.
    let reloadCatalog: @Sendable (Operator) -> StoreWrite<CatalogAddition>

    func getSaleStats(_ request: GetSaleStatsRequest, context: RequestContext) throws -> Reply<GetSaleStatsResponse> {
        operatorCall(context) { _ in
            Reply(store.saleStats(concertID: request.concertID)) { stats in GetSaleStatsResponse(stats: stats.wire) }
        }
    }

    func listSaleStats(_ request: ListSaleStatsRequest, context: RequestContext) throws -> Reply<ListSaleStatsResponse> {
        operatorCall(context) { _ in
            Reply(store.allSaleStats()) { sales in ListSaleStatsResponse(sales: sales.map(\.wire)) }
        }
    }

    func updateSale(_ request: UpdateSaleRequest, context: RequestContext) throws -> Reply<UpdateSaleResponse> {
        let update = SaleUpdate(
            maxActive: request.maxActive?.value, admissionsPerInterval: request.admissionsPerInterval?.value,
            admissionIntervalMs: request.admissionIntervalMs?.value, activeLifetimeMs: request.activeLifetimeMs?.value,
            activeIdleMs: request.activeIdleMs?.value, closesAtMs: request.closesAtUnixMs?.value,
            opensAtMs: request.opensAtUnixMs?.value)
        let clock = self.clock
        return operatorCall(context) { madeBy in
            Reply(store.updateSale(concertID: request.concertID, update, by: madeBy)) { updated in
                UpdateSaleResponse(sale: updated.sale.wire(now: clock.now()), changes: updated.changes.map(\.wire))
            }
        }
    }

    func pauseAdmission(_ request: PauseAdmissionRequest, context: RequestContext) throws
        -> Reply<PauseAdmissionResponse>
    {
        let clock = self.clock
        return operatorCall(context) { madeBy in
            Reply(store.setAdmissionPaused(concertID: request.concertID, true, by: madeBy)) { sale in
                PauseAdmissionResponse(sale: sale.wire(now: clock.now()))
            }
        }
    }

    func resumeAdmission(_ request: ResumeAdmissionRequest, context: RequestContext) throws
        -> Reply<ResumeAdmissionResponse>
    {
        let clock = self.clock
        return operatorCall(context) { madeBy in
            Reply(store.setAdmissionPaused(concertID: request.concertID, false, by: madeBy)) { sale in
                ResumeAdmissionResponse(sale: sale.wire(now: clock.now()))
            }
        }
    }

    func closeSale(_ request: CloseSaleRequest, context: RequestContext) throws -> Reply<CloseSaleResponse> {
        let clock = self.clock
        return operatorCall(context) { madeBy in
            Reply(store.closeSale(concertID: request.concertID, by: madeBy)) { sale in
                CloseSaleResponse(sale: sale.wire(now: clock.now()))
            }
        }
    }

    func revokeToken(_ request: RevokeTokenRequest, context: RequestContext) throws -> Reply<RevokeTokenResponse> {
        let userID = request.userID.isEmpty ? nil : try Validation.userID(request.userID)
        let token = request.token.isEmpty ? nil : request.token
        let reason = String(request.reason.prefix(Self.maxReasonCharacters))
        return operatorCall(context) { madeBy in
            let revocation = store.revokeToken(
                token: token, userID: userID, concertID: request.concertID, reason: reason, by: madeBy)
            return Reply(revocation) { outcome in
                RevokeTokenResponse(
                    revoked: outcome.revoked, status: outcome.status.wire,
                    holdsReleased: UInt32(clamping: outcome.holdsReleased))
            }
        }
    }

    func reloadCatalog(_ request: ReloadCatalogRequest, context: RequestContext) throws -> Reply<ReloadCatalogResponse> {
        operatorCall(context) { madeBy in
            Reply(reloadCatalog(madeBy)) { added in
                ReloadCatalogResponse(concertsAdded: added.concertIDs, datesAdded: UInt32(clamping: added.dates))
            }
        }
    }

    func listSaleChanges(_ request: ListSaleChangesRequest, context: RequestContext) throws
        -> Reply<ListSaleChangesResponse>
    {
        let limit = request.limit == 0 ? 100 : min(Int(request.limit), 1_000)
        return operatorCall(context) { _ in
            Reply(store.saleChanges(concertID: request.concertID, limit: limit)) { changes in
                ListSaleChangesResponse(changes: changes.map(\.wire))
            }
        }
    }

    /// The longest revocation reason kept; longer ones are cut.
    static let maxReasonCharacters = 200

    /// The reply of an operator call: the one `body` makes for the operator the call's credential proves, or
    /// the credential's refusal.
    private func operatorCall<Response: Sendable>(
        _ context: RequestContext, method: String = #function,
        _ body: @escaping @Sendable (Operator) throws -> Reply<Response>
    ) -> Reply<Response> {
        let method = String(method.prefix { $0 != "(" })
        switch credentials.check(context.metadata, method: method) {
        case .proven(let madeBy):
            do {
                return try body(madeBy)
            } catch {
                return Reply(failure: error)
            }
        case .refused(let error):
            return Reply(failure: error)
        case .jwt(let jwt):
            let credentials = self.credentials
            return .after({ try await credentials.verify(jwt, method: method) }, then: body)
        }
    }
}
