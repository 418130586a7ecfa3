import ConcertDomain
import ConcertProtocol
import ConcertStore

/// Serves `concert.v1.AuthService`: issues queue tokens.
struct AuthHandler: AuthServiceHandler {
    let store: ConcertStore

    func issueToken(_ request: IssueTokenRequest, context: RequestContext) async throws -> IssueTokenResponse {
        let userID = try Validation.userID(request.userID)
        let issued = try await store.issueToken(userID: userID)
        return IssueTokenResponse(token: issued.token, status: issued.status.wire)
    }
}
