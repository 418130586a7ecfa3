import ConcertDomain
import ConcertProtocol
import Foundation
import JWTKit

/// Checks the `authorization` JWT of an `IssueToken` call: signed with a configured key
/// (HS256 or ES256, chosen by the token's `alg`; anything else is refused, `none` included),
/// not expired, not before its `nbf`, and with the requested user id as its subject.
struct UserTokenVerifier: Sendable {
    let hs256: JWTKeyCollection?
    let es256: JWTKeyCollection?
    let leewayMs: Int64
    let clock: any ConcertClock

    /// A verifier for `keys`, reading time from `clock`. Throws when the ES256 key is not a P-256 public key in PEM.
    init(keys: JWTKeys, clock: any ConcertClock) async throws {
        if let secret = keys.hs256Secret {
            let collection = JWTKeyCollection()
            await collection.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            hs256 = collection
        } else {
            hs256 = nil
        }
        if let pem = keys.es256PublicKeyPEM {
            let collection = JWTKeyCollection()
            await collection.add(ecdsa: try ES256PublicKey(pem: pem))
            es256 = collection
        } else {
            es256 = nil
        }
        leewayMs = keys.leeway.milliseconds
        self.clock = clock
    }

    /// Returns when `metadata` holds a valid JWT for `userID`; throws UNAUTHENTICATED with
    /// AUTHORIZATION_MISSING, AUTHORIZATION_INVALID, AUTHORIZATION_EXPIRED or AUTHORIZATION_SUBJECT_MISMATCH.
    func verify(userID: UUID, metadata: [MetadataEntry]) async throws(RPCError) {
        guard let value = metadata[MetadataKey.authorization], !value.isEmpty else {
            throw Self.failure(.authorizationMissing, "IssueToken needs an \"authorization\" entry holding the site's JWT.")
        }
        let token = value.hasPrefix("Bearer ") ? String(value.dropFirst(7)) : value
        guard let keys = collection(for: token) else {
            throw Self.failure(.authorizationInvalid, "The JWT is malformed or signed with an algorithm this server does not accept.")
        }
        let claims: UserClaims
        do {
            claims = try await keys.verify(token, as: UserClaims.self)
        } catch {
            throw Self.failure(.authorizationInvalid, "The JWT's signature or claims could not be verified.")
        }
        let now = clock.now()
        guard Int64(claims.exp.value.timeIntervalSince1970 * 1000) + leewayMs > now else {
            throw Self.failure(.authorizationExpired, "The JWT has expired.")
        }
        if let notBefore = claims.nbf, Int64(notBefore.value.timeIntervalSince1970 * 1000) - leewayMs > now {
            throw Self.failure(.authorizationInvalid, "The JWT is not valid yet.")
        }
        guard UUID(uuidString: claims.sub.value) == userID else {
            throw Self.failure(.authorizationSubjectMismatch, "The JWT was issued for another user.")
        }
    }

    /// The keys for the token's `alg` header, or nil when the header is unreadable or the algorithm not configured.
    func collection(for token: String) -> JWTKeyCollection? {
        guard let header = token.split(separator: ".", omittingEmptySubsequences: false).first,
            let data = Data(base64URLEncoded: String(header)),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let algorithm = json["alg"] as? String
        else { return nil }
        switch algorithm {
        case "HS256": return hs256
        case "ES256": return es256
        default: return nil
        }
    }

    private static func failure(_ reason: ErrorReason, _ message: String) -> RPCError {
        RPCError(code: .unauthenticated, reason: reason, message: message)
    }
}

/// The claims this server reads from a site's JWT; the time checks use the server's clock.
private struct UserClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var nbf: NotBeforeClaim?

    func verify(using algorithm: some JWTAlgorithm) throws {}
}

extension Data {
    /// Decodes base64url without padding (RFC 7515), or nil.
    fileprivate init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}

extension Duration {
    /// The duration in whole milliseconds.
    fileprivate var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
