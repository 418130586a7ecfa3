/// How `IssueToken` learns who is asking for a place.
///
/// The product has no login of its own: it sits behind a ticketing site that has one. With
/// ``trusted`` (the demo default) any caller naming a user id gets that user's place, so
/// anyone who learns a user id can pay that user's holds or give up their place. With
/// ``jwt(_:)`` the site signs a short-lived JWT whose subject is the user id, and the caller
/// presents it in the `authorization` metadata entry.
public enum UserAuthentication: Sendable {
    /// User ids are believed as sent.
    case trusted
    /// `IssueToken` needs a JWT signed with one of these keys whose subject is the user id.
    case jwt(JWTKeys)
}

/// The keys a site signs its users' JWTs with; at least one is set.
public struct JWTKeys: Sendable {
    /// The HS256 shared secret, or nil.
    public var hs256Secret: [UInt8]?
    /// The ES256 (P-256) public key in PEM, or nil.
    public var es256PublicKeyPEM: String?
    /// The clock skew allowed on `exp` and `nbf`.
    public var leeway: Duration

    /// Keys for HS256 and/or ES256, with 30 seconds of leeway by default.
    public init(hs256Secret: [UInt8]? = nil, es256PublicKeyPEM: String? = nil, leeway: Duration = .seconds(30)) {
        self.hs256Secret = hs256Secret
        self.es256PublicKeyPEM = es256PublicKeyPEM
        self.leeway = leeway
    }
}
