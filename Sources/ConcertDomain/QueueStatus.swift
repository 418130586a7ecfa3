import Foundation

/// Where a queue token stands.
public enum TokenState: Sendable {
    /// In line, not yet admitted.
    case waiting
    /// Admitted and within its active lifetime: may reserve and pay.
    case active
    /// Its active time ran out, or it was used to pay.
    case expired
}

/// A token's place in the waiting line, as seen at one instant.
public struct QueueStatus: Sendable, Equatable {
    /// The token's state.
    public var state: TokenState
    /// 1 = next in line; 0 unless waiting.
    public var position: Int64
    /// How many are ahead: position - 1 when waiting, else 0.
    public var ahead: Int64
    /// The estimated wait until admission in milliseconds; 0 unless waiting.
    public var estimatedWaitMs: Int64
    /// When the active token expires (Unix ms); set only when active.
    public var expiresAtMs: Int64?

    /// Creates a status from its parts.
    public init(
        state: TokenState, position: Int64, ahead: Int64, estimatedWaitMs: Int64, expiresAtMs: Int64?
    ) {
        self.state = state
        self.position = position
        self.ahead = ahead
        self.estimatedWaitMs = estimatedWaitMs
        self.expiresAtMs = expiresAtMs
    }

    /// The status of a token waiting at `position` (1 = next) with the given estimated wait.
    public static func waiting(position: Int64, estimatedWaitMs: Int64) -> QueueStatus {
        QueueStatus(
            state: .waiting, position: position, ahead: position - 1, estimatedWaitMs: estimatedWaitMs, expiresAtMs: nil)
    }

    /// The status of a token that is active until `expiresAtMs`.
    public static func active(expiresAtMs: Int64) -> QueueStatus {
        QueueStatus(state: .active, position: 0, ahead: 0, estimatedWaitMs: 0, expiresAtMs: expiresAtMs)
    }

    /// The status of an expired token.
    public static let expired = QueueStatus(state: .expired, position: 0, ahead: 0, estimatedWaitMs: 0, expiresAtMs: nil)
}

/// A token handed to a user, with its status at issue time.
public struct IssuedToken: Sendable, Equatable {
    /// The opaque bearer token (32 lowercase hex characters).
    public var token: String
    /// The user the token is bound to.
    public var userID: UUID
    /// The token's status when it was issued (or re-issued).
    public var status: QueueStatus

    /// Creates an issued token.
    public init(token: String, userID: UUID, status: QueueStatus) {
        self.token = token
        self.userID = userID
        self.status = status
    }
}
