import ConcertDomain
import ConcertProtocol
import CoreMetrics
import Foundation
import JWTKit
import Logging

/// Decides who may call `concert.v1.AdminService`: a caller whose `authorization` metadata entry is
/// `Bearer <credential>`, the credential being the server's admin secret (compared in constant time) or a JWT,
/// signed with a key of `--user-auth jwt` and unexpired, whose `role` claim is `operator`. A server with
/// neither has AdminService off. Every refusal is logged and counted (`concert_admin_refusals_total{reason}`).
struct OperatorCredentials: Sendable {
    /// What a call's metadata shows at once.
    enum Check: Sendable {
        /// The admin secret: this operator.
        case proven(Operator)
        /// A credential that may be an operator's JWT, to verify (``verify(_:method:)``).
        case jwt(String)
        /// No operator: the refusal to answer with (already logged and counted).
        case refused(RPCError)
    }

    private let secret: [UInt8]?
    private let verifier: UserTokenVerifier?
    private let logger: Logger

    /// Credentials from the admin secret and the JWT keys of `verifier`, either or both absent.
    init(secret: [UInt8]?, verifier: UserTokenVerifier?, logger: Logger) {
        self.secret = secret.flatMap { $0.isEmpty ? nil : $0 }
        self.verifier = verifier
        self.logger = logger
    }

    /// Whether any operator credential is configured (else AdminService refuses every call).
    var isEnabled: Bool { secret != nil || verifier != nil }

    /// What `metadata` shows for a call of `method`, without waiting: the admin secret, a JWT to verify, or a
    /// refusal: PERMISSION_DENIED / ADMIN_DISABLED, UNAUTHENTICATED / OPERATOR_CREDENTIAL_MISSING or
    /// OPERATOR_CREDENTIAL_INVALID.
    func check(_ metadata: [MetadataEntry], method: String) -> Check {
        guard isEnabled else {
            return .refused(
                refusal(
                    RPCError(
                        code: .permissionDenied, reason: .adminDisabled,
                        message: "AdminService is off: the server has no --admin-secret-file and no --user-auth jwt keys."),
                    method: method))
        }
        guard let value = metadata[MetadataKey.authorization], value.hasPrefix("Bearer "), value.count > 7 else {
            return .refused(
                refusal(
                    RPCError(
                        code: .unauthenticated, reason: .operatorCredentialMissing,
                        message: "AdminService needs an \"authorization: Bearer <credential>\" metadata entry."),
                    method: method))
        }
        let credential = String(value.dropFirst(7))
        if let secret, Self.constantTimeEqual(Array(credential.utf8), secret) {
            return .proven(.adminSecret)
        }
        guard verifier != nil else { return .refused(refusal(Self.invalid, method: method)) }
        return .jwt(credential)
    }

    /// The operator `jwt` names when it is a valid operator JWT; else UNAUTHENTICATED /
    /// OPERATOR_CREDENTIAL_INVALID (logged and counted).
    func verify(_ jwt: String, method: String) async throws(RPCError) -> Operator {
        if let verifier, let subject = await verifier.operatorSubject(jwt) { return .jwt(subject: subject) }
        throw refusal(Self.invalid, method: method)
    }

    private static let invalid = RPCError(
        code: .unauthenticated, reason: .operatorCredentialInvalid,
        message: "The credential is not the admin secret nor a valid operator JWT.")

    /// `error`, the refusal of a call of `method`, once logged and counted.
    private func refusal(_ error: RPCError, method: String) -> RPCError {
        logger.warning("operator call refused", metadata: ["method": "\(method)", "reason": "\(error.reason)"])
        Counter(label: "concert_admin_refusals_total", dimensions: [("reason", error.reason)]).increment()
        return error
    }

    /// Whether `given` equals the non-empty `secret`, taking the same time for every `given` of one length
    /// whatever its bytes and wherever it first differs.
    static func constantTimeEqual(_ given: [UInt8], _ secret: [UInt8]) -> Bool {
        var difference: UInt8 = given.count == secret.count ? 0 : 1
        for index in given.indices {
            difference |= given[index] ^ secret[index % secret.count]
        }
        return difference == 0
    }
}

extension UserTokenVerifier {
    /// The subject of `token` when it is a JWT signed with a configured key, unexpired, valid already, whose
    /// `role` claim is `operator`; else nil.
    func operatorSubject(_ token: String) async -> String? {
        guard let keys = collection(for: token), let claims = try? await keys.verify(token, as: OperatorClaims.self)
        else { return nil }
        let now = clock.now()
        guard claims.role == "operator", Int64(claims.exp.value.timeIntervalSince1970 * 1000) + leewayMs > now
        else { return nil }
        if let notBefore = claims.nbf, Int64(notBefore.value.timeIntervalSince1970 * 1000) - leewayMs > now {
            return nil
        }
        return claims.sub.value
    }
}

/// The claims an operator's JWT carries; the time checks use the server's clock.
private struct OperatorClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var nbf: NotBeforeClaim?
    var role: String?

    func verify(using algorithm: some JWTAlgorithm) throws {}
}
