import ConcertDomain
import ConcertProtocol
import ConcertStore

/// Serves `concert.v1.AuthService`: issues queue tokens, after checking the caller's JWT
/// when the server authenticates users.
struct AuthHandler: AuthServiceHandler {
    let store: ConcertStore
    /// The JWT check, or nil when user ids are trusted.
    let verifier: UserTokenVerifier?

    func issueToken(_ request: IssueTokenRequest, context: RequestContext) async throws -> IssueTokenResponse {
        let userID = try Validation.userID(request.userID)
        try await verifier?.verify(userID: userID, metadata: context.metadata)
        let issued = try await store.issueToken(userID: userID, concertID: request.concertID)
        return IssueTokenResponse(token: issued.token, status: issued.status.wire)
    }
}
