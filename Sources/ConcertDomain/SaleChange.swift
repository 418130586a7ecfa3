/// One change an operator made to a sale, as the change log keeps it.
public struct SaleChange: Sendable, Equatable {
    /// The change's id; later changes have higher ids.
    public var id: Int64
    /// The sale changed.
    public var concertID: Int64
    /// When (Unix ms).
    public var atMs: Int64
    /// What changed: a setting's name, `admission`, `sale`, `token` or `catalog`.
    public var what: String
    /// The value before, as text.
    public var old: String
    /// The value after, as text.
    public var new: String
    /// The operator credential that made it (see ``Operator``).
    public var madeBy: String

    /// Creates a change from its parts.
    public init(id: Int64, concertID: Int64, atMs: Int64, what: String, old: String, new: String, madeBy: String) {
        self.id = id
        self.concertID = concertID
        self.atMs = atMs
        self.what = what
        self.old = old
        self.new = new
        self.madeBy = madeBy
    }
}

/// Who made an operator change, as the change log names them.
public struct Operator: Sendable, Equatable {
    /// The name recorded: `admin-secret`, `jwt:<subject>`, or `signal:SIGHUP`.
    public var name: String

    /// An operator named `name`.
    public init(name: String) {
        self.name = name
    }

    /// The holder of the server's admin secret.
    public static let adminSecret = Operator(name: "admin-secret")

    /// The operator a JWT with `subject` names.
    public static func jwt(subject: String) -> Operator {
        Operator(name: "jwt:\(subject)")
    }

    /// The server itself, told by a SIGHUP.
    public static let hangupSignal = Operator(name: "signal:SIGHUP")
}

/// What a catalog load added.
public struct CatalogAddition: Sendable, Equatable {
    /// The concerts added, by id.
    public var concertIDs: [Int64]
    /// How many performance dates were added, to new or existing concerts.
    public var dates: Int

    /// Creates a report of what was added.
    public init(concertIDs: [Int64] = [], dates: Int = 0) {
        self.concertIDs = concertIDs
        self.dates = dates
    }
}

/// The outcome of revoking a token.
public struct Revocation: Sendable, Equatable {
    /// False when the token had already ended, and nothing changed.
    public var revoked: Bool
    /// The token's status now.
    public var status: QueueStatus
    /// How many of its holds were released.
    public var holdsReleased: Int

    /// Creates an outcome.
    public init(revoked: Bool, status: QueueStatus, holdsReleased: Int) {
        self.revoked = revoked
        self.status = status
        self.holdsReleased = holdsReleased
    }
}
