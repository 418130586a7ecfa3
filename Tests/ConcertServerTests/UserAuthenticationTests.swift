import ConcertProtocol
import ConcertRPC
import ConcertServer
import Foundation
import JWTKit
import ConcertTesting
import Testing

/// With `--user-auth jwt`, IssueToken needs a JWT the ticketing site signed for that user:
/// naming someone's user id is no longer enough to take their place.
@Suite("User authentication")
struct UserAuthenticationTests {
    static let secret = Array("a shared secret of at least thirty-two bytes".utf8)

    @Test("HS256 and ES256 tokens for the user are accepted, and a re-issue returns the same place")
    func validTokens() async throws {
        let es256 = ES256PrivateKey()
        let keys = JWTKeys(hs256Secret: Self.secret, es256PublicKeyPEM: es256.publicKey.pemRepresentation)
        try await withServer(keys) { server in
            let user = UUID()
            let hs = try await Self.sign(SiteClaims(user: user), hs256: Self.secret)
            let first = try await issue(server, user: user, authorization: "Bearer \(hs)")
            #expect(first.code == .ok, "\(first.reason): \(first.message)")
            let es = try await Self.sign(SiteClaims(user: user), es256: es256)
            let again = try await issue(server, user: user, authorization: es)
            #expect(again.code == .ok, "\(again.reason): \(again.message)")
            let firstToken = try IssueTokenResponse(serializedBytes: first.payload).token
            #expect(try IssueTokenResponse(serializedBytes: again.payload).token == firstToken)
        }
    }

    @Test("a missing, expired, foreign, forged or unsigned JWT is UNAUTHENTICATED with its reason")
    func refusedTokens() async throws {
        try await withServer(JWTKeys(hs256Secret: Self.secret)) { server in
            let user = UUID()
            let cases: [(String?, String)] = [
                (nil, "AUTHORIZATION_MISSING"),
                (try await Self.sign(SiteClaims(user: user, expiresIn: -300), hs256: Self.secret), "AUTHORIZATION_EXPIRED"),
                (try await Self.sign(SiteClaims(user: UUID()), hs256: Self.secret), "AUTHORIZATION_SUBJECT_MISMATCH"),
                (try await Self.sign(SiteClaims(user: user), hs256: Array("another secret of thirty-two bytes or more".utf8)), "AUTHORIZATION_INVALID"),
                (try await Self.sign(SiteClaims(user: user), es256: ES256PrivateKey()), "AUTHORIZATION_INVALID"),
                (Self.unsigned(SiteClaims(user: user)), "AUTHORIZATION_INVALID"),
                ("not a jwt", "AUTHORIZATION_INVALID"),
            ]
            for (authorization, reason) in cases {
                let answer = try await issue(server, user: user, authorization: authorization)
                #expect(answer.code == .unauthenticated, "\(reason)")
                #expect(answer.reason == reason)
            }
        }
    }

    private func withServer(_ keys: JWTKeys, _ body: (LiveServer) async throws -> Void) async throws {
        let server = try await LiveServer.start(backgroundJobs: false, userAuthentication: .jwt(keys))
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    private func issue(_ server: LiveServer, user: UUID, authorization: String?) async throws -> ResponseEnvelope {
        let envelope = RequestEnvelope(
            id: 1, method: AuthService.issueToken.descriptor.path,
            metadata: authorization.map { [MetadataEntry(key: MetadataKey.authorization, value: $0)] } ?? [],
            payload: IssueTokenRequest(userID: user.uuidString.lowercased(), concertID: 1).serializedBytes())
        let answer = try await onThread {
            let connection = try RawConnection(port: server.port)
            try connection.sendFrame(envelope)
            return try connection.readResponse()
        }
        return try #require(answer)
    }

    private static func sign(_ claims: SiteClaims, hs256 secret: [UInt8]) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return try await keys.sign(claims)
    }

    private static func sign(_ claims: SiteClaims, es256 key: ES256PrivateKey) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key)
        return try await keys.sign(claims)
    }

    /// A token with `"alg": "none"` and no signature.
    private static func unsigned(_ claims: SiteClaims) -> String {
        let header = Data(#"{"alg":"none","typ":"JWT"}"#.utf8)
        let payload = try! JSONEncoder().encode(claims)
        return [header, payload].map { $0.base64EncodedString().replacingOccurrences(of: "=", with: "") }
            .joined(separator: ".") + "."
    }
}

/// What a ticketing site puts in the JWT it signs for a fan.
struct SiteClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim

    init(user: UUID, expiresIn seconds: TimeInterval = 300) {
        sub = SubjectClaim(value: user.uuidString.lowercased())
        exp = ExpirationClaim(value: Date().addingTimeInterval(seconds))
    }

    func verify(using algorithm: some JWTAlgorithm) throws {}
}
