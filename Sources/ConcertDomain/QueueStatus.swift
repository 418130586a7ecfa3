import Foundation

/// Where a queue token stands.
public enum TokenState: Sendable {
    /// Before its sale opens: in the pre-queue, without a position.
    case preQueue
    /// In line, not yet admitted.
    case waiting
    /// Admitted and within its active lifetime: may reserve and pay.
    case active
    /// Its active time ran out, it sat idle too long, it was used to pay, or it left while active.
    case expired
    /// Dropped from the line before admission: its holder left or stopped calling.
    case abandoned
    /// Ended by an operator.
    case revoked

    /// Whether a token in this state still has a place: pre-queued, waiting or active.
    public var isLive: Bool {
        switch self {
        case .preQueue, .waiting, .active: true
        case .expired, .abandoned, .revoked: false
        }
    }
}

/// A token's place in its sale's line, as seen at one instant.
public struct QueueStatus: Sendable, Equatable {
    /// The token's state.
    public var state: TokenState
    /// 1 = next in line; 0 unless waiting.
    public var position: Int64
    /// How many are ahead: position - 1 when waiting, else 0.
    public var ahead: Int64
    /// The estimated wait until admission in milliseconds; nil when unknown or not waiting.
    public var estimatedWaitMs: Int64?
    /// When the active token expires at the latest (Unix ms); set only when active.
    public var expiresAtMs: Int64?
    /// When the token's sale opens (Unix ms); set only when pre-queued.
    public var opensAtMs: Int64?
    /// The concert whose sale the token waits for.
    public var concertID: Int64
    /// Whether operators have paused the sale's admission (nobody is admitted; the wait is unknown).
    public var admissionPaused: Bool

    /// Creates a status from its parts.
    public init(
        state: TokenState, position: Int64 = 0, ahead: Int64 = 0, estimatedWaitMs: Int64? = nil,
        expiresAtMs: Int64? = nil, opensAtMs: Int64? = nil, concertID: Int64, admissionPaused: Bool = false
    ) {
        self.admissionPaused = admissionPaused
        self.state = state
        self.position = position
        self.ahead = ahead
        self.estimatedWaitMs = estimatedWaitMs
        self.expiresAtMs = expiresAtMs
        self.opensAtMs = opensAtMs
        self.concertID = concertID
    }
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
