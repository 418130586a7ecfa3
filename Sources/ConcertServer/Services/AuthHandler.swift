import ConcertDomain
import ConcertProtocol
import ConcertRPC
import ConcertStore

/// Serves `concert.v1.AuthService`: issues queue tokens, after checking the caller's JWT
/// when the server authenticates users.
struct AuthHandler: AuthServiceHandler {
    let store: ConcertStore
    /// The JWT check, or nil when user ids are trusted.
    let verifier: UserTokenVerifier?

    func issueToken(_ request: IssueTokenRequest, context: RequestContext) throws -> Reply<IssueTokenResponse> {
        let userID = try Validation.userID(request.userID)
        let issue = store.writes.issueToken(userID: userID, concertID: request.concertID)
        let response = { @Sendable (issued: IssuedToken) in IssueTokenResponse(token: issued.token, status: issued.status.wire) }
        guard let verifier else { return Reply(issue, response) }
        let metadata = context.metadata
        return .task {
            try await verifier.verify(userID: userID, metadata: metadata)
            return response(try await issue.value())
        }
    }
}
