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

    /// The operator `metadata` proves, or UNAUTHENTICATED with OPERATOR_CREDENTIAL_MISSING or
    /// OPERATOR_CREDENTIAL_INVALID, or PERMISSION_DENIED with ADMIN_DISABLED.
    func authenticate(_ metadata: [MetadataEntry], method: String) async throws(RPCError) -> Operator {
        do throws(RPCError) {
            return try await check(metadata)
        } catch {
            logger.warning(
                "operator call refused", metadata: ["method": "\(method)", "reason": "\(error.reason)"])
            Counter(label: "concert_admin_refusals_total", dimensions: [("reason", error.reason)]).increment()
            throw error
        }
    }

    private func check(_ metadata: [MetadataEntry]) async throws(RPCError) -> Operator {
        guard isEnabled else {
            throw RPCError(
                code: .permissionDenied, reason: .adminDisabled,
                message: "AdminService is off: the server has no --admin-secret-file and no --user-auth jwt keys.")
        }
        guard let value = metadata[MetadataKey.authorization], value.hasPrefix("Bearer "), value.count > 7 else {
            throw RPCError(
                code: .unauthenticated, reason: .operatorCredentialMissing,
                message: "AdminService needs an \"authorization: Bearer <credential>\" metadata entry.")
        }
        let credential = String(value.dropFirst(7))
        if let secret, Self.constantTimeEqual(Array(credential.utf8), secret) {
            return .adminSecret
        }
        if let verifier, let subject = await verifier.operatorSubject(credential) {
            return .jwt(subject: subject)
        }
        throw RPCError(
            code: .unauthenticated, reason: .operatorCredentialInvalid,
            message: "The credential is not the admin secret nor a valid operator JWT.")
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
